"""The HTTP routes, one router per area."""

from api.routes import me, organizations, questionnaires

ROUTERS = [questionnaires.router, me.router, organizations.router]
