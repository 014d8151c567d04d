"""Pseudonyms of an anonymous assessment's respondents (`api.md`, Anonymous assessments).

Drawn at random when a respondent is created and stored with it, so that every output naming
respondents (the export) can name them without saying who they are. Letters and digits that
cannot be mistaken for one another (no 0/O, 1/I/L), four of them: 31**4 = 923,521 names,
ample for the 1,000 respondents an assessment may have; a name already drawn in the
assessment is drawn again.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

__all__ = ["PSEUDONYM_ALPHABET", "draw_pseudonyms"]

PSEUDONYM_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _drawn() -> str:
    return "Respondent " + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(4))


def draw_pseudonyms(count: int, *, taken: Iterable[str | None] = ()) -> list[str]:
    """`count` pseudonyms ("Respondent 7F3K"), distinct from each other and from `taken`."""
    used = {name for name in taken if name is not None}
    drawn: list[str] = []
    while len(drawn) < count:
        name = _drawn()
        if name not in used:
            used.add(name)
            drawn.append(name)
    return drawn
