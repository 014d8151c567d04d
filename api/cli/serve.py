"""`opm serve`: the HTTP API under uvicorn, in one process or several (`--workers`)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
import uvicorn

from api.app import create_app
from api.cli.common import ensure_writable
from api.core.config import get_settings
from api.storage.db import is_sqlite

__all__ = ["serve"]


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            envvar="OPM_WORKERS",
            help=(
                "App processes serving the port (uvicorn workers); about one a core. Each "
                "keeps its own pool of OPM_DATABASE_POOL_SIZE PostgreSQL connections."
            ),
        ),
    ] = 1,
) -> None:
    """Serve the HTTP API with uvicorn (apply migrations first: `opm db upgrade`).

    With `--workers N`, N processes share the port; nothing is kept in one process that
    another needs, so they answer alike. On PostgreSQL they open up to N x
    OPM_DATABASE_POOL_SIZE connections; on SQLite they take turns for the write lock.
    """
    settings = get_settings()
    ensure_writable(settings.database_url)
    if settings.admin_key is None:
        typer.echo("No OPM_ADMIN_KEY set: get an admin key with `opm key create --admin`.")
    # Our own request log (`api.http.request_log`) replaces uvicorn's, which writes secret paths.
    # Forwarded headers are read by the app alone (`api.http.client_address`), from
    # OPM_TRUSTED_PROXIES only: uvicorn's own reading trusts 127.0.0.1 whatever is configured.
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "access_log": False,
        "proxy_headers": False,
        "server_header": False,
    }
    if workers == 1:
        uvicorn.run(create_app(), **options)
        return
    if not is_sqlite(settings.database_url):
        typer.echo(
            f"{workers} workers, each with up to {settings.database_pool_size} PostgreSQL "
            f"connections: {workers * settings.database_pool_size} at most."
        )
    # Each worker process builds its own app (and engine) from the same environment.
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        workers=workers,
        **options,
    )
