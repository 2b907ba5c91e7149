"""宣传活动: the year's publicity plan, the activities units report, and who is behind.

Seed 000: units report their month's publicity work (text, photos, figures) by the 29th, and
follow the year's plan table (month, lead unit, theme). Seed 004: every unit holds at least two
campaigns a year.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, func, select
from sqlalchemy.orm import Session

from app import audit
from app.meetings import member_unit_choices
from app.periods import report_deadline
from app.progress import Job, Progress
from app.records import RecordService
from app.registers import RegisterColumn, RegisterFilter, SqlRegister
from app.settings import load_profile
from app.spreadsheet import RowError, RowErrors, read_rows
from app.validation import FormField, ValidationError
from app.vocab import PUBLICITY_FORMS
from app.xlsx_writer import SheetTable, write_tables_xlsx
from db.engine import unit_of_work
from db.models import Attachment, PublicityActivity, PublicityPlanItem, Unit

MIN_CAMPAIGNS = 2
MAX_PHOTO_BYTES = 20 * 1024 * 1024
IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}


class PlanRegister(SqlRegister):
    """The publicity plan of every year: month, lead unit, theme."""

    title = "宣传计划"
    columns = (
        RegisterColumn("year", "年度", 6, numeric=True),
        RegisterColumn("month", "月份", 5, numeric=True),
        RegisterColumn("lead_unit", "牵头单位", 16),
        RegisterColumn("theme", "宣传主题", 24),
        RegisterColumn("content", "工作内容", 40),
        RegisterColumn("activities", "已开展", 7, numeric=True),
    )
    default_sort = "period"

    def select_rows(self) -> Select:
        """Plan items with their lead unit and how many activities followed them."""
        done = (
            select(func.count())
            .where(
                PublicityActivity.plan_item_id == PublicityPlanItem.id,
                PublicityActivity.deleted_at.is_(None),
            )
            .scalar_subquery()
        )
        return (
            select(
                PublicityPlanItem.id.label("id"),
                PublicityPlanItem.year.label("year"),
                PublicityPlanItem.month.label("month"),
                Unit.name.label("lead_unit"),
                PublicityPlanItem.theme.label("theme"),
                PublicityPlanItem.content.label("content"),
                done.label("activities"),
                (PublicityPlanItem.year * 100 + PublicityPlanItem.month).label("period"),
            )
            .outerjoin(Unit, Unit.id == PublicityPlanItem.lead_unit_id)
            .where(PublicityPlanItem.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Theme, content and lead unit."""
        return (PublicityPlanItem.theme, PublicityPlanItem.content, Unit.name)

    def filters(self) -> Sequence[RegisterFilter]:
        """年度."""
        with self.engine.connect() as conn:
            years = conn.scalars(
                select(PublicityPlanItem.year)
                .where(PublicityPlanItem.deleted_at.is_(None))
                .distinct()
                .order_by(PublicityPlanItem.year.desc())
            ).all()
        return (RegisterFilter("year", "年度", [(y, f"{y}年") for y in years]),)

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The year filter."""
        return PublicityPlanItem.year == value if key == "year" else None


class PlanService(RecordService):
    """Adds, edits and deletes plan items."""

    model = PublicityPlanItem
    noun = "宣传计划"

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__(engine, user)
        self.fields = (
            FormField("year", "年度", kind="int", required=True, minimum=2000, maximum=2100),
            FormField("month", "月份", kind="int", required=True, minimum=1, maximum=12),
            FormField(
                "lead_unit_id", "牵头单位", kind="choice",
                choices=lambda: member_unit_choices(engine),
            ),
            FormField("theme", "宣传主题", required=True, max_length=200),
            FormField("content", "工作内容", kind="multiline", max_length=4000),
        )  # fmt: skip

    def title_of(self, obj: PublicityPlanItem) -> str:
        """The item's month and theme."""
        return f"{obj.year}年{obj.month}月 {obj.theme}"


def plan_choices(engine: Engine) -> list[tuple[int, str]]:
    """Plan items of this year and last as (id, "M月 theme")."""
    year = date.today().year
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(PublicityPlanItem.id, PublicityPlanItem.year, PublicityPlanItem.month,
                   PublicityPlanItem.theme)
            .where(PublicityPlanItem.deleted_at.is_(None), PublicityPlanItem.year >= year - 1)
            .order_by(PublicityPlanItem.year.desc(), PublicityPlanItem.month)
        ).all()  # fmt: skip
    return [(r.id, f"{r.year}年{r.month}月 {r.theme}") for r in rows]


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


# -- the plan table import (seed 000's 宣传计划表) -------------------------------------------
PLAN_COLUMNS = (
    FormField("month_text", "月份", required=True, max_length=32),
    FormField("lead_unit", "牵头单位", required=True, max_length=128),
    FormField("content", "反诈宣传工作", required=True, max_length=4000),
)
PLAN_ALIASES = {
    "宣传工作": "content",
    "工作内容": "content",
    "宣传内容": "content",
    "责任单位": "lead_unit",
}
_MONTH = re.compile(r"(\d{1,2})\s*月")


@dataclass
class PlanPreview:
    """Plan rows to create and the rows refused."""

    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def good_rows(self) -> int:
        """How many rows can be written."""
        return len(self.creates)


def _plan_rows(session: Session, path: Path, year: int, township: str) -> PlanPreview:
    sheet = read_rows(path, PLAN_COLUMNS, PLAN_ALIASES)
    preview = PlanPreview(errors=list(sheet.errors))
    units = {
        name: uid
        for uid, name in session.execute(
            select(Unit.id, Unit.name).where(Unit.deleted_at.is_(None)).order_by(Unit.id.desc())
        )
    }
    # a plan often names units without the township ("平安办" for "清溪镇平安办")
    short = {
        n.removeprefix(township): uid
        for n, uid in units.items()
        if township and n.startswith(township)
    }
    for row in sheet.rows:
        v = row.values
        found = _MONTH.search(
            str(v["month_text"]).translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        )
        if not found or not 1 <= int(found.group(1)) <= 12:
            preview.errors.append(
                RowError(row.row_number, "月份", f"“{v['month_text']}”中没有月份")
            )
            continue
        lead = units.get(v["lead_unit"]) or short.get(v["lead_unit"])
        if lead is None:
            matches = [uid for name, uid in units.items() if v["lead_unit"] in name]
            lead = matches[0] if len(matches) == 1 else None
        if lead is None:
            preview.errors.append(
                RowError(row.row_number, "牵头单位", f"没有名为“{v['lead_unit']}”的成员单位")
            )
            continue
        content = v["content"]
        note = str(v["month_text"])
        theme = content.split("，")[0].split("。")[0][:60]
        if note.strip() != f"{found.group(1)}月":
            content = f"（{note}）{content}"
        preview.creates.append(
            {
                "year": year,
                "month": int(found.group(1)),
                "lead_unit_id": lead,
                "theme": theme,
                "content": content,
                "sort_order": row.row_number,
            }
        )
    return preview  # fmt: skip


def preview_plan_import(engine: Engine, path: Path | str, year: int) -> PlanPreview:
    """What importing a plan table for `year` would add and refuse."""
    township = load_profile(engine).get("township_name") or ""
    with unit_of_work(engine) as session:
        return _plan_rows(session, Path(path), year, township)


def import_plan(
    engine: Engine, path: Path | str, year: int, user: str | None, mode: str = "all_or_nothing"
) -> Job[int]:
    """Add the plan table's rows for `year` in one transaction; returns how many were added."""
    if mode not in ("all_or_nothing", "good_rows"):
        raise ValueError(mode)
    yield Progress(0, 1, "正在读取文件…")
    township = load_profile(engine).get("township_name") or ""
    with unit_of_work(engine, user) as session:
        plan = _plan_rows(session, Path(path), year, township)
        if plan.errors and mode == "all_or_nothing":
            raise RowErrors(plan.errors, f"有{len(plan.errors)}处错误，未导入任何数据")
        for values in plan.creates:
            item = PublicityPlanItem(**values)
            session.add(item)
            session.flush()
            audit.record(session, "import", "publicity_plan_item", item.uuid)
        yield Progress(1, 1, "正在保存…")
    return len(plan.creates)


def write_plan_template(path: Path | str) -> None:
    """An empty plan table in seed 000's shape, with an example row."""
    headers = ["序号", "月份", "牵头单位", "反诈宣传工作"]
    example = [
        1,
        "4月、每季度",
        "平安办",
        "在农贸市场、专业市场通过设置宣传栏、户外LED屏播放等方式宣传。",
    ]
    write_tables_xlsx(
        path, [SheetTable("宣传计划表", headers, [example], [6, 14, 18, 60], blank_rows=50)]
    )
