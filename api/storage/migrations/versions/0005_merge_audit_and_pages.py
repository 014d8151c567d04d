"""one head again: 0003 (keys that expire, the throttle, the audit trail) and 0004 (pages)

Revision ID: 0005
Revises: 0003, 0004
Create Date: 2026-12-10 14:00:00

Both branched from 0002 while they were written side by side; they touch different tables, so
either order is fine and this revision only joins them. A database at 0004 gets 0003 on its
next upgrade, one at 0003 gets 0004.
"""

from collections.abc import Sequence

revision: str = "0005"
down_revision: str | Sequence[str] | None = ("0003", "0004")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
