"""household search index and letter/APP state columns

Revision ID: 0010_household_index
Revises: 0009_figure_indexes
Create Date: 2026-12-01 19:30:00

The 入户走访 tab searches any part of a name, address, phone or ID number and filters by
告知书/承诺书/APP state at 300,000 households. LIKE scans took 450–700 ms there; an FTS5 trigram
index and three trigger-kept state columns answer in milliseconds (see db/household_index.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db import household_index

revision: str = "0010_household_index"
down_revision: str | None = "0009_figure_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_household_live_notice": ["deleted_at", "notice_delivered_on"],
    "ix_household_live_commitment": ["deleted_at", "commitment_signed_on"],
    "ix_household_live_app": ["deleted_at", "residents_without_app"],
    "ix_household_live_key_groups": ["deleted_at", "key_group_mask"],
    "ix_household_grid_address": ["grid_id", "address"],
    "ix_household_address": ["address"],
    "ix_household_coverage": [
        "deleted_at",
        "village_id",
        "grid_id",
        "last_visited_on",
        "notice_delivered_on",
        "commitment_signed_on",
        "resident_count",
        "residents_without_app",
    ],
}


def upgrade() -> None:
    # plain ALTER TABLE ADD COLUMN: the table is not rebuilt, so no trigger is lost
    op.add_column("household", sa.Column("notice_delivered_on", sa.Date(), nullable=True))
    op.add_column("household", sa.Column("commitment_signed_on", sa.Date(), nullable=True))
    for column in ("resident_count", "residents_without_app", "key_group_mask"):
        op.add_column(
            "household", sa.Column(column, sa.Integer(), nullable=False, server_default="0")
        )
    for name, columns in INDEXES.items():
        op.create_index(name, "household", columns)
    household_index.install(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    household_index.drop_triggers(bind)
    if bind.dialect.name == "sqlite":
        for table in (household_index.TERMS_TABLE, household_index.FTS_TABLE,
                      household_index.SEARCH_TABLE):  # fmt: skip
            bind.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
    for name in INDEXES:
        op.drop_index(name, "household")
    with op.batch_alter_table("household") as batch:
        batch.drop_column("residents_without_app")
        batch.drop_column("resident_count")
        batch.drop_column("key_group_mask")
        batch.drop_column("commitment_signed_on")
        batch.drop_column("notice_delivered_on")
