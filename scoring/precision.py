"""How scoring compares and rounds numbers (scoring.md, general rules).

Every comparison with a threshold is made on the unrounded value, with a tolerance, so that
0.7499999999999999 from float arithmetic counts as reaching 0.75; every float written in a
card is rounded to 4 decimals once, when the card is built.
"""

from __future__ import annotations

__all__ = ["DECIMALS", "TOLERANCE", "reaches", "rounded", "short_of_one"]

TOLERANCE = 1e-9
DECIMALS = 4


def reaches(value: float, threshold: float) -> bool:
    """Return whether `value >= threshold`, within `TOLERANCE` (scoring.md, general rules)."""
    return value >= threshold - TOLERANCE


def rounded(value: float) -> float:
    """Return `value` rounded to 4 decimals as a float, never `-0.0` (scoring.md, general rules)."""
    # Adding 0.0 makes an int a float, and turns -0.0 (a tiny negative delta rounded) into 0.0.
    return round(value, DECIMALS) + 0.0


def short_of_one(value: float) -> float:
    """Return `value` rounded, but at most 0.9999: a figure that the rule keeps below 1.

    Used for a question's credit below the threshold, an unattained practice's credit and the
    progress of a group holding an unattained practice, so that rounding never claims more
    than the rule gave (scoring.md, general rules; an index is kept below the number of stages
    the same way, by `scoring.maturity`).
    """
    return min(rounded(value), 0.9999)
