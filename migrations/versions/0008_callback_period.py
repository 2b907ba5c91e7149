"""callback samples remember the visit period they were drawn from

Revision ID: 0008_callback_period
Revises: 0002_reference_data
Create Date: 2026-11-24 13:10:00

With the seed alone a draw cannot be repeated: the households it was drawn from depend on the
period of visits. Storing the period makes every sample reproducible from its own record.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_callback_period"
down_revision: str | None = "0002_reference_data"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("callback_sample") as batch:
        batch.add_column(sa.Column("visited_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("visited_to", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("callback_sample") as batch:
        batch.drop_column("visited_to")
        batch.drop_column("visited_from")
