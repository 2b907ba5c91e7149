"""月度通报: a month's cases, losses, dissuasion, visits, letters and publicity, as a 通报.

Seed 001: every month the office issues a notice of cases and work per village and unit. The
figures come from `app.oversight.monthly_figures`; here they are laid out through the document
engine in
the 通报 format: numbered sections, tables where they help, a ranking.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import Engine

from app.core.periods import month_end
from app.core.settings import load_profile
from app.documents import Document, render_pdf
from app.documents.numerals import chinese_number
from app.oversight.dual_decline import STATUSES, DualDecline, percent
from app.oversight.monthly_figures import MonthlyFigures, VillageMonth, monthly_figures

__all__ = [
    "MonthlyFigures",
    "VillageMonth",
    "monthly_figures",
    "monthly_notice",
    "notice_document",
    "print_monthly_notice",
]


def area_word(township: str) -> str:
    """What the township calls itself in "全镇": 镇, 乡 or 街道."""
    return next((w for w in ("街道", "镇", "乡") if township.endswith(w)), "镇")


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _yuan(fen: int) -> str:
    """Exact yuan with two decimals and no separators, as running text writes it: 122505.00
    (the engine keeps it and its 元 on one line)."""
    return f"{Decimal(fen) / 100:.2f}"


def _wan(fen: int) -> str:
    """Ten-thousand yuan with two decimals, as notices give losses in tables: 12.25."""
    return f"{(Decimal(fen) / 1_000_000).quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


def _cases_section(doc: Document, f: MonthlyFigures, area: str) -> None:
    cases, loss = f.total("cases"), f.total("loss_fen")
    total = f.decline.total
    doc.heading("一、发案情况")
    doc.paragraph(
        f"本月全{area}共发生电信网络诈骗案件{cases}起，案损{_yuan(loss)}元；"
        f"上月{f.total('cases_last_month')}起、案损{_yuan(f.total('loss_last_month_fen'))}元，"
        f"去年同月{f.total('cases_last_year')}起、案损{_yuan(f.total('loss_last_year_fen'))}元。"
        f"今年1—{f.month}月累计发案{total.cases}起（同比{percent(total.case_change)}），"
        f"案损{_yuan(total.loss_fen)}元（同比{percent(total.loss_change)}），"
        f"{STATUSES[total.status]}。"
    )
    doc.paragraph("各村（社区）发案情况如下（案损单位：万元）：", indent=True)
    doc.table(
        ["村（社区）", "本月\n发案", "上月\n发案", "去年同月\n发案", "本月\n案损",
         "上月\n案损", "去年同月\n案损", "累计\n双降"],
        [
            [v.name, v.cases, v.cases_last_month, v.cases_last_year, _wan(v.loss_fen),
             _wan(v.loss_last_month_fen), _wan(v.loss_last_year_fen),
             STATUSES[_decline_status(f.decline, v.name)]]
            for v in f.villages
        ]
        + [["合计", cases, f.total("cases_last_month"), f.total("cases_last_year"), _wan(loss),
            _wan(f.total("loss_last_month_fen")), _wan(f.total("loss_last_year_fen")),
            STATUSES[total.status]]],
        widths=[3.2, 1.8, 1.5, 1.8, 2.1, 2.1, 2.3, 2.2],
        align=["left", "right", "right", "right", "right", "right", "right", "center"],
    )  # fmt: skip
    review = _review_sentence(f)
    if review:
        doc.paragraph(review, indent=True)


def _review_sentence(f: MonthlyFigures) -> str:
    """逐案倒查 and 线索移交 of the month, when the registers hold any (seed 000, seed 004)."""
    parts = []
    r, h = f.reviews, f.handovers
    if r is not None and r.cases:
        parts.append(
            f"本月登记发案{r.cases}起，已逐案倒查{r.reviewed}起，查明宣防不到位{r.accountable}起，"
            f"已对受害人教育引导{r.followed_up}人、提供法律援助{r.legal_aid}人"
        )
    if h is not None and h.handed_over:
        parts.append(
            f"向公安机关移交涉诈线索{h.handed_over}条，已立案{h.filed}条、已查处{h.handled}条、"
            f"查无实据{h.unfounded}条、待反馈{h.pending}条"
        )
    return "；".join(parts) + "。" if parts else ""


def _dissuasion_section(doc: Document, f: MonthlyFigures) -> None:
    d = f.dissuasion
    doc.heading("二、劝阻情况")
    rate = d.transfer_rate
    if rate is None:
        rate_text = "本月无预警对象"
    else:
        verdict = "低于" if d.meets_target else "未达到低于"
        rate_text = f"预警后再转账率{float(rate) * 100:.1f}%，{verdict}2%的目标"
    doc.paragraph(
        f"本月登记劝阻案例{d.cases}起，其中成功劝阻{d.success}起、部分止损{d.partial}起、"
        f"劝阻无效{d.failed}起、预警后仍转账{d.transferred_after_warning}起，"
        f"挽回损失{_yuan(d.saved_fen)}元，损失{_yuan(d.lost_fen)}元；{rate_text}。"
    )


def _work_section(doc: Document, f: MonthlyFigures) -> None:
    households = f.total("households")
    visited, notices = f.total("visited_this_year"), f.total("notice_delivered")
    signed = f.total("commitment_signed")
    doc.heading("三、入户走访和告知书、承诺书签订情况")
    doc.paragraph(
        f"本月入户走访{f.visits_this_month}户。截至{f.month}月底，全年已走访{visited}户，"
        f"占{_share(_ratio(visited, households))}；告知书已送达{notices}户，"
        f"占{_share(_ratio(notices, households))}；承诺书已签回{signed}户，"
        f"占{_share(_ratio(signed, households))}。各村（社区）按走访覆盖率排列如下："
    )
    doc.table(
        ["名次", "村（社区）", "住户数", "本月\n走访", "今年\n已走访", "走访\n覆盖率",
         "告知书\n送达率", "承诺书\n签订率"],
        [[rank, v.name, v.households, v.visited_this_month, v.visited_this_year,
          _share(v.visit_share), _share(v.notice_share), _share(v.commitment_share)]
         for rank, v in f.ranked()],
        widths=[1.3, 3.0, 1.7, 1.7, 2.0, 2.1, 2.2, 2.2],
        align=["center", "left", "right", "right", "right", "right", "right", "right"],
    )  # fmt: skip


def _publicity_section(doc: Document, f: MonthlyFigures) -> None:
    doc.heading("四、宣传工作情况")
    if f.silent_units:
        names = "、".join(f.silent_units)
        silent = f"。{names}共{len(f.silent_units)}个单位本月未报送宣传工作情况"
    else:
        silent = "，各成员单位均已报送"
    doc.paragraph(
        f"本月{f.reporting_units}个单位共开展宣传活动{f.activities}场次，"
        f"覆盖群众{f.people_reached}人次{silent}。"
    )
    if f.by_form:
        doc.table(
            ["宣传形式", "场次", "覆盖人数"],
            [[form, count, people] for form, count, people in f.by_form]
            + [["合计", f.activities, f.people_reached]],
            widths=[3, 2, 2],
            align=["left", "right", "right"],
        )
    if f.instructions and f.instructions[0]:
        count, receipts, on_time = f.instructions
        doc.paragraph(
            f"本月收到上级指令{count}条，下发各单位（村居）{receipts}次，"
            f"按时签收并推送{on_time}次，占{_share(_ratio(on_time, receipts))}。"
        )


def _ranking_section(doc: Document, f: MonthlyFigures) -> None:
    ranked = [v for _, v in f.ranked() if v.visit_share is not None]
    if not ranked:
        return
    doc.heading("五、排名情况")

    def names(villages: list[VillageMonth]) -> str:
        return "、".join(f"{v.name}（{_share(v.visit_share)}）" for v in villages)

    if len(ranked) <= 3:
        doc.paragraph(f"入户走访覆盖率由高到低依次为：{names(ranked)}。")
    else:
        bottom = ranked[max(3, len(ranked) - 3) :][::-1]
        doc.paragraph(
            f"入户走访覆盖率排名前三位的是：{names(ranked[:3])}；"
            f"排名后{chinese_number(len(bottom))}位的是：{names(bottom)}。"
        )
    doc.paragraph("请排名靠后的村（社区）查找原因，加快补访进度，确保年底前实现走访全覆盖。")


def notice_document(f: MonthlyFigures, township: str, issuer: str, issued_on: date) -> Document:
    """The notice as a 通报: title, five numbered sections with tables, the ranking."""
    doc = Document(style="official", where=f"{f.year}年{f.month}月通报")
    area = area_word(township)
    # GB/T 9704: a wrapped title keeps its words whole: 全镇 | 反电信网络诈骗工作情况的通报
    doc.title(f"关于{f.year}年{f.month}月全{area}\n反电信网络诈骗工作情况的通报")
    doc.paragraph("各村（社区）、各成员单位：", indent=False)
    doc.paragraph(f"现将{f.year}年{f.month}月{township}反电信网络诈骗工作情况通报如下。")
    _cases_section(doc, f, area)
    _dissuasion_section(doc, f)
    _work_section(doc, f)
    _publicity_section(doc, f)
    _ranking_section(doc, f)
    doc.signature(issuer, issued_on)
    return doc


def _decline_status(decline: DualDecline, name: str) -> str:
    return next((c.status for c in decline.villages if c.name == name), "zero")


def monthly_notice(engine: Engine, year: int, month: int, today: date | None = None) -> Document:
    """The month's notice, dated five days after the month (or today, if that is earlier)."""
    profile = load_profile(engine)
    figures = monthly_figures(engine, year, month)
    issued_on = min(today or date.today(), month_end(year, month) + timedelta(days=5))
    township, issuer = profile.get("township_name") or "", profile.get("issuing_office") or ""
    return notice_document(figures, township, issuer, issued_on)


def print_monthly_notice(engine: Engine, year: int, month: int, out: Path | str) -> int:
    """Write the month's notice to a PDF; returns the number of pages."""
    return render_pdf(monthly_notice(engine, year, month), out)
