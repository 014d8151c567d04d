"""`python -m api.cli`: the `opm` command line, as the installed entry point runs it."""

from api.cli.main import app

__all__: list[str] = []

app()
