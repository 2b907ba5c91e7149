"""发案登记 (逐案倒查): the rules, the masked victim, the monthly counts it feeds, the tab."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from app.cases.incidents import (
    IncidentRegister,
    IncidentService,
    monthly_case_counts,
    review_summary,
)
from app.cases.monthly_stats import CaseStatRegister
from app.core.progress import run_to_end
from app.core.registers import RegisterQuery
from app.core.validation import ValidationError
from app.oversight.dual_decline import dual_decline
from app.oversight.monthly_figures import monthly_figures
from app.oversight.monthly_notice import print_monthly_notice
from app.oversight.overdue import overdue_items
from app.sheets.register_export import export_register_xlsx
from db.engine import unit_of_work
from db.models import CaseStat, FraudType, Unit

TODAY = date.today()


@pytest.fixture
def town(engine):
    with unit_of_work(engine) as s:
        s.add_all([Unit(name="白鹤村", kind="village", sort_order=1),
                   Unit(name="东山村", kind="village", sort_order=2),
                   Unit(name="清溪派出所", kind="police", sort_order=3)])  # fmt: skip
        s.flush()
        ids = dict(s.execute(select(Unit.name, Unit.id)).all())
        ids["type"] = s.scalar(select(FraudType.id).where(FraudType.name == "刷单返利"))
        return ids


def _values(town, **changes):
    values = {
        "occurred_on": date(2025, 3, 5), "village_id": town["白鹤村"], "victim_name": "欧阳娜娜",
        "victim_age": 67, "fraud_type_id": town["type"], "loss_fen": "30,000.50",
        "contact_channel": "微信",
    }  # fmt: skip
    values.update(changes)
    return values


def _errors(service, values) -> dict:
    with pytest.raises(ValidationError) as caught:
        service.create(values)
    return caught.value.errors


def test_dates_in_order_and_a_review_with_its_findings(engine, town):
    service = IncidentService(engine, "clerk")
    tomorrow = TODAY + timedelta(days=1)
    assert _errors(service, _values(town, occurred_on=tomorrow)) == {
        "occurred_on": "发案日期不能晚于今天"
    }
    errors = _errors(service, _values(town, reviewed_on=date(2025, 3, 1), review_findings="未入户"))
    assert errors == {"reviewed_on": "倒查日期不能早于发案日期"}
    assert _errors(service, _values(town, reviewed_on=date(2025, 3, 9))) == {
        "review_findings": "已倒查的案件请填写倒查情况"
    }
    assert _errors(service, _values(town, follow_up="上门讲解")) == {
        "followed_up_on": "填写了教育引导情况，请填写日期"
    }
    assert _errors(service, _values(town, legal_aid_on=tomorrow)) == {
        "legal_aid_on": "法律援助日期不能晚于今天"
    }
    assert _errors(service, _values(town, village_id=None, loss_fen="-1")) == {
        "village_id": "村居不能为空", "loss_fen": "案损（元）不能为负数"
    }  # fmt: skip


def test_the_victim_is_never_named_in_listed_texts_nor_logged(engine, town, caplog):
    service = IncidentService(engine, "clerk")
    errors = _errors(
        service,
        _values(town, reviewed_on=date(2025, 3, 9), review_findings="欧阳娜娜家未入户走访"),
    )
    assert errors == {
        "review_findings": "请不要在此写受害人姓名（受害人信息属个人信息，列表和导出中不显示）"
    }
    caplog.set_level(logging.DEBUG)
    incident = service.create(
        _values(town, reviewed_on=date(2025, 3, 9), review_findings="3组未入户走访",
                accountable_unit_id=town["白鹤村"], accountable_note="第3网格")
    )  # fmt: skip
    service.update(incident, _values(town, victim_name="欧阳娜"))
    assert "欧阳" not in caplog.text
    assert service.describe(incident) == f"第{incident}号发案记录（2025-03-05）"


def test_the_register_masks_the_victim_and_never_finds_them_by_name(engine, town, tmp_path):
    service = IncidentService(engine, "clerk")
    service.create(
        _values(town, reviewed_on=date(2025, 3, 9), review_findings="3组未入户走访",
                accountable_unit_id=town["白鹤村"], accountable_note="第3网格")
    )  # fmt: skip
    service.create(_values(town, occurred_on=TODAY - timedelta(days=40), victim_name="王五"))
    register = IncidentRegister(engine)
    rows = register.fetch(RegisterQuery(), 0, 10)
    victim = register.column_index("victim")
    assert [r.values[victim] for r in rows] == ["王*", "欧***"]
    assert register.fetch(RegisterQuery(), 0, 10, reveal=True)[1].values[victim] == "欧阳娜娜"
    old = rows[1].values
    assert old[register.column_index("review")] == "已倒查"
    assert old[register.column_index("accountable")] == "白鹤村 第3网格"
    assert str(old[register.column_index("loss")]) == "30000.50"
    assert register.count(RegisterQuery(text="欧阳")) == 0
    assert register.count(RegisterQuery(text="第3网格")) == 1
    assert register.count(RegisterQuery(filters={"review": "overdue"})) == 1
    assert register.count(RegisterQuery(filters={"review": "reviewed"})) == 1
    assert register.count(RegisterQuery(filters={"year": 2025})) == 1

    path = tmp_path / "发案.xlsx"
    assert run_to_end(export_register_xlsx(register, RegisterQuery(), path)) == 2
    cells = [c for row in load_workbook(path).active.iter_rows(values_only=True) for c in row]
    assert "欧***" in cells and "王*" in cells
    assert not any(isinstance(c, str) and ("欧阳" in c or "王五" in c) for c in cells)


def test_registered_cases_replace_the_typed_figures_of_their_month_only(engine, town):
    with unit_of_work(engine) as s:
        for month, cases, loss in ((1, 4, 400_00), (2, 9, 900_00)):
            s.add(CaseStat(village_id=town["白鹤村"], year=2025, month=month, case_count=cases,
                           loss_fen=loss))  # fmt: skip
        s.add(CaseStat(village_id=town["东山村"], year=2024, month=2, case_count=2, loss_fen=1))
    service = IncidentService(engine, "clerk")
    for day, loss in ((3, "1000"), (20, "500.5")):
        service.create(_values(town, occurred_on=date(2025, 2, day), loss_fen=loss))
    deleted = service.create(_values(town, occurred_on=date(2025, 2, 21)))
    service.delete(deleted)
    with unit_of_work(engine) as s:
        counts = monthly_case_counts(s, years=(2025,))
    assert counts == {
        (town["白鹤村"], 2025, 1): (4, 400_00),  # typed: no case registered in January
        (town["白鹤村"], 2025, 2): (2, 1500_50),  # registered
    }
    typed = CaseStatRegister(engine)
    shown = {
        r.values[typed.column_index("month")]: r.values[typed.column_index("registered")]
        for r in typed.fetch(RegisterQuery(filters={"year": 2025}), 0, 10)
    }
    assert shown == {1: 0, 2: 2}  # the clerk sees which typed month the register replaces
    figures = monthly_figures(engine, 2025, 2)
    village = next(v for v in figures.villages if v.name == "白鹤村")
    assert (village.cases, village.loss_fen, village.cases_last_month) == (2, 1500_50, 4)
    assert next(v for v in figures.villages if v.name == "东山村").cases_last_year == 2
    decline = dual_decline(engine, 2025)
    assert decline.through_month == 2
    assert (decline.total.cases, decline.total.cases_last) == (6, 2)
    # a registered case in March extends the compared months even without a typed figure
    service.create(_values(town, occurred_on=date(2025, 3, 2), loss_fen="10"))
    assert dual_decline(engine, 2025).through_month == 3


def test_the_monthly_notice_reports_the_review(engine, town, tmp_path):
    service = IncidentService(engine, "clerk")
    service.create(
        _values(town, occurred_on=date(2025, 2, 3), reviewed_on=date(2025, 2, 10),
                review_findings="未签承诺书", accountable_note="第3网格",
                followed_up_on=date(2025, 2, 11), follow_up="上门讲解防骗知识")
    )  # fmt: skip
    service.create(_values(town, occurred_on=date(2025, 2, 5)))
    summary = review_summary(engine, date(2025, 2, 1), date(2025, 2, 28))
    assert (summary.cases, summary.reviewed, summary.accountable) == (2, 1, 1)
    assert (summary.followed_up, summary.legal_aid) == (1, 0)
    path = tmp_path / "通报.pdf"
    print_monthly_notice(engine, 2025, 2, path)
    text = "".join(p.extract_text() for p in PdfReader(path).pages).replace("\n", "")
    assert "本月登记发案2起，已逐案倒查1起，查明宣防不到位1起" in text
    assert "欧阳" not in text


def test_an_unreviewed_case_is_overdue_after_thirty_days(engine, town):
    service = IncidentService(engine, "clerk")
    service.create(_values(town, occurred_on=TODAY - timedelta(days=30)))
    assert "incident_reviews" not in {i.key for i in overdue_items(engine, TODAY)}
    later = {i.key: i for i in overdue_items(engine, TODAY + timedelta(days=1))}
    item = later["incident_reviews"]
    assert item.text == "1起案件发案超过30天仍未逐案倒查"
    assert (item.target.tab, item.target.subtab) == ("劝阻案例", "发案登记")
    assert item.target.filters == {"review": "overdue"}


def test_a_clerk_registers_a_case_and_follows_the_overdue_link(qtbot, engine, town):
    from qt_input import click, type_text

    from ui.tabs.cases.cases_tab import CasesTab

    IncidentService(engine, "clerk").create(_values(town, occurred_on=TODAY - timedelta(days=45)))
    messages = []
    tab = CasesTab(engine, "clerk", inform=lambda _p, t, m: messages.append((t, m)),
                   ask=lambda *_: True)  # fmt: skip
    qtbot.addWidget(tab)
    tab.resize(1300, 700)
    tab.show()
    tab.show_target("发案登记", {"review": "overdue"})
    view = tab.incidents
    assert tab.tabs.currentWidget() is view
    assert view.model.count == 1
    click(qtbot, view.add_button)
    dialog = view.dialog
    dialog.set_values({"occurred_on": TODAY, "village_id": town["东山村"],
                       "fraud_type_id": town["type"]})  # fmt: skip
    type_text(qtbot, dialog.editors["victim_name"], "张三丰")
    type_text(qtbot, dialog.editors["loss_fen"], "1200")
    dialog.save()
    assert messages == []
    view.filter_bar.set_values({})
    assert view.model.count == 2
    victim = view.register.column_index("victim")
    shown = {view.model.data(view.model.index(r, victim)) for r in range(2)}
    assert shown == {"张**", "欧***"}
