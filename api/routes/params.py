"""Query parameters shared by the list endpoints (`api.md`, Lists)."""

from typing import Annotated

from fastapi import Query

Limit = Annotated[int, Query(ge=1, le=200, description="Page size, 1 to 200.")]
Cursor = Annotated[str | None, Query(description="The `next_cursor` of the page before.")]
