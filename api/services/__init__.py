"""Use cases: the rules of the service, one module per area, called by the HTTP edge and the CLI.

A use case takes a database session and plain values (rows, a `Principal`), raises the errors
of `api.errors`, and returns a response model of `api.schemas` or a typed result. None imports
FastAPI or the HTTP edge (`api.auth`, `api.deps`, `api.routes`).
"""

from api.services import (
    answers,
    assessments,
    audit,
    exports,
    filling,
    goals,
    lookup,
    organizations,
    page_sessions,
    principals,
    questionnaires,
    reports,
    share_links,
    trend,
)

__all__ = [
    "answers",
    "assessments",
    "audit",
    "exports",
    "filling",
    "goals",
    "lookup",
    "organizations",
    "page_sessions",
    "principals",
    "questionnaires",
    "reports",
    "share_links",
    "trend",
]
