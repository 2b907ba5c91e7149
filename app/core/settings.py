"""The township profile that printouts use, stored in the database's `setting` table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from app.core import audit
from app.core.validation import FormField, clean_values
from db.engine import unit_of_work
from db.models import Setting

PROFILE_FIELDS = (
    FormField(
        "township_name", "乡镇（街道）名称", required=True, max_length=64, placeholder="如：清溪镇"
    ),
    FormField(
        "issuing_office",
        "发文机关",
        required=True,
        max_length=128,
        placeholder="如：清溪镇反电信网络诈骗分中心",
    ),
    FormField("office_address", "办公地址", max_length=200),
    FormField("office_phone", "联系电话", kind="phone"),
    FormField("contact_person", "联系人", max_length=64),
)


def load_profile(engine: Engine) -> dict[str, Any]:
    """The profile values; a key never saved is None."""
    keys = [f.key for f in PROFILE_FIELDS]
    with unit_of_work(engine) as session:
        rows = session.execute(select(Setting.key, Setting.value).where(Setting.key.in_(keys)))
        stored = {key: value for key, value in rows}
    return {key: stored.get(key) for key in keys}


def save_profile(engine: Engine, raw: dict[str, Any], user: str | None = None) -> None:
    """Validate and store the profile in one transaction; raises `ValidationError`."""
    values = clean_values(PROFILE_FIELDS, raw)
    with unit_of_work(engine, user) as session:
        for key, value in values.items():
            row = session.get(Setting, key)
            if row is None:
                session.add(Setting(key=key, value=value))
            else:
                row.value = value
        audit.record(session, "update", "setting", None, ",".join(values))
