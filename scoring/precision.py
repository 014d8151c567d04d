"""How scoring compares and rounds numbers (scoring.md, general rules).

Every comparison with a threshold is made on the unrounded value, with a tolerance, so that
0.7499999999999999 from float arithmetic counts as reaching 0.75; every float written in a
card is rounded to 4 decimals once, when the card is built.
"""

from __future__ import annotations

__all__ = ["DECIMALS", "TOLERANCE", "reaches", "rounded"]

TOLERANCE = 1e-9
DECIMALS = 4


def reaches(value: float, threshold: float) -> bool:
    """Return whether `value >= threshold`, within `TOLERANCE` (scoring.md, general rules)."""
    return value >= threshold - TOLERANCE


def rounded(value: float) -> float:
    """Return `value` rounded to 4 decimals as a float, never `-0.0` (scoring.md, general rules)."""
    # Adding 0.0 makes an int a float, and turns -0.0 (a tiny negative delta rounded) into 0.0.
    return round(value, DECIMALS) + 0.0
