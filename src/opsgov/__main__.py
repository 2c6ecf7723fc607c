from opsgov.cli import main

main()
