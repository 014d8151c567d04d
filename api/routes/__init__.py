"""The HTTP routes, one router per area."""

from api.routes import (
    assessments,
    audit,
    consensus,
    mail,
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
    mail.router,
    reports.router,
    trend.router,
    shared.router,
    audit.router,
]
