"""A letter's way from 已打印 to 已签回: delivery, refusal, voiding, and signing on the pad or
with a scan of the signed paper, for the letters tab and the households' visit form alike.

The signed paper is the record of truth: a letter becomes 已签回 with the signer's signature
drawn on the pad, a scan or photo of the paper, or (from a visit) the paper itself collected,
whose scan can be attached later. Every change is all or none.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.attachments import MAX_ATTACHMENT_BYTES, FileToAttach, attach, read_checked
from app.core.attachments import file_type as attachment_type
from app.core.validation import ValidationError
from app.core.vocab import LETTER_KINDS, LETTER_STATUSES
from db.engine import unit_of_work
from db.models import Employee, Letter

# What each status may become. A signed letter can only be voided (a new one is then printed).
TRANSITIONS = {
    "pending_print": {"printed", "void"},
    "printed": {"delivered", "signed", "refused", "void"},
    "delivered": {"signed", "refused", "void"},
    "refused": {"signed", "void"},
    "signed": {"void"},
    "void": set(),
}
MAX_SCAN_BYTES = MAX_ATTACHMENT_BYTES
# A signature has ink: this many pixels darker than this grey (0 black, 255 white). A click on
# the pad without a stroke leaves a dot of about five.
INK_LEVEL = 160
MIN_INK_PIXELS = 12
SCAN_TYPES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"%PDF-": "application/pdf",
}


def file_type(data: bytes) -> str | None:
    """The MIME type of a PNG, JPEG or PDF by its first bytes, or None."""
    return attachment_type(data, SCAN_TYPES)


def has_ink(png: bytes) -> bool:
    """Whether a signature picture holds a stroke: at least MIN_INK_PIXELS pixels clearly
    darker than white paper once laid on it (the pad draws on a transparent background).
    An unreadable picture holds none."""
    from PIL import Image, UnidentifiedImageError  # ReportLab's own image library

    try:
        with Image.open(io.BytesIO(png)) as image:
            image.load()
            picture = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError):
        return False
    paper = Image.new("RGBA", picture.size, "white")
    grey = Image.alpha_composite(paper, picture).convert("L")
    return sum(grey.histogram()[:INK_LEVEL]) >= MIN_INK_PIXELS


def read_scan(path: Path) -> bytes:
    """The bytes of a scan or photo of a signed paper; ValidationError for a missing file, one
    over 20 MB (refused before it is read: a 200 MB photo never fills the memory), or one that
    is not a PNG, JPEG or PDF."""
    return read_checked(path, SCAN_TYPES, "图片（PNG、JPEG）或PDF文件").content


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


def _check_date(on: date, label: str) -> None:
    if on > date.today():
        raise ValidationError({"": f"{label}不能晚于今天"})


def change_status(
    engine: Engine, letter_ids: Sequence[int], status: str, on: date | None = None,
    user: str | None = None,
) -> int:  # fmt: skip
    """Mark letters 已送达, 拒签 or 作废 (all or none: one bad letter changes nothing)."""
    if status not in ("delivered", "refused", "void"):
        raise ValueError(status)
    on = on or date.today()
    _check_date(on, "日期")
    with unit_of_work(engine, user) as session:
        for letter_id in letter_ids:
            letter = _letter(session, letter_id)
            _move(letter, status)
            if status == "delivered":
                letter.delivered_on = on
            audit.record(session, "update", "letter", letter.uuid, status)
    return len(letter_ids)


def _signed(session: Session, letter: Letter, signer: str, signed_on: date) -> None:
    _move(letter, "signed")
    letter.signed_on, letter.signer_name = signed_on, signer.strip()
    if letter.employee_id is not None:
        employee = session.get(Employee, letter.employee_id)
        if employee is not None and employee.commitment_signed_on is None:
            employee.commitment_signed_on = signed_on
    audit.record(session, "update", "letter", letter.uuid, "signed")


def sign_letter(
    engine: Engine,
    letter_id: int,
    signer: str,
    signed_on: date,
    signature_png: bytes | None = None,
    scan: Path | None = None,
    user: str | None = None,
) -> None:
    """Record a letter as 已签回 with a signature drawn on the pad or a scanned signed paper.

    A letter already 已签回 without either (its paper collected on a visit) takes the scan
    later; one that has a signature or a scan cannot be signed again.
    """
    errors = {}
    if not signer.strip():
        errors["signer"] = "请填写签名人"
    if signed_on > date.today():
        errors["signed_on"] = "签回日期不能晚于今天"
    if (signature_png is None) == (scan is None):
        errors[""] = "请在签名板上签名，或添加签字后的扫描件、照片（二选一）"
    elif signature_png is not None and file_type(signature_png) != "image/png":
        errors[""] = "签名不是有效的图片"
    elif signature_png is not None and not has_ink(signature_png):
        errors[""] = "签名板上还没有签名，请签名后再保存"
    if errors:
        raise ValidationError(errors)
    scan_bytes = read_scan(scan) if scan is not None else b""
    with unit_of_work(engine, user) as session:
        letter = _letter(session, letter_id)
        if signature_png is not None:
            _signed_or_evidence_later(session, letter, signer, signed_on)
            letter.signature_png = signature_png
        else:
            scanned = FileToAttach(scan.name, file_type(scan_bytes), scan_bytes)
            sign_with_scan(session, letter, signer, signed_on, scanned)


def _signed_or_evidence_later(
    session: Session, letter: Letter, signer: str, signed_on: date
) -> None:
    evidence_later = (
        letter.status == "signed"
        and letter.signature_png is None
        and letter.scan_attachment_id is None
    )
    if evidence_later:
        letter.signer_name = letter.signer_name or signer.strip()
        audit.record(session, "update", "letter", letter.uuid, "signed copy added")
    else:
        _signed(session, letter, signer, signed_on)


def sign_with_scan(
    session: Session,
    letter: Letter,
    signer: str,
    signed_on: date,
    scan: FileToAttach,
    caption: str | None = None,
) -> None:
    """Record a letter as 已签回 with a checked scan of its signed paper, in the caller's
    transaction (a batch of scans is one transaction). A letter already 已签回 without a
    signature or a scan (its paper collected on a visit) takes the scan and keeps its date.
    ValidationError when the letter cannot be signed (作废, already signed with a signature or
    a scan, not printed) or the date is after today."""
    _check_date(signed_on, "签回日期")
    has_evidence = letter.signature_png is not None or letter.scan_attachment_id is not None
    if letter.status == "signed" and has_evidence:
        raise ValidationError({"": f"编号{letter.number}已经签回，并且已有签字件"})
    _signed_or_evidence_later(session, letter, signer, signed_on)
    letter.scan_attachment_id = attach(session, "letter", letter.uuid, scan, caption).id


@dataclass(frozen=True)
class HouseholdLetter:
    """One of a household's letters, as the visit form shows it."""

    id: int
    kind: str
    number: str
    status: str
    printed_at: datetime | None
    delivered_on: date | None
    signed_on: date | None

    @property
    def label(self) -> str:
        """类别、编号和状态, e.g. 告知书 GZ2026-7F3A-000123（已打印）."""
        return f"{LETTER_KINDS[self.kind]} {self.number}（{LETTER_STATUSES[self.status]}）"


def household_letters(session: Session, household_id: int) -> list[HouseholdLetter]:
    """The household's letters that are not void or deleted, newest first (in the caller's
    session, so a visit form can read and change them in its own transaction)."""
    rows = session.scalars(
        select(Letter)
        .where(Letter.household_id == household_id, Letter.deleted_at.is_(None),
               Letter.status != "void")
        .order_by(Letter.id.desc())
    )  # fmt: skip
    return [
        HouseholdLetter(r.id, r.kind, r.number, r.status, r.printed_at, r.delivered_on,
                        r.signed_on)
        for r in rows
    ]  # fmt: skip


def mark_household_letter(
    session: Session,
    household_id: int,
    kind: str,
    status: str,
    on: date,
    *,
    visit_id: int | None = None,
    signer: str | None = None,
) -> str:
    """Move the household's newest printed letter of `kind` to 已送达, 已签回 or 拒签 on a visit,
    in the caller's transaction; returns its number.

    Marking a status the letter already has changes nothing (a visit saved twice). 已签回 here
    means the signed paper was collected; its scan can be attached later with `sign_letter`.
    ValidationError when the household has no printed letter of that kind or the change is
    not allowed (a signed letter is not delivered again).
    """
    if status not in ("delivered", "signed", "refused"):
        raise ValueError(status)
    if kind not in LETTER_KINDS or kind == "commitment_employee":
        raise ValueError(kind)
    _check_date(on, "日期")
    letter = session.scalars(
        select(Letter)
        .where(Letter.household_id == household_id, Letter.kind == kind,
               Letter.deleted_at.is_(None), Letter.status.not_in(("void", "pending_print")))
        .order_by(Letter.id.desc())
        .limit(1)
    ).first()  # fmt: skip
    if letter is None:
        raise ValidationError({"": f"这一户还没有打印过{LETTER_KINDS[kind]}，请先打印"})
    if letter.status == status:
        return letter.number
    if status == "signed":
        who = (signer or "").strip()
        if not who:
            raise ValidationError({"signer": "请填写签名人"})
        _signed(session, letter, who, on)
        letter.delivered_on = letter.delivered_on or on
    else:
        _move(letter, status)
        if status == "delivered":
            letter.delivered_on = on
        audit.record(session, "update", "letter", letter.uuid, status)
    if visit_id is not None:
        letter.visit_id = visit_id
    return letter.number
