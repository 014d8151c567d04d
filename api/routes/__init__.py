"""The HTTP routes, one router per area."""

from api.routes import (
    assessments,
    audit,
    consensus,
    me,
    organizations,
    questionnaires,
    reports,
    shared,
    trend,
)

__all__ = ["ROUTERS"]

ROUTERS = [
    questionnaires.router,
    me.router,
    organizations.router,
    assessments.router,
    consensus.router,
    reports.router,
    trend.router,
    shared.router,
    audit.router,
]
