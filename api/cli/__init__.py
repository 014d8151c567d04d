"""The command line, `opm`: one module per command group (`api.cli.main` holds the entry point).

Nothing is imported here, so that `python -m api.cli.healthcheck` loads no more than it needs.
"""

__all__: list[str] = []
