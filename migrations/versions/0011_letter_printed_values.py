"""the values a letter was printed with

Revision ID: 0011_letter_printed_values
Revises: 0010_household_index
Create Date: 2026-12-01 20:00:00

A reprint of a signed letter used the template version it was printed with but filled the
placeholders anew (today's fraud-type list, today's township name). The filled values are
kept with the letter from now on; letters printed before keep NULL and are filled anew.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_letter_printed_values"
down_revision: str | None = "0010_household_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ALTER TABLE ADD COLUMN: the letter table is not rebuilt, so its triggers stay
    op.add_column("letter", sa.Column("printed_values", sa.Text(), nullable=True))


def downgrade() -> None:
    from db import household_index

    with op.batch_alter_table("letter") as batch:
        batch.drop_column("printed_values")
    household_index.create_triggers(op.get_bind())  # batch mode rebuilt the table
