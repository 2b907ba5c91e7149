"""Letters (告知书, 承诺书): printing in batches, numbering, and each letter's way to 已签回.

The signed paper is the record of truth, so every printed letter is a `Letter` row: a unique
number (never repeated across laptops: it carries this database's own prefix), the template
version it was printed with, and its status: 待打印 → 已打印 → 已送达 → 已签回 (or 拒签, 作废).
A batch writes its PDF and its letter records together: a cancelled or failed batch leaves
neither a file nor a record.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, and_, func, select
from sqlalchemy.orm import Session, aliased

from app import audit
from app.documents import Document, chinese_date, render_pdf, render_pdf_job
from app.letter_templates import (
    LetterOptions,
    Template,
    build_letter,
    current_template,
    template_by_id,
)
from app.privacy import mask_id_number, mask_phone
from app.progress import Job, Progress
from app.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.settings import load_profile
from app.validation import ValidationError
from app.vocab import LETTER_KINDS, LETTER_STATUSES
from db.base import utcnow
from db.engine import unit_of_work
from db.models import (
    Attachment,
    Employee,
    FraudType,
    Grid,
    Household,
    Letter,
    Setting,
    Unit,
)

PREFIX_KEY = "letter_number_prefix"
KIND_CODES = {"notice": "GZ", "commitment_household": "CN", "commitment_employee": "ZG"}
# What each status may become. A signed letter can only be voided (a new one is then printed).
TRANSITIONS = {
    "pending_print": {"printed", "void"},
    "printed": {"delivered", "signed", "refused", "void"},
    "delivered": {"signed", "refused", "void"},
    "refused": {"signed", "void"},
    "signed": {"void"},
    "void": set(),
}
# A household counts as done with a kind once its letter reaches one of these.
DONE_STATUSES = {
    "notice": ("delivered", "signed"),
    "commitment_household": ("signed",),
    "commitment_employee": ("signed",),
}
MAX_SCAN_BYTES = 20 * 1024 * 1024
SCAN_TYPES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"%PDF-": "application/pdf",
}


def number_prefix(session: Session) -> str:
    """This database's letter-number prefix (4 hex digits, made once), so two laptops never
    give the same number."""
    row = session.get(Setting, PREFIX_KEY)
    if row is None:
        row = Setting(key=PREFIX_KEY, value=secrets.token_hex(2).upper())
        session.add(row)
        session.flush()
    return row.value


class Numbering:
    """Hands out the next numbers of a kind and year: GZ2026-7F3A-000123."""

    def __init__(self, session: Session, kind: str, year: int) -> None:
        self.stem = f"{KIND_CODES[kind]}{year}-{number_prefix(session)}-"
        last = session.scalar(
            select(func.max(Letter.number)).where(Letter.number.like(f"{self.stem}%"))
        )
        self.next = int(last.rsplit("-", 1)[1]) + 1 if last else 1

    def take(self) -> str:
        """The next number."""
        number = f"{self.stem}{self.next:06d}"
        self.next += 1
        return number


def fraud_type_names(session: Session) -> str:
    """The active fraud types, as the letters list them."""
    names = session.scalars(
        select(FraudType.name)
        .where(FraudType.deleted_at.is_(None), FraudType.active.is_(True))
        .order_by(FraudType.sort_order, FraudType.id)
    ).all()
    return "、".join(names)


@dataclass(frozen=True)
class Addressee:
    """Who a letter is for: a household or an employee, and the values its text uses."""

    household_id: int | None
    employee_id: int | None
    name: str
    values: dict[str, Any]


def household_addressees(
    session: Session, household_ids: Sequence[int], full_numbers: bool = False
) -> list[Addressee]:
    """The households as addressees, in the order given; ValidationError for a missing one or
    one without a head's name (nothing is printed then)."""
    rows = {
        r.id: r
        for r in session.execute(
            select(Household.id, Household.head_name, Household.address, Household.phone,
                   Household.head_id_number, Household.size, Unit.name.label("village"),
                   Grid.name.label("grid"))
            .join(Unit, Unit.id == Household.village_id)
            .outerjoin(Grid, Grid.id == Household.grid_id)
            .where(Household.id.in_(household_ids), Household.deleted_at.is_(None))
        )
    }  # fmt: skip
    problems = []
    result = []
    for household_id in household_ids:
        r = rows.get(household_id)
        if r is None:
            problems.append(f"第{household_id}号住户不存在或已被删除")
            continue
        if not (r.head_name or "").strip():
            problems.append(f"住户“{r.address}”没有户主姓名")
            continue
        id_number = r.head_id_number if full_numbers else mask_id_number(r.head_id_number)
        phone = r.phone if full_numbers else mask_phone(r.phone)
        values = {
            "户主姓名": r.head_name, "地址": r.address, "村居": r.village, "网格": r.grid or "",
            "身份证号": id_number or "", "电话": phone or "", "家庭人数": r.size,
        }  # fmt: skip
        result.append(Addressee(household_id, None, r.head_name, values))
    if problems:
        raise ValidationError({"": "无法打印：" + "；".join(problems[:10])})
    return result


def employee_addressees(session: Session, employee_ids: Sequence[int]) -> list[Addressee]:
    """Employees as addressees; ValidationError for a missing one."""
    rows = {
        r.id: r
        for r in session.execute(
            select(
                Employee.id, Employee.name, Employee.post, Employee.mobile, Unit.name.label("unit")
            )
            .join(Unit, Unit.id == Employee.unit_id)
            .where(Employee.id.in_(employee_ids), Employee.deleted_at.is_(None))
        )
    }  # fmt: skip
    missing = [i for i in employee_ids if i not in rows]
    if missing:
        raise ValidationError({"": f"有{len(missing)}名职工不存在或已被删除"})
    return [
        Addressee(None, i, rows[i].name, {
            "姓名": rows[i].name, "单位": rows[i].unit, "职务": rows[i].post or "",
            "电话": mask_phone(rows[i].mobile),
        })
        for i in employee_ids
    ]  # fmt: skip


@dataclass(frozen=True)
class PrintResult:
    """What a batch printed."""

    letters: int
    pages: int
    numbers: tuple[str, ...]


def print_letters_job(
    engine: Engine,
    kind: str,
    ids: Sequence[int],
    out: Path | str,
    user: str | None = None,
    options: LetterOptions | None = None,
    full_numbers: bool = False,
    today: date | None = None,
) -> Job[PrintResult]:
    """Print one letter per addressee (household ids, or employee ids for staff letters) into one
    PDF and record each letter as 已打印, all in one transaction.

    A household's letter still 待打印 is printed under its own number; otherwise a new number
    is taken. Cancelling (closing the job) leaves no file and no letter record.
    """
    if kind not in LETTER_KINDS:
        raise ValueError(kind)
    if not ids:
        raise ValidationError({"": "没有要打印的对象"})
    options = options or LetterOptions()
    today = today or date.today()
    template = current_template(engine, kind)
    profile = load_profile(engine)
    issuer = profile.get("issuing_office") or ""
    yield Progress(0, len(ids), "正在准备…")
    with unit_of_work(engine, user) as session:
        if kind == "commitment_employee":
            addressees = employee_addressees(session, ids)
        else:
            addressees = household_addressees(session, ids, full_numbers)
        common = {
            "日期": chinese_date(today), "日期_date": today,
            "乡镇": profile.get("township_name") or "", "发文机关": issuer,
            "诈骗类型": fraud_type_names(session),
        }  # fmt: skip
        pending = _pending_letters(session, kind, addressees)
        numbering = Numbering(session, kind, today.year)
        now = utcnow()
        letters = []
        for a in addressees:
            letter = pending.get(a.household_id or a.employee_id)
            if letter is None:
                letter = Letter(
                    kind=kind, number=numbering.take(), household_id=a.household_id,
                    employee_id=a.employee_id, status="pending_print",
                )  # fmt: skip
                session.add(letter)
            letter.status, letter.printed_at, letter.template_id = "printed", now, template.id
            letters.append(letter)
        session.flush()

        def documents() -> Iterator[Document]:
            for a, letter in zip(addressees, letters, strict=True):
                values = {**common, **a.values, "编号": letter.number}
                yield build_letter(
                    template, values, issuer, options, f"{a.name}的{LETTER_KINDS[kind]}"
                )

        pages = yield from render_pdf_job(documents(), out, len(letters))
        for letter in letters:
            audit.record(session, "print", "letter", letter.uuid)
        return PrintResult(len(letters), pages, tuple(letter.number for letter in letters))


def _pending_letters(session: Session, kind: str, addressees: Sequence[Addressee]) -> dict:
    column = Letter.employee_id if kind == "commitment_employee" else Letter.household_id
    keys = [a.employee_id or a.household_id for a in addressees]
    found: dict[int, Letter] = {}
    for letter in session.scalars(
        select(Letter)
        .where(Letter.kind == kind, Letter.status == "pending_print", Letter.deleted_at.is_(None),
               column.in_(keys))
        .order_by(Letter.id)
    ):  # fmt: skip
        found.setdefault(getattr(letter, column.key), letter)
    return found


def select_households(
    engine: Engine,
    kind: str,
    village: str | None = None,
    grid: str | None = None,
    unsigned: bool = False,
) -> list[int]:
    """Live households of a village / grid (by name), optionally only those whose letter of
    `kind` is not yet done (告知书 not delivered, 承诺书 not signed); ValidationError for an
    unknown village or grid."""
    with unit_of_work(engine) as session:
        stmt = select(Household.id).where(Household.deleted_at.is_(None)).order_by(Household.id)
        if village:
            village_id = session.scalar(
                select(Unit.id).where(Unit.name == village, Unit.kind == "village",
                                      Unit.deleted_at.is_(None))
            )  # fmt: skip
            if village_id is None:
                raise ValidationError({"village": f"没有名为“{village}”的村居"})
            stmt = stmt.where(Household.village_id == village_id)
        if grid:
            grids = select(Grid.id).where(Grid.name == grid, Grid.deleted_at.is_(None))
            if village:
                grids = grids.where(Grid.village_id == village_id)
            grid_ids = session.scalars(grids).all()
            if not grid_ids:
                raise ValidationError({"grid": f"没有名为“{grid}”的网格"})
            stmt = stmt.where(Household.grid_id.in_(grid_ids))
        if unsigned:
            done = select(Letter.household_id).where(
                Letter.kind == kind, Letter.status.in_(DONE_STATUSES[kind]),
                Letter.deleted_at.is_(None), Letter.household_id.is_not(None),
            )  # fmt: skip
            stmt = stmt.where(Household.id.not_in(done))
        return list(session.scalars(stmt))


def select_employees(engine: Engine, unit: str, unsigned: bool = False) -> list[int]:
    """Live employees of a unit (by name); ValidationError for an unknown unit or no staff."""
    with unit_of_work(engine) as session:
        unit_id = session.scalar(
            select(Unit.id).where(Unit.name == unit, Unit.deleted_at.is_(None))
        )
        if unit_id is None:
            raise ValidationError({"unit": f"没有名为“{unit}”的成员单位"})
        stmt = (
            select(Employee.id)
            .where(Employee.unit_id == unit_id, Employee.deleted_at.is_(None))
            .order_by(Employee.id)
        )
        if unsigned:
            stmt = stmt.where(Employee.commitment_signed_on.is_(None))
        ids = list(session.scalars(stmt))
    if not ids:
        raise ValidationError({"unit": f"“{unit}”没有需要打印的职工"})
    return ids


# -- the letter register and status changes ----------------------------------------------------
class LetterRegister(SqlRegister):
    """Every letter with its addressee, village or unit, status and dates."""

    title = "告知书与承诺书"
    columns = (
        RegisterColumn("number", "编号", 20),
        RegisterColumn("kind", "类别", 12),
        RegisterColumn("addressee", "户主/职工", 8),
        RegisterColumn("place", "村居/单位", 12),
        RegisterColumn("address", "地址", 20),
        RegisterColumn("status", "状态", 7),
        RegisterColumn("printed_at", "打印时间", 16),
        RegisterColumn("delivered_on", "送达日期", 11),
        RegisterColumn("signed_on", "签回日期", 11),
        RegisterColumn("signer_name", "签名人", 8),
    )
    default_sort = "id"

    def __init__(self, engine: Engine, today: date | None = None) -> None:
        super().__init__(engine)
        self.today = today

    def select_rows(self) -> Select:
        """Letters with their household (and its village) or employee (and unit)."""
        village, employer = aliased(Unit), aliased(Unit)
        return (
            select(
                Letter.id.label("id"),
                Letter.number.label("number"),
                case_label(Letter.kind, LETTER_KINDS).label("kind"),
                func.coalesce(Household.head_name, Employee.name).label("addressee"),
                func.coalesce(village.name, employer.name).label("place"),
                Household.address.label("address"),
                case_label(Letter.status, LETTER_STATUSES).label("status"),
                Letter.printed_at.label("printed_at"),
                Letter.delivered_on.label("delivered_on"),
                Letter.signed_on.label("signed_on"),
                Letter.signer_name.label("signer_name"),
            )
            .outerjoin(Household, Household.id == Letter.household_id)
            .outerjoin(village, village.id == Household.village_id)
            .outerjoin(Employee, Employee.id == Letter.employee_id)
            .outerjoin(employer, employer.id == Employee.unit_id)
            .where(Letter.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Number, head of household or employee, address."""
        return (Letter.number, Household.head_name, Employee.name, Household.address)

    def filters(self) -> Sequence[RegisterFilter]:
        """类别, 状态 (and 打印超过30天未签回), 村居."""
        with self.engine.connect() as conn:
            villages = conn.execute(
                select(Unit.id, Unit.name)
                .where(Unit.kind == "village", Unit.deleted_at.is_(None))
                .order_by(Unit.sort_order, Unit.id)
            ).all()
        statuses = [*LETTER_STATUSES.items(), ("unsigned_30_days", "打印超过30天未签回")]
        return (
            RegisterFilter("kind", "类别", list(LETTER_KINDS.items())),
            RegisterFilter("status", "状态", statuses),
            RegisterFilter("village", "村居", [(v.id, v.name) for v in villages]),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The kind, status and village filters."""
        if key == "kind":
            return Letter.kind == value
        if key == "status" and value == "unsigned_30_days":
            cutoff = datetime.combine(
                (self.today or date.today()) - timedelta(days=30), datetime.min.time()
            )
            return and_(
                Letter.kind != "notice", Letter.status.in_(("printed", "delivered")),
                Letter.printed_at < cutoff,
            )  # fmt: skip
        if key == "status":
            return Letter.status == value
        if key == "village":
            return Household.village_id == value
        return None


def _letter(session: Session, letter_id: int) -> Letter:
    letter = session.get(Letter, letter_id)
    if letter is None or letter.deleted_at is not None:
        raise ValidationError({"": "这份文书不存在或已被删除"})
    return letter


def _move(letter: Letter, status: str) -> None:
    if status not in TRANSITIONS[letter.status]:
        raise ValidationError(
            {"": f"编号{letter.number}现在是“{LETTER_STATUSES[letter.status]}”，"
                 f"不能改为“{LETTER_STATUSES[status]}”"}
        )  # fmt: skip
    letter.status = status


def change_status(
    engine: Engine, letter_ids: Sequence[int], status: str, on: date | None = None,
    user: str | None = None,
) -> int:  # fmt: skip
    """Mark letters 已送达, 拒签 or 作废 (all or none: one bad letter changes nothing)."""
    if status not in ("delivered", "refused", "void"):
        raise ValueError(status)
    on = on or date.today()
    if on > date.today():
        raise ValidationError({"": "日期不能晚于今天"})
    with unit_of_work(engine, user) as session:
        for letter_id in letter_ids:
            letter = _letter(session, letter_id)
            _move(letter, status)
            if status == "delivered":
                letter.delivered_on = on
            audit.record(session, "update", "letter", letter.uuid, status)
    return len(letter_ids)


def file_type(data: bytes) -> str | None:
    """The MIME type of a PNG, JPEG or PDF by its first bytes, or None."""
    return next((mime for magic, mime in SCAN_TYPES.items() if data.startswith(magic)), None)


def sign_letter(
    engine: Engine,
    letter_id: int,
    signer: str,
    signed_on: date,
    signature_png: bytes | None = None,
    scan: Path | None = None,
    user: str | None = None,
) -> None:
    """Record a letter as 已签回 with a signature drawn on the pad or a scanned signed paper."""
    errors = {}
    if not signer.strip():
        errors["signer"] = "请填写签名人"
    if signed_on > date.today():
        errors["signed_on"] = "签回日期不能晚于今天"
    if (signature_png is None) == (scan is None):
        errors[""] = "请在签名板上签名，或添加签字后的扫描件、照片（二选一）"
    elif signature_png is not None and file_type(signature_png) != "image/png":
        errors[""] = "签名不是有效的图片"
    scan_bytes = b""
    if scan is not None and not errors:
        size = scan.stat().st_size
        if size > MAX_SCAN_BYTES:
            errors[""] = f"“{scan.name}”有{size / 1024 / 1024:.0f} MB，超过20 MB，请压缩后再添加"
        else:
            scan_bytes = scan.read_bytes()
            if file_type(scan_bytes) is None:
                errors[""] = f"“{scan.name}”不是图片或PDF文件"
    if errors:
        raise ValidationError(errors)
    with unit_of_work(engine, user) as session:
        letter = _letter(session, letter_id)
        _move(letter, "signed")
        letter.signed_on, letter.signer_name = signed_on, signer.strip()
        if signature_png is not None:
            letter.signature_png = signature_png
        else:
            attachment = Attachment(
                owner_table="letter", owner_uuid=letter.uuid, file_name=scan.name,
                mime_type=file_type(scan_bytes), size=len(scan_bytes),
                sha256=hashlib.sha256(scan_bytes).hexdigest(), content=scan_bytes,
            )  # fmt: skip
            session.add(attachment)
            session.flush()
            letter.scan_attachment_id = attachment.id
        if letter.employee_id is not None:
            employee = session.get(Employee, letter.employee_id)
            if employee is not None and employee.commitment_signed_on is None:
                employee.commitment_signed_on = signed_on
        audit.record(session, "update", "letter", letter.uuid, "signed")


def letter_documents(
    engine: Engine, letter_ids: Sequence[int], full_numbers: bool = False
) -> list[Document]:
    """Stored letters as documents, each with the template version it was printed with and,
    when signed on the pad, with the signature (the signed copy)."""
    profile = load_profile(engine)
    issuer = profile.get("issuing_office") or ""
    docs = []
    with unit_of_work(engine) as session:
        letters = [_letter(session, i) for i in letter_ids]
        fraud = fraud_type_names(session)
        for letter in letters:
            if letter.household_id is not None:
                (a,) = household_addressees(session, [letter.household_id], full_numbers)
            else:
                (a,) = employee_addressees(session, [letter.employee_id])
            printed = (letter.printed_at or utcnow()).date()
            template: Template = (
                template_by_id(engine, letter.template_id)
                if letter.template_id
                else current_template(engine, letter.kind)
            )
            values = {
                **a.values, "编号": letter.number, "日期": chinese_date(printed),
                "日期_date": printed, "乡镇": profile.get("township_name") or "",
                "发文机关": issuer, "诈骗类型": fraud,
            }  # fmt: skip
            options = LetterOptions(
                signature_png=letter.signature_png, signer=letter.signer_name or "",
                signed_on=letter.signed_on,
            )  # fmt: skip
            docs.append(build_letter(template, values, issuer, options, f"{a.name}的文书"))
    return docs


def reprint_letters(
    engine: Engine, letter_ids: Sequence[int], out: Path | str, full_numbers: bool = False
) -> int:
    """Print stored letters again (see `letter_documents`); returns the number of pages."""
    return render_pdf(letter_documents(engine, letter_ids, full_numbers), out)
