"""The `opm` command line: the root app, wiring one module per command group.

    opm serve                                api.cli.serve
    opm db upgrade | backup | restore        api.cli.database (the copying: api.cli.backup)
    opm questionnaire validate | list | schema   api.cli.questionnaires
    opm org create, opm key create           api.cli.organizations
    opm export, opm import                   api.cli.transfer

What several groups share (a database session, the writable-folder check) is `api.cli.common`.
The image's health check, `python -m api.cli.healthcheck`, is apart: standard library only.
"""

from __future__ import annotations

import typer

from api.cli.database import db_app
from api.cli.organizations import key_app, org_app
from api.cli.questionnaires import questionnaire_app
from api.cli.serve import serve
from api.cli.transfer import export_organization, import_organization

__all__ = ["app"]

app = typer.Typer(help="OPM maturity self-assessment service.", no_args_is_help=True)

# `opm --help` lists the commands, then the groups, each in the order registered here.
app.command()(serve)
app.command("export")(export_organization)
app.command("import")(import_organization)
app.add_typer(db_app, name="db")
app.add_typer(questionnaire_app, name="questionnaire")
app.add_typer(org_app, name="org")
app.add_typer(key_app, name="key")


if __name__ == "__main__":
    app()
