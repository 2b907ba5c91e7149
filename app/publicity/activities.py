"""宣传活动: the activities units report (with photos), and who is behind.

Seed 000: units report their month's publicity work (text, photos, figures) by the 29th, and
follow the year's plan table (`app.publicity.plan`). Seed 004: every unit holds at least two
campaigns a year.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, func, select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.periods import report_deadline
from app.core.records import RecordService
from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister
from app.core.validation import FormField, ValidationError
from app.core.vocab import PUBLICITY_FORMS
from app.org.units import member_unit_choices
from app.publicity.plan import plan_choices
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Attachment, PublicityActivity, Unit

MIN_CAMPAIGNS = 2
MAX_PHOTO_BYTES = 20 * 1024 * 1024
IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}


class ActivityRegister(SqlRegister):
    """Every reported publicity activity."""

    title = "宣传活动"
    columns = (
        RegisterColumn("held_on", "日期", 11),
        RegisterColumn("unit", "单位", 16),
        RegisterColumn("title", "活动名称", 24),
        RegisterColumn("form", "形式", 8),
        RegisterColumn("place", "地点", 14),
        RegisterColumn("people_reached", "覆盖人数", 8, numeric=True),
        RegisterColumn("materials_handed_out", "发放资料", 8, numeric=True),
        RegisterColumn("photos", "照片", 5, numeric=True),
        RegisterColumn("reported_on", "报送日期", 11),
    )
    default_sort = "held_on"

    def select_rows(self) -> Select:
        """Activities with their unit and number of photos."""
        photos = (
            select(func.count())
            .where(
                Attachment.owner_table == "publicity_activity",
                Attachment.owner_uuid == PublicityActivity.uuid,
                Attachment.deleted_at.is_(None),
            )
            .scalar_subquery()
        )
        return (
            select(
                PublicityActivity.id.label("id"),
                PublicityActivity.held_on.label("held_on"),
                Unit.name.label("unit"),
                PublicityActivity.title.label("title"),
                PublicityActivity.form.label("form"),
                PublicityActivity.place.label("place"),
                PublicityActivity.people_reached.label("people_reached"),
                PublicityActivity.materials_handed_out.label("materials_handed_out"),
                photos.label("photos"),
                PublicityActivity.reported_on.label("reported_on"),
            )
            .join(Unit, Unit.id == PublicityActivity.unit_id)
            .where(PublicityActivity.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Title, unit, place, audience and description."""
        return (
            PublicityActivity.title, Unit.name, PublicityActivity.place,
            PublicityActivity.audience, PublicityActivity.description,
        )  # fmt: skip

    def filters(self) -> Sequence[RegisterFilter]:
        """单位, 形式, 年份."""
        with self.engine.connect() as conn:
            years = conn.scalars(
                select(func.strftime("%Y", PublicityActivity.held_on))
                .where(PublicityActivity.deleted_at.is_(None))
                .distinct()
                .order_by(func.strftime("%Y", PublicityActivity.held_on).desc())
            ).all()
        return (
            RegisterFilter("unit", "单位", member_unit_choices(self.engine)),
            RegisterFilter("form", "形式", [(f, f) for f in PUBLICITY_FORMS]),
            RegisterFilter("year", "年份", [(y, f"{y}年") for y in years if y]),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The unit, form and year filters."""
        if key == "unit":
            return PublicityActivity.unit_id == value
        if key == "form":
            return PublicityActivity.form == value
        if key == "year":
            return func.strftime("%Y", PublicityActivity.held_on) == value
        return None


class ActivityService(RecordService):
    """Adds, edits and deletes activities; counts are never negative, dates never ahead."""

    model = PublicityActivity
    noun = "宣传活动"

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__(engine, user)
        self.fields = (
            FormField("held_on", "活动日期", kind="date", required=True),
            FormField(
                "unit_id", "单位", kind="choice", required=True,
                choices=lambda: member_unit_choices(engine),
            ),
            FormField("title", "活动名称", required=True, max_length=200),
            FormField("form", "形式", kind="choice", required=True,
                      choices=[(f, f) for f in PUBLICITY_FORMS]),
            FormField("place", "地点", max_length=128),
            FormField("audience", "对象", max_length=128, placeholder="如：辖区老年人"),
            FormField("people_reached", "覆盖人数", kind="int", minimum=0),
            FormField("materials_handed_out", "发放资料（份）", kind="int", minimum=0),
            FormField("plan_item_id", "对应宣传计划", kind="choice",
                      choices=lambda: plan_choices(engine)),
            FormField("description", "活动情况", kind="multiline", max_length=4000),
            FormField("reported_on", "报送日期", kind="date",
                      help=f"每月{report_deadline(2025, 1).day}日前报送当月宣传工作"),
        )  # fmt: skip

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """Dates not ahead of today; a report not before the activity."""
        today = date.today()
        errors = {}
        if values["held_on"] > today:
            errors["held_on"] = "活动日期不能晚于今天"
        reported = values["reported_on"]
        if reported is not None and reported > today:
            errors["reported_on"] = "报送日期不能晚于今天"
        elif reported is not None and reported < values["held_on"]:
            errors["reported_on"] = "报送日期不能早于活动日期"
        for key in ("people_reached", "materials_handed_out"):
            values[key] = values[key] or 0
        return errors

    def after_delete(self, session: Session, obj: PublicityActivity) -> None:
        """The activity's photos go with it."""
        for photo in session.scalars(
            select(Attachment).where(
                Attachment.owner_table == "publicity_activity",
                Attachment.owner_uuid == obj.uuid,
                Attachment.deleted_at.is_(None),
            )
        ):
            photo.deleted_at = obj.deleted_at

    def title_of(self, obj: PublicityActivity) -> str:
        """The activity's title."""
        return obj.title


def image_type(data: bytes) -> str | None:
    """The MIME type of a PNG, JPEG or GIF by its first bytes, or None."""
    return next((mime for magic, mime in IMAGE_MAGIC.items() if data.startswith(magic)), None)


def _readable(data: bytes) -> bool:
    """Whether the picture decodes: a file cut short or renamed passes the first bytes only."""
    from PIL import Image, UnidentifiedImageError  # ReportLab's own image library

    try:
        with Image.open(io.BytesIO(data)) as picture:
            picture.load()
    except (OSError, SyntaxError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        return False
    return True


def add_photo(engine: Engine, activity_id: int, path: Path | str, user: str | None = None) -> int:
    """Attach a photo (PNG, JPEG or GIF, at most 20 MB) to an activity; returns its id."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_PHOTO_BYTES:
        raise ValidationError(
            {"": f"“{path.name}”有{size / 1024 / 1024:.0f} MB，超过20 MB。请压缩后再添加。"}
        )
    data = path.read_bytes()
    mime = image_type(data)
    if mime is None:
        raise ValidationError({"": f"“{path.name}”不是图片（PNG、JPEG或GIF），不能作为活动照片。"})
    if not _readable(data):
        raise ValidationError(
            {"": f"“{path.name}”已损坏或不完整，打不开。请重新导出照片后再添加。"}
        )
    with unit_of_work(engine, user) as session:
        activity = session.get(PublicityActivity, activity_id)
        if activity is None or activity.deleted_at is not None:
            raise ValidationError({"": "宣传活动不存在或已被删除"})
        photo = Attachment(
            owner_table="publicity_activity", owner_uuid=activity.uuid, file_name=path.name,
            mime_type=mime, size=len(data), sha256=hashlib.sha256(data).hexdigest(), content=data,
        )  # fmt: skip
        session.add(photo)
        session.flush()
        audit.record(session, "create", "attachment", photo.uuid)
        return photo.id


@dataclass(frozen=True)
class Photo:
    """A photo of an activity: its attachment id, file name and bytes."""

    id: int
    file_name: str
    data: bytes


def photos_of(engine: Engine, activity_id: int) -> list[Photo]:
    """The live photos of an activity, in the order they were added."""
    with unit_of_work(engine) as session:
        uuid = session.scalar(
            select(PublicityActivity.uuid).where(PublicityActivity.id == activity_id)
        )
        rows = session.execute(
            select(Attachment.id, Attachment.file_name, Attachment.content)
            .where(
                Attachment.owner_table == "publicity_activity",
                Attachment.owner_uuid == uuid,
                Attachment.deleted_at.is_(None),
            )
            .order_by(Attachment.id)
        ).all()
    return [Photo(r.id, r.file_name, r.content or b"") for r in rows]


def delete_photo(engine: Engine, photo_id: int, user: str | None = None) -> None:
    """Remove a photo from its activity (soft delete, like every record)."""
    with unit_of_work(engine, user) as session:
        photo = session.get(Attachment, photo_id)
        if photo is None or photo.deleted_at is not None:
            raise ValidationError({"": "照片不存在或已被删除"})
        photo.deleted_at = utcnow()
        audit.record(session, "delete", "attachment", photo.uuid)


@dataclass(frozen=True)
class UnitReport:
    """A member unit's publicity work in a period."""

    unit_id: int
    name: str
    activities: int
    last_reported_on: date | None


def not_reported(engine: Engine, year: int, month: int) -> list[UnitReport]:
    """Member units that have reported no activity held in that month (by any date)."""
    start = date(year, month, 1)
    end = date(year + month // 12, month % 12 + 1, 1)
    with unit_of_work(engine) as session:
        reported = select(PublicityActivity.unit_id).where(
            PublicityActivity.deleted_at.is_(None),
            PublicityActivity.reported_on.is_not(None),
            PublicityActivity.held_on >= start,
            PublicityActivity.held_on < end,
        )
        last = (
            select(func.max(PublicityActivity.reported_on))
            .where(PublicityActivity.unit_id == Unit.id, PublicityActivity.deleted_at.is_(None))
            .scalar_subquery()
        )
        rows = session.execute(
            select(Unit.id, Unit.name, last)
            .where(Unit.deleted_at.is_(None), Unit.is_member.is_(True), Unit.id.not_in(reported))
            .order_by(Unit.sort_order, Unit.id)
        ).all()
    return [UnitReport(r[0], r[1], 0, r[2]) for r in rows]


def campaigns_per_unit(engine: Engine, year: int) -> list[UnitReport]:
    """Every member unit with how many activities it held in `year`, fewest first."""
    with unit_of_work(engine) as session:
        held = (
            select(func.count())
            .where(
                PublicityActivity.unit_id == Unit.id,
                PublicityActivity.deleted_at.is_(None),
                PublicityActivity.held_on.between(date(year, 1, 1), date(year, 12, 31)),
            )
            .scalar_subquery()
        )
        rows = session.execute(
            select(Unit.id, Unit.name, held)
            .where(Unit.deleted_at.is_(None), Unit.is_member.is_(True))
            .order_by(held, Unit.sort_order, Unit.id)
        ).all()
    return [UnitReport(r[0], r[1], r[2], None) for r in rows]


def fewer_than_two(engine: Engine, year: int) -> list[UnitReport]:
    """Member units that held fewer than two campaigns in `year` (seed 004's minimum)."""
    return [u for u in campaigns_per_unit(engine, year) if u.activities < MIN_CAMPAIGNS]


def counts_by_form(engine: Engine, start: date, end: date) -> dict[str, tuple[int, int]]:
    """Form → (activities, people reached) of activities held between two dates."""
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(
                PublicityActivity.form,
                func.count(),
                func.coalesce(func.sum(PublicityActivity.people_reached), 0),
            )
            .where(
                PublicityActivity.deleted_at.is_(None),
                PublicityActivity.held_on.between(start, end),
            )
            .group_by(PublicityActivity.form)
            .order_by(func.count().desc())
        ).all()
    return {form: (count, people) for form, count, people in rows}
