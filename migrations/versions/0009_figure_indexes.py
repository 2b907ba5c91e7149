"""covering indexes for the township's figures

Revision ID: 0009_figure_indexes
Revises: 0008_callback_period
Create Date: 2026-11-24 13:30:00

The overview and the monthly notice count live households visited this year, residents with
the APP, and households by letter status. On 300,000 households these counts read the table
row by row (190 ms each); with the filtered columns in one index they read the index alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009_figure_indexes"
down_revision: str | None = "0008_callback_period"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_household_live_visited", "household", ["deleted_at", "last_visited_on"])
    op.create_index("ix_resident_live_app", "resident", ["deleted_at", "app_installed_on"])
    op.create_index(
        "ix_letter_kind_status_household",
        "letter",
        ["kind", "status", "deleted_at", "household_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_letter_kind_status_household", "letter")
    op.drop_index("ix_resident_live_app", "resident")
    op.drop_index("ix_household_live_visited", "household")
