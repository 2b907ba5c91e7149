"""reference data: 公安部's ten common fraud types

Revision ID: 0002_reference_data
Revises: 0001_initial
Create Date: 2026-11-23 03:00:00

Reference rows are data in tables, editable by the clerk; this migration only seeds them.
The table is described here, not imported from db.models, so later model changes cannot
change what this migration does.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0002_reference_data"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FRAUD_TYPES = [
    ("刷单返利", "以网络兼职刷单、点赞返利为名，先小额返利后诱骗大额垫付。"),
    ("虚假网络投资理财", "冒充投资导师、理财平台，诱导在虚假平台充值投资。"),
    ("虚假购物服务", "以低价商品、代购、票务等虚假购物或服务骗取钱款。"),
    ("冒充电商物流客服", "冒充电商或快递客服，以理赔、退款、注销会员为名实施诈骗。"),
    ("虚假贷款", "以无抵押、低利息贷款为诱饵，收取手续费、保证金。"),
    ("虚假征信", "以消除不良征信记录、注销校园贷为名诱导转账。"),
    ("冒充领导熟人", "冒充领导、熟人、亲友，以借款、帮忙转账为由骗取钱款。"),
    ("冒充公检法及政府机关", "冒充公检法等机关，以涉嫌违法犯罪为由要求转入“安全账户”。"),
    ("网络婚恋交友", "通过婚恋交友平台建立感情后，诱导投资、赌博或借款。"),
    ("网络游戏产品虚假交易", "以买卖游戏账号、装备、点卡为名骗取钱款。"),
]

fraud_type = sa.table(
    "fraud_type",
    sa.column("uuid", sa.String),
    sa.column("name", sa.String),
    sa.column("description", sa.Text),
    sa.column("sort_order", sa.Integer),
    sa.column("active", sa.Boolean),
    sa.column("created_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime),
    sa.column("changed_by", sa.String),
)


def upgrade() -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        fraud_type,
        [
            {
                "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"wuzha:fraud_type:{name}")),
                "name": name,
                "description": description,
                "sort_order": order,
                "active": True,
                "created_at": now,
                "updated_at": now,
                "changed_by": "migration",
            }
            for order, (name, description) in enumerate(FRAUD_TYPES, start=1)
        ],
    )


def downgrade() -> None:
    names = [name for name, _ in FRAUD_TYPES]
    op.execute(fraud_type.delete().where(fraud_type.c.name.in_(names)))
