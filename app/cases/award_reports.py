"""What the office reports about its awards: totals per person, unit and quarter, and the award
list (奖励名单) of a period as a 公文 PDF and as an .xlsx. Reporters appear as 举报人（保密）.

Totals are GROUP BYs in SQLite (20,000 awards in a few milliseconds); amounts stay integer
fen until they are shown, then exact Decimal yuan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Integer, case, cast, func, literal, select

from app.cases.awards import REPORTER_SHOWN_AS, AwardRegister
from app.cases.figures import period_column
from app.core.files import replacing
from app.core.progress import Job, Progress
from app.core.settings import load_profile
from app.core.validation import ValidationError, fen_to_yuan
from app.documents import Document, chinese_date, render_pdf
from app.sheets.register_export import sheet_title
from db.models import Award, Person, Unit

GRANTED = ("approved", "paid")
LIST_HEADERS = ("序号", "日期", "类别", "获奖人/单位", "金额（元）", "事由", "状态")


@dataclass(frozen=True)
class Total:
    """The awards of one recipient or quarter."""

    name: str
    count: int
    amount_fen: int
    paid_fen: int

    @property
    def amount(self) -> Decimal:
        """The total in yuan."""
        return fen_to_yuan(self.amount_fen)

    @property
    def paid(self) -> Decimal:
        """What of it is paid, in yuan."""
        return fen_to_yuan(self.paid_fen)


def totals(engine: Engine, start: date, end: date, by: str) -> list[Total]:
    """Approved and paid awards proposed in a period (a proposal is not yet money), totalled by
    "person", "unit" (largest first) or "quarter" (in order). Reporters are one line."""
    number = cast((cast(func.substr(Award.proposed_on, 6, 2), Integer) + 2) / 3, Integer)
    quarter = func.substr(Award.proposed_on, 1, 4).concat("-Q").concat(number)
    keys = {
        # every report award is one line, whoever the stored data names
        "person": case((Award.kind == "report", literal(-1)), else_=Award.recipient_person_id),
        "unit": case((Award.kind == "report", literal(None)), else_=Award.recipient_unit_id),
        "quarter": quarter,
    }
    if by not in keys:
        raise ValueError(by)
    key = keys[by]
    with engine.connect() as conn:
        proposed = period_column(conn, Award.proposed_on, start, end)
        stmt = (
            select(
                key, func.count(), func.sum(Award.amount_fen),
                func.sum(case((Award.status == "paid", Award.amount_fen), else_=0)),
            )
            .where(
                Award.deleted_at.is_(None), Award.status.in_(GRANTED),
                proposed.between(start, end), key.is_not(None),
            )
            .group_by(key)
        )  # fmt: skip
        rows = conn.execute(stmt).all()
        names = _names(conn, by, [r[0] for r in rows])
    found = [Total(names.get(k, str(k)), n, amount or 0, paid or 0) for k, n, amount, paid in rows]
    if by == "quarter":
        return sorted(found, key=lambda t: t.name)
    return sorted(found, key=lambda t: (-t.amount_fen, t.name))


def _names(conn: Any, by: str, keys: list[Any]) -> dict[Any, str]:
    """Display names of the grouped keys; people who share a name get their post added."""
    if by == "quarter":
        return {k: f"{k[:4]}年第{k[-1]}季度" for k in keys}
    if by == "unit":
        return dict(conn.execute(select(Unit.id, Unit.name).where(Unit.id.in_(keys))).all())
    people = conn.execute(
        select(Person.id, Person.name, Person.post).where(Person.id.in_(keys))
    ).all()
    counts: dict[str, int] = {}
    for _id, name, _post in people:
        counts[name] = counts.get(name, 0) + 1
    names = {
        pid: f"{name}（{post or f'编号{pid}'}）" if counts[name] > 1 else name
        for pid, name, post in people
    }
    names[-1] = REPORTER_SHOWN_AS
    return names


def award_rows(engine: Engine, start: date, end: date) -> list[list[Any]]:
    """The award list (奖励名单) of a period: approved and paid awards, reporters hidden.

    Each row: number, date, kind, recipient, amount (Decimal yuan), reason, status.
    """
    register = AwardRegister(engine)
    stmt = (
        register.select_rows()
        .where(Award.status.in_(GRANTED), Award.proposed_on.between(start, end))
        .order_by(Award.proposed_on, Award.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return [
        [n, r.proposed_on, r.kind, r.recipient or "", r.amount, r.reason or "", r.status]
        for n, r in enumerate(rows, start=1)
    ]


def _period(start: date, end: date) -> str:
    return f"{chinese_date(start)}至{chinese_date(end)}"


def print_award_list(engine: Engine, start: date, end: date, out: Path | str) -> int:
    """The 奖励名单 of a period as a 公文 PDF; returns the pages."""
    rows = award_rows(engine, start, end)
    if not rows:
        raise ValidationError({"": f"{start}至{end}没有已审批或已发放的奖励"})
    profile = load_profile(engine)
    total = sum((r[4] for r in rows), Decimal("0.00"))
    paid = sum((r[4] for r in rows if r[6] == "已发放"), Decimal("0.00"))
    township = profile.get("township_name") or ""
    doc = Document(style="official", where="奖励名单")
    doc.title(f"{township}反电信网络诈骗工作奖励名单")
    doc.centered(f"（{_period(start, end)}）")
    printed = [[n, d.isoformat(), kind, who, f"{amount:,.2f}", reason, status]
               for n, d, kind, who, amount, reason, status in rows]  # fmt: skip
    # widths in characters of the 12 pt table font (about 36 to the line of the 公文 grid)
    doc.table(LIST_HEADERS, printed, widths=[2.8, 5.8, 4.8, 6.0, 4.9, 9.4, 3.9],
              align=["center", "center", "center", "left", "right", "left", "center"])  # fmt: skip
    # no thousands separator in running text: a line may break after a "," inside the number
    doc.paragraph(f"合计{len(rows)}笔，金额{total}元，其中已发放{paid}元。")
    doc.paragraph("举报人身份依规保密，名单中以“举报人（保密）”代称。")
    doc.signature(profile.get("issuing_office") or "", date.today())
    return render_pdf(doc, out)


def export_award_list(engine: Engine, start: date, end: date, out: Path | str) -> Job[int]:
    """The award list of a period to .xlsx: amounts as numbers with 2 decimals, and a total."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    yield Progress(0, 1, "正在导出…")
    rows = award_rows(engine, start, end)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title("奖励名单")
    sheet.append([f"奖励名单（{_period(start, end)}）"])
    sheet.append(list(LIST_HEADERS))
    for cell in (*sheet[1], *sheet[2]):
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
        sheet.cell(sheet.max_row, 2).number_format = "yyyy-mm-dd"
        for column in (4, 6):  # clerk-typed text is never a formula
            sheet.cell(sheet.max_row, column).data_type = "s"
    total = sum((r[4] for r in rows), Decimal("0.00"))
    sheet.append(["合计", None, None, f"{len(rows)}笔", total])
    sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    for number in range(3, sheet.max_row + 1):
        sheet.cell(number, 5).number_format = "#,##0.00"
    for letter, width in zip("ABCDEFG", (6, 12, 10, 16, 12, 40, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    with replacing(Path(out)) as temp:
        workbook.save(temp)
    yield Progress(1, 1, "已导出")
    return len(rows)
