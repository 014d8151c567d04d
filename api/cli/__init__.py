"""The command line, `opm`: one module per command group (`api.cli.main` holds the entry point)."""
