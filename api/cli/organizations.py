"""`opm org create` and `opm key create`: an organization with its owner key, and more keys
(for an organization, or admin keys); each secret is printed once."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.common import database_session
from api.core.enums import ORGANIZATION_ROLES, KeyRole
from api.core.errors import AppError
from api.schemas import MAX_KEY_DAYS
from api.services import organizations
from api.services.audit import COMMAND_LINE

__all__ = ["key_app", "key_create", "org_app", "org_create"]

org_app = typer.Typer(help="Organizations.", no_args_is_help=True)
key_app = typer.Typer(help="API keys.", no_args_is_help=True)


@org_app.command("create")
def org_create(
    name: str,
    slug: Annotated[str | None, typer.Option(help="URL name; made from NAME when omitted.")] = None,
) -> None:
    """Create an organization and print its first (owner) key, shown only once."""
    with database_session() as session:
        try:
            created = organizations.create_organization(
                session=session, name=name, slug=slug, profile=None, actor=COMMAND_LINE
            )
            session.commit()
        except AppError as error:
            typer.echo(f"error: {error.detail}", err=True)
            raise typer.Exit(code=1) from None
    typer.echo(f"organization {created.slug} ({created.id})")
    typer.echo(f"owner key (shown once): {created.api_key}")


@key_app.command("create")
def key_create(
    org: Annotated[str | None, typer.Option(help="Organization slug or id.")] = None,
    role: Annotated[str, typer.Option(help=", ".join(ORGANIZATION_ROLES) + ".")] = KeyRole.OWNER,
    name: Annotated[str, typer.Option(help="A name to tell the key apart.")] = "cli",
    admin: Annotated[bool, typer.Option("--admin", help="An admin key (no organization).")] = False,
    expires_in_days: Annotated[
        int | None,
        typer.Option(min=1, max=MAX_KEY_DAYS, help="Days until it expires (default: never)."),
    ] = None,
) -> None:
    """Create a key and print its secret, shown only once (and when it expires, if it does)."""
    if admin == (org is not None):
        typer.echo("error: give either --org SLUG or --admin", err=True)
        raise typer.Exit(code=2)
    with database_session() as session:
        try:
            if admin:
                created = organizations.create_admin_key(
                    session=session, name=name, expires_in_days=expires_in_days
                )
            else:
                assert org is not None
                created = organizations.create_key_for(
                    session=session,
                    org=org,
                    name=name,
                    role=role,
                    expires_in_days=expires_in_days,
                )
            session.commit()
        except AppError as error:
            typer.echo(f"error: {error.detail}", err=True)
            raise typer.Exit(code=1) from None
    if created.expires_at is not None:
        typer.echo(f"expires at {created.expires_at.isoformat()}", err=True)
    typer.echo(f"{created.role} key {created.id} (shown once): {created.api_key}")
