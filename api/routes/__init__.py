"""The HTTP routes, one router per area."""

from api.routes import (
    assessments,
    audit,
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
    reports.router,
    trend.router,
    shared.router,
    audit.router,
]
