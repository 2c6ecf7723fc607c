"""opsgov: governance as code. An organisation declared in YAML, proved coherent."""

__version__ = "0.1.0"
