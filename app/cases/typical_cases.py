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

from app.core.settings import load_profile
from app.core.validation import ValidationError, fen_to_yuan
from app.core.vocab import ALERT_SOURCES, CASE_OUTCOMES
from app.documents import Document, chinese_date, render_pdf
from app.documents.numerals import chinese_number
from db.engine import unit_of_work
from db.models import CaseDissuader, DissuasionCase, FraudType, Resident, Unit

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


# how each alert source "spotted" a case, as a typical case tells it
SPOTTED = {
    "alert_96110": "96110反诈预警专线发出预警",
    "fund_side": "资金端（银行、支付机构）发出预警",
    "bank_counter": "银行柜面工作人员发现其转账异常",
    "public_help": "群众发现异常后求助",
    "visit": "网格员入户走访时发现",
    "upstream": "上级反诈中心推送预警线索",
    "other": "经其他渠道发现",
}


@dataclass(frozen=True)
class TypicalCase:
    """One typical case as the compilation tells it (no name, ID number or phone)."""

    occurred_on: date
    village: str
    person: str
    fraud_type: str
    channel: str
    spotted: str
    stopped_by: str
    outcome: str
    at_risk_fen: int
    saved_fen: int
    narrative: str
    advice: str


def _roles(engine: Engine, case_ids: list[int]) -> dict[int, str]:
    """民警、网格员: who stopped each case, by role (their names are not needed to learn from)."""
    found: dict[int, list[str]] = {}
    with unit_of_work(engine) as session:
        for case_id, role in session.execute(
            select(CaseDissuader.case_id, CaseDissuader.role)
            .where(CaseDissuader.case_id.in_(case_ids), CaseDissuader.deleted_at.is_(None))
            .order_by(CaseDissuader.id)
        ):
            roles = found.setdefault(case_id, [])
            if role and role not in roles:
                roles.append(role)
    return {case_id: "、".join(roles) for case_id, roles in found.items()}


def typical_cases(engine: Engine, start: date, end: date) -> list[TypicalCase]:
    """The typical cases of a period, anonymised, oldest first."""
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(DissuasionCase, FraudType.name, FraudType.description, Unit.name, Resident.name)
            .join(FraudType, FraudType.id == DissuasionCase.fraud_type_id)
            .outerjoin(Unit, Unit.id == DissuasionCase.village_id)
            .outerjoin(Resident, Resident.id == DissuasionCase.resident_id)
            .where(
                DissuasionCase.deleted_at.is_(None), DissuasionCase.is_typical.is_(True),
                DissuasionCase.occurred_at.between(
                    datetime.combine(start, time.min), datetime.combine(end, time.max)
                ),
            )
            .order_by(DissuasionCase.occurred_at)
        ).all()  # fmt: skip
    roles = _roles(engine, [r[0].id for r in rows])
    cases = []
    for c, fraud, advice, village, resident_name in rows:
        story = scrub(c.narrative or "", c.person_name)
        if resident_name and resident_name != c.person_name:
            story = scrub(story, resident_name)
        for number in (c.person_id_number, c.person_phone):
            if number:
                story = story.replace(number, "＊＊＊")
        cases.append(TypicalCase(
            c.occurred_at.date(), village or "",
            anonymous(c.person_name, c.person_gender, c.person_age), fraud,
            c.contact_channel or "", SPOTTED.get(c.alert_source, ALERT_SOURCES.get(
                c.alert_source, c.alert_source)),
            roles.get(c.id, ""), CASE_OUTCOMES[c.outcome], c.amount_at_risk_fen,
            c.amount_saved_fen, story, advice or "",
        ))  # fmt: skip
    return cases


def _yuan(fen: int) -> str:
    # no thousands separator in running text: a line may break after a "," inside the number
    return str(fen_to_yuan(fen))


def case_paragraphs(case: TypicalCase) -> list[tuple[str, str]]:
    """(label, text) of one case: 基本情况, 发现经过, 劝阻经过, 劝阻结果, 防范提示."""
    channel = f"通过{case.channel}" if case.channel else ""
    risk = f"，涉案金额{_yuan(case.at_risk_fen)}元" if case.at_risk_fen else ""
    where = f"{case.village}居民" if case.village else ""
    parts = [
        ("基本情况", f"{chinese_date(case.occurred_on)}，{where}{case.person}{channel}"
                     f"遭遇“{case.fraud_type}”类诈骗{risk}。"),
        ("发现经过", f"{case.spotted}。"),
    ]  # fmt: skip
    stopped = f"{case.stopped_by}及时介入劝阻。" if case.stopped_by else ""
    if stopped or case.narrative:
        parts.append(("劝阻经过", stopped + case.narrative))
    saved = f"，止损{_yuan(case.saved_fen)}元" if case.saved_fen else ""
    parts.append(("劝阻结果", f"{case.outcome}{saved}。"))
    if case.advice:
        parts.append(("防范提示", case.advice))
    return parts


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
    saved = sum(c.saved_fen for c in cases)
    doc.paragraph(
        f"本汇编收录{len(cases)}起劝阻典型案例，共止损{_yuan(saved)}元。"
        "为保护当事人隐私，文中当事人均以姓氏加“某”代称，不载明身份证号码和联系电话。"
    )
    for number, case in enumerate(cases, start=1):
        place = f"{case.village}" if case.village else ""
        doc.heading(f"{chinese_number(number)}、{case.fraud_type}：{place}{case.person}")
        for label, text in case_paragraphs(case):
            doc.labelled(f"{label}：", text)
    doc.signature(profile.get("issuing_office") or "", date.today())
    return render_pdf(doc, out)
