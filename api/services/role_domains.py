"""The domains a respondent is suggested from its role (issue 23, point 4), on the console.

Someone who runs projects is asked about project management, someone who runs programs about
program management, a portfolio manager about portfolio management; a PMO lead, an executive,
a director or a head of anything sees across them all and is asked every domain of the scope,
and so is anyone whose role says nothing we recognize. A suggestion only: the person inviting
sees it and may change it, then or later (`PATCH .../respondents/{r}`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["ACROSS_ROLES", "DOMAIN_ROLES", "suggested_domains"]

# Roles that see across every domain: checked first ("Head of project delivery" is one).
ACROSS_ROLES = re.compile(r"\b(pmo|executive|director|head of|chief|vp|vice president)\b", re.I)
# A role naming one domain, in the order they are tried.
DOMAIN_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("portfolio", re.compile(r"\bportfolio\b", re.I)),
    ("program", re.compile(r"\bprogram(me)?\b", re.I)),
    ("project", re.compile(r"\bproject\b", re.I)),
)


def suggested_domains(role: str | None, scope: Sequence[str]) -> list[str] | None:
    """The domains suggested for `role` in an assessment of `scope`: one domain of the scope
    that the role names (a project, program or portfolio manager), else None, the whole scope
    (a PMO lead, an executive, a director, a head of, or a role we do not recognize; also a
    domain role whose domain the assessment does not cover)."""
    if not role or ACROSS_ROLES.search(role):
        return None
    for domain, named in DOMAIN_ROLES:
        if named.search(role):
            return [domain] if domain in scope else None
    return None
