"""The `accords` command line, one module per command group."""
