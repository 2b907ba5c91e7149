"""Letters (告知书, 承诺书): printing in batches, numbering, and each letter's way to 已签回.

The signed paper is the record of truth, so every printed letter is a `Letter` row: a unique
number (never repeated across laptops: it carries this database's own prefix), the template
version it was printed with, and its status: 待打印 → 已打印 → 已送达 → 已签回 (or 拒签, 作废).
A batch writes its PDF and its letter records together: a cancelled or failed batch leaves
neither a file nor a record.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.progress import Job, Progress
from app.core.settings import load_profile
from app.core.validation import ValidationError
from app.core.vocab import LETTER_KINDS
from app.documents import (
    Document,
    chinese_date,
    render_pdf,
    render_pdf_job,
)
from app.letters.addressees import (  # noqa: F401 - re-exported: callers import them from here
    DONE_STATUSES,
    Addressee,
    _record_name,
    check_glyphs,
    employee_addressees,
    household_addressees,
    print_places,
    select_employees,
    select_households,
)
from app.letters.register import LetterRegister  # noqa: F401 - re-exported
from app.letters.status import (  # noqa: F401 - re-exported: callers import them from here
    MAX_SCAN_BYTES,
    SCAN_TYPES,
    TRANSITIONS,
    HouseholdLetter,
    _letter,
    change_status,
    file_type,
    household_letters,
    mark_household_letter,
    read_scan,
    sign_letter,
)
from app.letters.templates import (
    LetterOptions,
    Template,
    build_letter,
    current_template,
    template_by_id,
)
from app.letters.values import decode_values, encode_values, stored_addressee
from db.base import utcnow
from db.engine import unit_of_work
from db.models import (
    Attachment,
    FraudType,
    Letter,
    Setting,
)

log = logging.getLogger(__name__)
PREFIX_KEY = "letter_number_prefix"
KIND_CODES = {"notice": "GZ", "commitment_household": "CN", "commitment_employee": "ZG"}


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
            # a range, not LIKE: SQLite's LIKE reads all 450,000 numbers of a county (48 ms)
            select(func.max(Letter.number)).where(
                Letter.number >= self.stem, Letter.number < self.stem + "\uffff"
            )
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
class PrintResult:
    """What a batch printed."""

    letters: int
    pages: int
    numbers: tuple[str, ...]
    letter_ids: tuple[int, ...] = ()


def check_letters(engine: Engine, kind: str, ids: Sequence[int], full_numbers: bool = False) -> int:
    """Check, before a batch starts, that every addressee can be printed (a head's name, every
    character in a font); returns how many; ValidationError lists what is wrong."""
    if not ids:
        raise ValidationError({"": "没有要打印的对象"})
    with unit_of_work(engine) as session:
        if kind == "commitment_employee":
            addressees = employee_addressees(session, ids)
        else:
            addressees = household_addressees(session, ids, full_numbers)
        check_glyphs(kind, addressees)
    return len(addressees)


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
        check_glyphs(kind, addressees)
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
            # what this paper says, for its reprints and signed copy (see app.letters.values)
            letter.printed_values = encode_values({**common, **a.values, "编号": letter.number})
            letters.append(letter)
        session.flush()

        def documents() -> Iterator[Document]:
            for a, letter in zip(addressees, letters, strict=True):
                values = {**common, **a.values, "编号": letter.number}
                yield build_letter(template, values, issuer, options, _record_name(kind, a))

        pages = yield from render_pdf_job(documents(), out, len(letters))
        for letter in letters:
            audit.record(session, "print", "letter", letter.uuid)
        return PrintResult(
            len(letters), pages, tuple(x.number for x in letters), tuple(x.id for x in letters)
        )


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


def letter_documents(
    engine: Engine, letter_ids: Sequence[int], full_numbers: bool = False
) -> list[Document]:
    """Stored letters as documents, each with the template version and the values it was
    printed with and, when signed on the pad, with the signature (the signed copy).

    A letter printed before its values were kept is filled anew from the records (the ID
    number full when `full_numbers`); one with kept values says exactly what its paper said,
    an ID number masked if it was printed masked, whatever `full_numbers` asks."""
    profile = load_profile(engine)
    issuer = profile.get("issuing_office") or ""
    docs = []
    with unit_of_work(engine) as session:
        letters = [_letter(session, i) for i in letter_ids]
        fraud = fraud_type_names(session)
        for letter in letters:
            template: Template = (
                template_by_id(engine, letter.template_id)
                if letter.template_id
                else current_template(engine, letter.kind)
            )
            kept = _kept_values(letter)
            if kept is not None:
                values = {**kept, "编号": letter.number}
                a = stored_addressee(letter.household_id, letter.employee_id, values)
                printed_by = str(values.get("发文机关") or "")
            else:
                a, values = _values_anew(session, letter, full_numbers, profile, fraud)
                printed_by = issuer
            options = LetterOptions(
                signature_png=letter.signature_png, signer=letter.signer_name or "",
                signed_on=letter.signed_on,
            )  # fmt: skip
            docs.append(
                build_letter(template, values, printed_by, options, _record_name(letter.kind, a))
            )
    return docs


def _kept_values(letter: Letter) -> dict | None:
    """The values a letter was printed with, or None (printed before they were kept, or, never
    expected, unreadable: then it is filled anew and the log says which letter, by id only)."""
    if not letter.printed_values:
        return None
    try:
        return decode_values(letter.printed_values)
    except ValueError:
        log.warning("letter %s: its printed values are unreadable; filled anew", letter.id)
        return None


def _values_anew(
    session: Session, letter: Letter, full_numbers: bool, profile: dict, fraud: str
) -> tuple[Addressee, dict]:
    """A letter's values filled from today's records (letters printed before 0011)."""
    if letter.household_id is not None:
        (a,) = household_addressees(session, [letter.household_id], full_numbers)
    else:
        (a,) = employee_addressees(session, [letter.employee_id])
    printed = (letter.printed_at or utcnow()).date()
    values = {
        **a.values, "编号": letter.number, "日期": chinese_date(printed), "日期_date": printed,
        "乡镇": profile.get("township_name") or "", "发文机关": profile.get("issuing_office") or "",
        "诈骗类型": fraud,
    }  # fmt: skip
    return a, values


def reprint_letters(
    engine: Engine, letter_ids: Sequence[int], out: Path | str, full_numbers: bool = False
) -> int:
    """Print stored letters again (see `letter_documents`); returns the number of pages."""
    return render_pdf(letter_documents(engine, letter_ids, full_numbers), out)


def export_signed_copy(engine: Engine, letter_id: int, out: Path | str) -> str:
    """Write a letter's signed copy to `out` and say what it is: the letter with the pad's
    signature, the attached scan itself (a PDF), or the attached photo on an A4 page.

    A letter without a scan is printed as `reprint_letters` prints it.
    """
    from app.core.files import replacing

    with unit_of_work(engine) as session:
        letter = _letter(session, letter_id)
        scan = (
            session.get(Attachment, letter.scan_attachment_id)
            if letter.scan_attachment_id
            else None
        )
        number, signed_on = letter.number, letter.signed_on
        scan_name = scan.file_name if scan else ""
        scan_type = scan.mime_type if scan else ""
        content = bytes(scan.content) if scan else b""
    if scan_type == "application/pdf":
        with replacing(Path(out)) as temp:
            temp.write_bytes(content)
        return f"签字件扫描件（{scan_name}）"
    if scan_type.startswith("image/"):
        when = f"，{chinese_date(signed_on)}签回" if signed_on else ""
        doc = Document(style="letter", where=f"编号{number}的签字件")
        doc.paragraph(f"编号{number}签字件（{scan_name}{when}）", indent=False, align="center")
        doc.image(content, 166, 235, align="center")
        render_pdf(doc, out)
        return f"签字件照片（{scan_name}）"
    reprint_letters(engine, [letter_id], out)
    return "签名板签名的文书" if letter.signature_png else "文书"
