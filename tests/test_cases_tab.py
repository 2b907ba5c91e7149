"""The 劝阻案例 and 奖励与表彰 tabs driven with qtbot, as a clerk uses them."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from qt_input import click, type_text
from sqlalchemy import select

from app.cases.clues import ClueService
from db.engine import unit_of_work
from db.models import Award, DissuasionCase, FraudType, Household, Person, Resident, Unit
from ui.register.table_model import display_text
from ui.tabs.cases.awards_tab import AwardsTab
from ui.tabs.cases.cases_tab import CasesTab
from ui.tabs.cases.person import ResidentPicker

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def town(engine):
    with unit_of_work(engine) as s:
        s.add_all([Unit(name="白鹤村", kind="village"), Person(name="王网格"),
                   Person(name="李民警")])  # fmt: skip
        s.flush()
        village = s.scalar(select(Unit.id))
        home = Household(village_id=village, address="白鹤村3组12号", head_name="欧阳娜娜")
        s.add(home)
        s.flush()
        resident = Resident(household_id=home.id, name="欧阳娜娜", gender="女",
                            birth_date=date(1962, 3, 1), phone="13812345678")  # fmt: skip
        s.add(resident)
        s.flush()
        return {
            "village": village, "resident": resident.id,
            "type": s.scalar(select(FraudType.id).where(FraudType.name == "刷单返利")),
            "people": dict(s.execute(select(Person.name, Person.id)).all()),
        }  # fmt: skip


@pytest.fixture
def messages():
    return []


def _inform(messages):
    return lambda _parent, title, text: messages.append((title, text))


def test_a_case_from_the_register_to_paid_awards(qtbot, engine, town, messages, tmp_path):
    photo, note = tmp_path / "现场.png", tmp_path / "说明.txt"
    photo.write_bytes(PNG)
    note.write_text("不是图片")
    opened = []
    cases = CasesTab(
        engine, "clerk", inform=_inform(messages), ask=lambda *_: True,
        ask_amounts=lambda _p, people: {pid: 30000 for pid, _ in people},
        pick_resident=lambda _p, _e: town["resident"],
        ask_files=lambda _p: [str(photo), str(note)], open_file=opened.append,
    )  # fmt: skip
    qtbot.addWidget(cases)
    cases.resize(1200, 800)
    cases.show()
    click(qtbot, cases.cases.add_button)
    dialog = cases.cases.dialog
    link = cases.cases.resident_link
    assert "未关联" in link.label.text() and not link.clear_button.isEnabled()
    click(qtbot, link.pick_button)  # fills the person from the register
    assert dialog.editors["person_name"].text() == "欧阳娜娜"
    assert dialog.editors["person_phone"].text() == "13812345678"
    assert link.label.text() == "欧阳娜娜（白鹤村3组12号）"
    dialog.set_values({
        "occurred_at": datetime(2024, 5, 3, 10, 30), "alert_source": "fund_side",
        "fraud_type_id": town["type"], "outcome": "success",
    })  # fmt: skip
    type_text(qtbot, dialog.editors["amount_at_risk_fen"], "5,000")
    type_text(qtbot, dialog.editors["amount_saved_fen"], "8000")
    click(qtbot, dialog.save_button)
    assert dialog.error_labels["amount_saved_fen"].text() == "止损金额不能大于涉案金额"
    assert cases.cases.model.count == 0  # nothing saved half-way
    dialog.editors["amount_saved_fen"].clear()
    type_text(qtbot, dialog.editors["amount_saved_fen"], "5000.00")
    click(qtbot, dialog.save_button)
    assert cases.cases.model.count == 1
    with unit_of_work(engine) as s:
        saved = s.scalars(select(DissuasionCase)).one()
        assert (saved.resident_id, saved.amount_saved_fen, saved.was_warned) == (
            town["resident"],
            500_000,
            True,
        )
    phone = cases.cases.register.column_index("person_phone")
    assert cases.cases.model.row(0).values[phone] == "138****5678"

    panel = cases.dissuaders
    assert panel.add_button.isEnabled() and not panel.propose_button.isEnabled()
    for name in ("王网格", "李民警"):
        panel.person.setCurrentIndex(panel.person.findData(town["people"][name]))
        type_text(qtbot, panel.role, "网格员" if name == "王网格" else "民警")
        click(qtbot, panel.add_button)
    assert [panel.list.item(i).text() for i in range(panel.list.count())] == [
        "王网格（网格员）", "李民警（民警）",
    ]  # fmt: skip
    assert panel.hint.text() == "2人待提出奖励"
    click(qtbot, panel.propose_button)
    assert "已提出2笔奖励" in messages[-1][1] and not panel.propose_button.isEnabled()

    files = cases.attachments
    click(qtbot, files.add_button)
    assert files.list.count() == 1 and "现场.png" in files.list.item(0).text()
    assert messages[-1][0] == "未添加的附件" and "说明.txt" in messages[-1][1]
    files.list.setCurrentRow(0)
    click(qtbot, files.open_button)
    assert opened and opened[0].endswith("现场.png")
    attachments = cases.cases.register.column_index("attachments")
    cases.cases.refresh()
    assert cases.cases.model.row(0).values[attachments] == 1

    cases.tabs.setCurrentWidget(cases.figures)
    figures = cases.figures
    qtbot.waitUntil(lambda: figures.stats is not None)
    figures.start.setDate(figures.start.date().addYears(-3))
    qtbot.waitUntil(lambda: figures.stats.summary.cases == 1)
    assert "100.00%" not in figures.cards["rate"].text()  # 1 warned, 0 transferred
    assert "0.00% 达标" in figures.cards["rate"].text()
    assert "5,000.00" in figures.cards["saved"].text()
    figures.period.setCurrentIndex(figures.period.findData("by_quarter"))
    assert figures.chart.labels[-1].startswith(str(date.today().year))
    assert sum(figures.chart.series[0].values) == 1
    table = figures.tables["period"]
    quarter = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "2024年第2季度")
    assert [table.item(quarter, c).text() for c in (1, 2, 7, 11)] == [
        "1", "1", "5,000.00", "0.00%",
    ]  # fmt: skip

    awards = AwardsTab(engine, "clerk", inform=_inform(messages),
                       ask_step=lambda _p, verb: ("镇长" if verb == "审批" else "财政所",
                                                  date.today()))  # fmt: skip
    qtbot.addWidget(awards)
    awards.show()
    view = awards.awards
    assert view.awards.model.count == 2
    view.awards.select_id(view.awards.model.row(0).id)
    assert view.buttons["approve"].isEnabled() and not view.buttons["pay"].isEnabled()
    click(qtbot, view.buttons["approve"])
    assert view.buttons["pay"].isEnabled() and not view.buttons["approve"].isEnabled()
    click(qtbot, view.buttons["pay"])
    with unit_of_work(engine) as s:
        steps = sorted((a.status, a.approved_by, a.paid_on) for a in s.scalars(select(Award)))
    assert steps == [("paid", "镇长", date.today()), ("proposed", None, None)]


def test_award_list_totals_and_the_year_filter(qtbot, engine, town, messages, tmp_path):
    from app.cases.awards import AwardService, advance
    from app.cases.dissuasion import CaseService

    case = CaseService(engine).create({
        "occurred_at": datetime(2024, 5, 3, 10), "alert_source": "visit", "person_name": "张三",
        "fraud_type_id": town["type"], "amount_at_risk_fen": "100", "amount_saved_fen": "100",
        "outcome": "success",
    })  # fmt: skip
    award = AwardService(engine).create({
        "kind": "per_deed", "recipient_person_id": town["people"]["王网格"], "case_id": case,
        "amount_fen": "1,234.56", "proposed_on": date(2024, 5, 4),
    })  # fmt: skip
    advance(engine, [award], "approved", "镇长", on=date(2024, 5, 5))
    pdf, xlsx = tmp_path / "名单.pdf", tmp_path / "名单.xlsx"
    opened = []
    tab = AwardsTab(engine, "clerk", inform=_inform(messages), ask_pdf=lambda *_: str(pdf),
                    ask_save_path=lambda *_: str(xlsx), open_file=opened.append)  # fmt: skip
    qtbot.addWidget(tab)
    tab.show()
    view = tab.awards
    assert view.totals.rowCount() == 0  # this year has none
    view.awards.filter_bar.set_values({"year": "2024"})
    assert view.totals_title.text() == "2024年已审批、已发放的奖励合计"
    assert [view.totals.item(0, c).text() for c in range(4)] == ["王网格", "1", "1,234.56", "0.00"]
    amount = view.awards.register.column_index("amount")
    assert display_text(view.awards.model.row(0).values[amount]) == "1234.56"
    click(qtbot, view.buttons["list_pdf"])
    assert opened == [str(pdf)]
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages).replace("\n", "")
    assert "王网格" in text and "1,234.56" in text
    click(qtbot, view.buttons["list_xlsx"])
    qtbot.waitUntil(lambda: bool(messages) and messages[-1][0] == "导出完成")
    assert load_workbook(xlsx).active["E3"].value == 1234.56


def test_the_reporter_only_in_the_protected_view(qtbot, engine, town, messages):
    reporter = "司徒秘密"
    clue = ClueService(engine).create({
        "received_on": date(2024, 5, 1), "summary": "收购银行卡", "verified": True,
        "verified_on": date(2024, 5, 2),
    })  # fmt: skip
    tab = AwardsTab(engine, "clerk", inform=_inform(messages), ask=lambda *_: True)
    qtbot.addWidget(tab)
    tab.show()
    clues = tab.clues
    clues.clues.refresh()
    clues.clues.select_id(clue)
    click(qtbot, clues.reporter_button)
    type_text(qtbot, clues.dialog.editors["name"], reporter)
    type_text(qtbot, clues.dialog.editors["phone"], "13912345678")
    click(qtbot, clues.dialog.save_button)
    clues.clues.refresh()
    assert "已登记（保密）" in clues.clues.model.row(0).values
    from app.cases.awards import AwardService, advance

    award = AwardService(engine).create({"kind": "report", "clue_id": clue, "amount_fen": "500",
                                         "proposed_on": date(2024, 5, 3)})  # fmt: skip
    advance(engine, [award], "approved", "镇长", on=date(2024, 5, 3))
    tab.awards.awards.refresh()
    tab.awards.awards.filter_bar.set_values({"year": "2024"})
    tab.commendations.refresh()
    shown = []
    for view in (tab.awards.awards, clues.clues, tab.commendations):
        model = view.model
        shown += [str(model.data(model.index(r, c))) for r in range(model.rowCount())
                  for c in range(model.columnCount())]  # fmt: skip
    shown += [tab.awards.totals.item(r, 0).text() for r in range(tab.awards.totals.rowCount())]
    assert "举报人（保密）" in shown
    assert not any(reporter in text or "13912345678" in text for text in shown)
    click(qtbot, clues.reveal_button)
    assert messages[-1][0] == "举报人（保密）" and reporter in messages[-1][1]


def test_the_resident_picker_searches_the_register(qtbot, engine, town):
    picker = ResidentPicker(engine)
    qtbot.addWidget(picker)
    assert picker.results.count() == 0 and not picker.ok_button.isEnabled()
    type_text(qtbot, picker.search, "欧阳")
    assert picker.results.count() == 1 and picker.ok_button.isEnabled()
    assert "138****5678" not in picker.results.item(0).text()  # no phone, ID masked
    assert picker.chosen() == town["resident"]
    picker.search.clear()
    type_text(qtbot, picker.search, "司马")
    assert picker.results.count() == 0 and "没有找到" in picker.status.text()
