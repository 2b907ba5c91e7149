"""Filing a scanned stack of signed letters: what each page means, and marking the letters.

Every page of the stack (read by `app.letters.scans`) is matched to its letter by the number
in its QR code, or a number the clerk typed for a page whose code could not be read. `decide`
says for each page what applying the batch would do, or what is wrong with it: no code found, a
number from another database, a letter already signed with a different scan, a void letter, the
same letter twice in the batch. It is a pure function, so the preview recomputes it after every
typed number or skipped page, and `file_scans_job` recomputes it inside its transaction from
the letters as they are then, so nothing changed in between is overwritten.

Applying files each matched page as its letter's signed scan, one transaction for the batch:
a cancel or a failure writes nothing. A page already filed (the same scan imported again) is
left as it is, so importing a scan twice changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.progress import Job, Progress
from app.core.vocab import LETTER_KINDS, LETTER_STATUSES
from app.letters.printing import PREFIX_KEY
from app.letters.scans import ScannedPage, load_scans
from app.letters.status import sign_with_scan
from app.letters.values import decode_values
from db.engine import unit_of_work
from db.models import Attachment, Employee, Household, Letter, Setting, Unit

NUMBER = re.compile(r"^(GZ|CN|ZG)(\d{4})-([0-9A-F]{4})-(\d{6})$")

# What applying does with a page
FILE = "file"  # the letter becomes 已签回 with this page as its scan
ADD_SCAN = "add_scan"  # the letter is 已签回 (paper collected on a visit) and takes the scan
ALREADY = "already"  # this very page is already the letter's scan: nothing to do
SKIP = "skip"  # blank, skipped by the clerk, or a problem: nothing is written for it
OUTCOMES = {
    FILE: "签回并存入签字件",
    ADD_SCAN: "补存签字件",
    ALREADY: "已导入过，不变",
    SKIP: "跳过",
}

# Why a page is skipped (the kinds of problem the summary counts)
UNREADABLE = "unreadable"
CONFLICT = "conflict"
BLANK = "blank"
SKIPPED = "skipped"


@dataclass(frozen=True)
class LetterOnFile:
    """A letter as the preview shows it and the decision needs it."""

    id: int
    number: str
    kind: str
    status: str
    addressee: str  # 王喆户（白鹤村3号） or 中心小学 教师1
    name: str  # who signs: the head of the household or the employee
    has_signature: bool
    scan_sha256: str | None

    @property
    def label(self) -> str:
        """告知书 王喆户（白鹤村3号）."""
        return f"{LETTER_KINDS.get(self.kind, self.kind)} {self.addressee}"

    @property
    def status_label(self) -> str:
        """The status now, in Chinese."""
        return LETTER_STATUSES.get(self.status, self.status)


@dataclass(frozen=True)
class PageDecision:
    """What applying the batch does with one page, and why."""

    page: ScannedPage
    number: str | None  # read from the code or typed by the clerk
    typed: bool
    letter: LetterOnFile | None
    outcome: str  # FILE, ADD_SCAN, ALREADY or SKIP
    reason: str  # for SKIP: UNREADABLE, CONFLICT, BLANK or SKIPPED; else ""
    problem: str  # what the clerk reads, in Chinese; "" when the page is filed as it should be


@dataclass(frozen=True)
class BatchSummary:
    """The counts of a batch: pages, matched (to be filed or filed), already filed,
    unreadable, conflicts, blank and skipped pages."""

    pages: int
    matched: int
    already: int
    unreadable: int
    conflicts: int
    blank: int
    skipped: int

    @property
    def text(self) -> str:
        """共12页：匹配9份，已导入过0页，无法识别1页，冲突2页，空白页1页，跳过0页."""
        return (
            f"共{self.pages}页：匹配{self.matched}份，已导入过{self.already}页，"
            f"无法识别{self.unreadable}页，冲突{self.conflicts}页，空白页{self.blank}页，"
            f"跳过{self.skipped}页"
        )


def summarize(decisions: Sequence[PageDecision]) -> BatchSummary:
    """Count the pages of a batch by what applying does with them."""

    def count(reason: str) -> int:
        return sum(d.outcome == SKIP and d.reason == reason for d in decisions)

    return BatchSummary(
        pages=len(decisions),
        matched=sum(d.outcome in (FILE, ADD_SCAN) for d in decisions),
        already=sum(d.outcome == ALREADY for d in decisions),
        unreadable=count(UNREADABLE),
        conflicts=count(CONFLICT),
        blank=count(BLANK),
        skipped=count(SKIPPED),
    )


def normalise_number(text: str) -> str:
    """A typed number as stored: upper case, without spaces, full-width dashes made ASCII."""
    return re.sub(r"\s+", "", text).upper().replace("－", "-").replace("—", "-")


def _letters(session: Session, numbers: Iterable[str]) -> dict[str, LetterOnFile]:
    wanted = sorted({n for n in numbers if NUMBER.match(n)})
    found: dict[str, LetterOnFile] = {}
    for start in range(0, len(wanted), 500):
        rows = session.execute(
            select(Letter, Household.head_name, Household.address, Unit.name, Employee.name,
                   Attachment.sha256)
            .outerjoin(Household, Household.id == Letter.household_id)
            .outerjoin(Employee, Employee.id == Letter.employee_id)
            .outerjoin(Unit, Unit.id == Employee.unit_id)
            .outerjoin(Attachment, Attachment.id == Letter.scan_attachment_id)
            .where(Letter.number.in_(wanted[start : start + 500]), Letter.deleted_at.is_(None))
        )  # fmt: skip
        for letter, head, address, unit, employee, sha in rows:
            if letter.household_id is not None:
                printed = decode_values(letter.printed_values) if letter.printed_values else {}
                name = str(printed.get("户主姓名") or head or "")
                addressee = f"{name}户（{address or ''}）"
            else:
                name = employee or ""
                addressee = f"{unit or ''} {name}".strip()
            found[letter.number] = LetterOnFile(
                letter.id, letter.number, letter.kind, letter.status, addressee, name,
                letter.signature_png is not None, sha,
            )  # fmt: skip
    return found


def prefix_of(session: Session) -> str | None:
    """This database's letter-number prefix, or None when it never printed a letter."""
    row = session.get(Setting, PREFIX_KEY)
    return row.value if row is not None else None


@dataclass(frozen=True)
class LetterBook:
    """The letters a batch names, looked up once: by number, and this database's prefix."""

    prefix: str | None
    letters: Mapping[str, LetterOnFile]


def look_up_letters(engine: Engine, numbers: Iterable[str]) -> LetterBook:
    """The letters with these numbers (deleted ones are not found), and the prefix."""
    with unit_of_work(engine) as session:
        return LetterBook(prefix_of(session), _letters(session, numbers))


def page_numbers(pages: Sequence[ScannedPage], typed: Mapping[int, str]) -> set[str]:
    """Every number a batch names: its pages' codes and the numbers the clerk typed."""
    numbers = {normalise_number(t) for t in typed.values() if t}
    for page in pages:
        numbers.update(page.codes)
    return numbers


def _problem_of_number(number: str, book: LetterBook) -> str:
    match = NUMBER.match(number)
    if match is None:
        return f"二维码“{number[:40]}”不是本程序打印的文书编号"
    if book.prefix is not None and match.group(3) != book.prefix:
        return f"编号{number}是另一个数据库（前缀{match.group(3)}）打印的文书，不属于本数据库"
    return f"本数据库中没有编号为{number}的文书"


def _code_number(codes: Sequence[str]) -> str | None:
    """The number a page's codes give: its one letter number (another code on the paper, a
    WeChat code on a receipt, does not count), or its only code to be reported as foreign."""
    numbers = [c for c in codes if NUMBER.match(c)]
    if len(numbers) == 1:
        return numbers[0]
    return codes[0] if len(codes) == 1 else None


def _decide_page(
    page: ScannedPage, number: str | None, typed: bool, book: LetterBook, filed: dict[str, int]
) -> PageDecision:
    def skip(reason: str, problem: str, letter: LetterOnFile | None = None) -> PageDecision:
        return PageDecision(page, number, typed, letter, SKIP, reason, problem)

    if number is None:
        if page.blank:
            return skip(BLANK, "空白页")
        if len(page.codes) > 1:
            return skip(
                UNREADABLE, f"一页上有{len(page.codes)}个二维码，无法确定是哪一份文书，请输入编号"
            )
        return skip(UNREADABLE, "未找到二维码，请输入编号或跳过")
    letter = book.letters.get(number)
    if letter is None:
        return skip(CONFLICT, _problem_of_number(number, book))
    if letter.scan_sha256 == page.sha256:
        return PageDecision(page, number, typed, letter, ALREADY, "", "")
    if number in filed:
        return skip(CONFLICT, f"与第{filed[number] + 1}页是同一份文书，这一页不导入", letter)
    if letter.status == "void":
        return skip(CONFLICT, f"编号{number}已作废", letter)
    if letter.status == "pending_print":
        return skip(CONFLICT, f"编号{number}还没有打印", letter)
    if letter.has_signature or letter.scan_sha256 is not None:
        return skip(CONFLICT, f"编号{number}已签回，并且已有另一份签字件", letter)
    if page.too_big:
        return skip(CONFLICT, "这一页超过20 MB，无法存为签字件，请降低扫描分辨率", letter)
    filed[number] = page.index
    outcome = ADD_SCAN if letter.status == "signed" else FILE
    return PageDecision(page, number, typed, letter, outcome, "", "")


def decide(
    pages: Sequence[ScannedPage],
    book: LetterBook,
    typed: Mapping[int, str] | None = None,
    skipped: Iterable[int] = (),
) -> list[PageDecision]:
    """What applying the batch does with each page (see the module's docstring).

    `typed` maps a page's index to the number the clerk typed for it (it replaces what the code
    said); `skipped` holds the indexes of pages the clerk chose not to import. The first page
    of a letter in the batch is filed; a later page of the same letter is a conflict.
    """
    typed = typed or {}
    skipped = set(skipped)
    filed: dict[str, int] = {}
    decisions = []
    for page in pages:
        text = normalise_number(typed.get(page.index) or "")
        number = text or _code_number(page.codes)
        if page.index in skipped:
            letter = book.letters.get(number) if number else None
            decisions.append(
                PageDecision(page, number, bool(text), letter, SKIP, SKIPPED, "已跳过")
            )
            continue
        decisions.append(_decide_page(page, number, bool(text), book, filed))
    return decisions


def default_signed_on(pages: Sequence[ScannedPage]) -> date:
    """The signing date a batch proposes: the day its latest file was scanned."""
    return max((p.scanned_on for p in pages), default=date.today())


@dataclass(frozen=True)
class FilingResult:
    """What applying a batch did: its decisions as they were applied, and their counts."""

    decisions: tuple[PageDecision, ...]
    summary: BatchSummary


def file_scans_job(
    engine: Engine,
    pages: Sequence[ScannedPage],
    typed: Mapping[int, str] | None = None,
    skipped: Iterable[int] = (),
    signed_on: date | None = None,
    user: str | None = None,
) -> Job[FilingResult]:
    """File a batch in one transaction: every matched page becomes its letter's signed scan,
    the letter 已签回 on `signed_on` (None: the day its page was scanned). The decisions are
    made again inside the transaction from the letters as they are now. Closing the job before
    its end (取消) rolls everything back; so does any error."""
    typed = dict(typed or {})
    skipped = set(skipped)
    with unit_of_work(engine, user) as session:
        book = LetterBook(prefix_of(session), _letters(session, page_numbers(pages, typed)))
        decisions = decide(pages, book, typed, skipped)
        todo = [d for d in decisions if d.outcome in (FILE, ADD_SCAN)]
        yield Progress(0, len(todo), "正在存入签字件…")
        with closing(load_scans([d.page for d in todo])) as scans:
            for done, (decision, (page, scan)) in enumerate(zip(todo, scans, strict=True), 1):
                letter = session.get(Letter, decision.letter.id)
                signer = letter.signer_name or decision.letter.name
                caption = f"批量导入签字件：{page.label}"
                sign_with_scan(session, letter, signer, signed_on or page.scanned_on, scan, caption)
                yield Progress(done, len(todo), f"正在存入签字件 {done}/{len(todo)}…")
        session.flush()
    return FilingResult(tuple(decisions), summarize(decisions))
