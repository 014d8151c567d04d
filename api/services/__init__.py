"""Use cases: the rules of the service, one module per area, called by the HTTP edge and the CLI.

A use case takes a database session and plain values (rows, a `Principal`), raises the errors
of `api.core.errors`, and returns a response model of `api.schemas` or a typed result. None imports
FastAPI or the HTTP edge (`api.http`, `api.routes`, `api.pages`).
"""

from api.services import (
    answers,
    assessments,
    audit,
    cards,
    console_views,
    exports,
    filling,
    goals,
    guards,
    lookup,
    me,
    organizations,
    page_sessions,
    progress,
    questionnaires,
    reports,
    respondents,
    seeding,
    share_links,
    trend,
)

__all__ = [
    "answers",
    "assessments",
    "audit",
    "cards",
    "console_views",
    "exports",
    "filling",
    "goals",
    "guards",
    "lookup",
    "me",
    "organizations",
    "page_sessions",
    "progress",
    "questionnaires",
    "reports",
    "respondents",
    "seeding",
    "share_links",
    "trend",
]
