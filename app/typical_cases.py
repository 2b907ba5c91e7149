"""典型案例汇编: the typical cases of a period as one PDF, the victims' names removed.

A victim is written 张某（女，62岁）: surname and 某, never the given name; compound surnames
(欧阳, 诸葛 …) are kept whole. The narrative is cleaned too: the full name and the given name
are replaced wherever they appear, and ID numbers and phone numbers never enter the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import Engine, select

from app.documents import Document, chinese_date, render_pdf
from app.minutes import chinese_number
from app.settings import load_profile
from app.validation import ValidationError
from app.vocab import ALERT_SOURCES, CASE_OUTCOMES
from db.engine import unit_of_work
from db.models import DissuasionCase, FraudType, Unit

COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "令狐",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "百里",
        "东郭",
        "闻人",
        "赫连",
        "澹台",
        "公冶",
        "宗政",
        "濮阳",
        "太叔",
        "申屠",
        "钟离",
        "呼延",
        "万俟",
        "拓跋",
    ]
)
_DIGITS = re.compile(r"\d{7,}[\dXx]?")


def surname(name: str) -> str:
    """The surname of a Chinese name (compound surnames whole)."""
    return name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[:1]


def anonymous(name: str, gender: str | None, age: int | None) -> str:
    """张某（女，62岁）: how a victim is named in a typical case."""
    details = "，".join(part for part in (gender or "", f"{age}岁" if age else "") if part)
    return f"{surname(name)}某" + (f"（{details}）" if details else "")


def scrub(text: str, name: str) -> str:
    """The narrative with the person's full and given name replaced, long numbers removed."""
    short = f"{surname(name)}某"
    given = name[len(surname(name)) :]
    text = text.replace(name, short)
    if len(given) >= 2:
        text = text.replace(given, "某")
    return _DIGITS.sub("＊＊＊", text)


@dataclass(frozen=True)
class TypicalCase:
    """One typical case as the compilation tells it."""

    occurred_on: date
    village: str
    person: str
    fraud_type: str
    source: str
    outcome: str
    saved_fen: int
    narrative: str


def typical_cases(engine: Engine, start: date, end: date) -> list[TypicalCase]:
    """The typical cases of a period, anonymised, oldest first."""
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(DissuasionCase, FraudType.name, Unit.name)
            .join(FraudType, FraudType.id == DissuasionCase.fraud_type_id)
            .outerjoin(Unit, Unit.id == DissuasionCase.village_id)
            .where(
                DissuasionCase.deleted_at.is_(None), DissuasionCase.is_typical.is_(True),
                DissuasionCase.occurred_at.between(
                    datetime.combine(start, time.min), datetime.combine(end, time.max)
                ),
            )
            .order_by(DissuasionCase.occurred_at)
        ).all()  # fmt: skip
    return [
        TypicalCase(
            c.occurred_at.date(), village or "",
            anonymous(c.person_name, c.person_gender, c.person_age),
            fraud, ALERT_SOURCES.get(c.alert_source, c.alert_source), CASE_OUTCOMES[c.outcome],
            c.amount_saved_fen, scrub(c.narrative or "", c.person_name),
        )
        for c, fraud, village in rows
    ]  # fmt: skip


def print_typical_cases(engine: Engine, start: date, end: date, out: Path | str) -> int:
    """The compilation as a PDF; returns the pages."""
    cases = typical_cases(engine, start, end)
    if not cases:
        raise ValidationError({"": f"{start}至{end}没有列为典型的案例"})
    profile = load_profile(engine)
    township = profile.get("township_name") or ""
    doc = Document(style="official", where="典型案例汇编")
    doc.title(f"{township}电信网络诈骗劝阻典型案例汇编")
    doc.centered(f"（{chinese_date(start)}至{chinese_date(end)}）")
    for number, case in enumerate(cases, start=1):
        doc.heading(f"{chinese_number(number)}、{case.fraud_type}：{case.village}{case.person}")
        doc.paragraph(
            f"{chinese_date(case.occurred_on)}，{case.village}居民{case.person}遭遇{case.fraud_type}"
            f"诈骗。线索来源：{case.source}。"
        )
        if case.narrative:
            doc.paragraph(case.narrative)
        saved = f"，止损{case.saved_fen / 100:,.2f}元" if case.saved_fen else ""
        doc.paragraph(f"劝阻结果：{case.outcome}{saved}。")
    doc.signature(profile.get("issuing_office") or "", date.today())
    return render_pdf(doc, out)
