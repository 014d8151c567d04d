"""The one Jinja2 environment of the pages and charts, and how it writes numbers and dates.

Everything is autoescaped: text from a questionnaire, an organization or a respondent is
inserted as text, never as markup. Evidence becomes a link only for `http` and `https` URLs.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from functools import lru_cache
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined

__all__ = [
    "DONT_KNOW",
    "LINK_SCHEMES",
    "NONE_SHOWN",
    "coordinate",
    "decimal",
    "environment",
    "evidence_link",
    "long_date",
    "percent",
    "share_of_the_way",
    "short_when",
    "when",
]

NONE_SHOWN = "\u2013"  # an en dash where there is no number
LINK_SCHEMES = frozenset({"http", "https"})


def percent(value: float | None, digits: int = 1) -> str:
    """A fraction as a percentage with at most `digits` decimals ("41.7%", "75%").

    `NONE_SHOWN` for None.
    """
    if value is None:
        return NONE_SHOWN
    shown = f"{value * 100:.{digits}f}"
    if "." in shown:
        shown = shown.rstrip("0").rstrip(".")
    return f"{shown}%"


def share_of_the_way(value: float | None) -> str:
    """A practice's credit as "how close" it is: "83% of the way", rounded down.

    Rounded down so that it never claims more than the card gives: an unattained practice
    at 0.9999 is "99% of the way", never "100%". `NONE_SHOWN` for None.
    """
    if value is None:
        return NONE_SHOWN
    return f"{math.floor(value * 100 + 1e-9)}% of the way"


def decimal(value: float | None, digits: int = 2) -> str:
    """A number with `digits` decimals; `NONE_SHOWN` for None."""
    return NONE_SHOWN if value is None else f"{value:.{digits}f}"


DONT_KNOW = "Don't know"  # how an answer of "don't know" reads in every report


def coordinate(value: float) -> str:
    """A position in a chart, to a tenth of a unit."""
    return f"{value:.1f}"


def when(value: datetime | date | None) -> str:
    """A moment in UTC to the minute, or a date; `NONE_SHOWN` for None."""
    if value is None:
        return NONE_SHOWN
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def short_when(value: datetime | None) -> str:
    """A moment in UTC as a table cell has room for: "6 Dec 19:40"; `NONE_SHOWN` for None."""
    if value is None:
        return NONE_SHOWN
    return f"{value.day} {value:%b %H:%M}"


def long_date(value: date | None) -> str:
    """A date as people write it: "Friday 18 December 2026"; `NONE_SHOWN` for None."""
    if value is None:
        return NONE_SHOWN
    return f"{value:%A} {value.day} {value:%B %Y}"


def evidence_link(evidence: str) -> str | None:
    """The href for an evidence entry: only an absolute http or https URL becomes a link."""
    text = evidence.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() in LINK_SCHEMES and parts.netloc and not any(c.isspace() for c in text):
        return text
    return None


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The one Jinja environment of the reports and the pages: autoescaped, strict."""
    env = Environment(
        loader=PackageLoader("api", "render/templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["percent"] = percent
    env.filters["decimal"] = decimal
    env.filters["share_of_the_way"] = share_of_the_way
    env.filters["coordinate"] = coordinate
    env.filters["when"] = when
    env.filters["short_when"] = short_when
    env.filters["evidence_link"] = evidence_link
    env.filters["long_date"] = long_date
    return env
