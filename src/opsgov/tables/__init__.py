"""Tables in and out: import rosters, SCIM exports and DoA sheets; export for Excel; sync with HR.

read.py reads CSV/XLSX cells, columns.py recognises headers, roster.py turns rows into units, posts
and people, doa.py turns a sheet into approval matrices, scim.py reads SCIM 2.0 JSON, write.py
writes YAML, export.py writes the workbook, sync.py compares and applies. The CLI only calls
`run_import`, `run_export` and `run_sync`.
"""
