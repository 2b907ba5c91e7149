"""The 督导考核 tab driven through its real widgets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from qt_input import click
from sqlalchemy import select

from app.oversight.callback_results import CallbackService
from db.engine import unit_of_work
from db.models import CallbackCall, CaseStat, Grid, Household, Person, Unit, Visit
from ui.tabs.oversight.assessment import HEADERS
from ui.tabs.oversight.inspections_tab import InspectionsTab

TODAY = date.today()


@pytest.fixture
def tab(qtbot, engine):
    with unit_of_work(engine) as s:
        village = Unit(name="白鹤村", kind="village")
        worker = Person(name="王网格")
        s.add_all([village, worker])
        s.flush()
        grid = Grid(village_id=village.id, name="一网格", grid_worker_id=worker.id)
        s.add(grid)
        s.flush()
        for n in range(8):
            h = Household(
                village_id=village.id,
                grid_id=grid.id,
                address=f"白鹤村{n}号",
                head_name=f"户主{n}",
                phone="13800000000",
            )
            s.add(h)
            s.flush()
            s.add(
                Visit(
                    household_id=h.id,
                    grid_id=grid.id,
                    visited_on=TODAY - timedelta(days=n),
                    mode="in_person",
                    grid_worker_id=worker.id,
                    outcome="visited",
                )
            )
        last = TODAY.year - 1
        s.add_all(
            [
                CaseStat(
                    village_id=village.id, year=TODAY.year, month=1, case_count=2, loss_fen=100000
                ),
                CaseStat(village_id=village.id, year=last, month=1, case_count=4, loss_fen=300000),
            ]
        )
    messages = []
    tab = InspectionsTab(engine, "clerk", inform=lambda _p, t, m: messages.append((t, m)))
    tab.messages = messages
    qtbot.addWidget(tab)
    tab.resize(1200, 700)
    tab.show()
    return tab


def test_draw_record_calls_and_see_the_rate(qtbot, tab, engine):
    view = tab.callbacks
    tab.tabs.setCurrentWidget(view)
    assert view.grid.currentText() == "白鹤村一网格"
    view.size.setValue(4)
    view.seed.setText("2024")
    click(qtbot, view.draw_button)
    assert "已抽取4户" in view.note.text() and "2024" in view.note.text()
    assert view.calls.model.count == 4
    with unit_of_work(engine) as s:
        calls = s.scalars(select(CallbackCall.id).order_by(CallbackCall.id)).all()
    service = CallbackService(engine, "clerk")
    for call_id, result in zip(
        calls, ("confirmed", "confirmed", "confirmed", "not_confirmed"), strict=True
    ):
        service.update(call_id, {"result": result, "called_on": TODAY})
    view.calls.recordsChanged.emit()
    qtbot.waitUntil(lambda: view.rates.rowCount() == 1 and view.rates.item(0, 6).text() == "75.0%")
    assert view.rates.item(0, 0).text() == "王网格"
    view.seed.setText("abc")
    click(qtbot, view.draw_button)
    assert tab.messages[-1] == ("电话回访抽查", "随机种子应为数字")
    # the village's grids together, and the whole township
    assert view.grid.findText("白鹤村（全部1个网格）") > 0
    view.grid.setCurrentIndex(view.grid.findText("全镇所有网格（1个）"))
    view.size.setValue(2)
    view.seed.setText("7")
    click(qtbot, view.draw_button)
    assert view.note.text().startswith("已抽取2户（随机种子 7")  # one grid: its own seed
    assert view.calls.model.count == 6


def test_dual_decline_view_shows_the_comparison_and_keeps_the_cap(qtbot, tab):
    view = tab.dual_decline
    tab.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.table.rowCount() == 2)
    assert view.table.item(0, 0).text() == "白鹤村"
    assert view.table.item(0, 3).text() == "-50.0%"
    assert view.table.item(0, 7).text() == "双降"
    assert "全镇双降" in view.summary.text()
    view.cap.setText("abc")
    click(qtbot, view.save_cap)
    assert "数字" in view.message.text()
    view.cap.setText("-60")
    click(qtbot, view.save_cap)
    qtbot.waitUntil(lambda: view.table.item(0, 7).text() == "超出控制目标")
    # the months: January this year against January last year, in a table and a chart
    assert view.months.rowCount() == 1
    assert [view.months.item(0, c).text() for c in (0, 1, 2, 3, 4, 5)] == [
        "1月", "2", "4", "-50.0%", "1,000.00", "3,000.00"
    ]  # fmt: skip
    assert [s.values for s in view.chart.series] == [[2], [4]]
    assert view.chart.labels == ["1月"]


def test_inspections_and_case_figures_are_listed(qtbot, tab):
    assert tab.case_stats.model.count == 2
    assert tab.inspections.model.count == 0
    tab.tabs.setCurrentWidget(tab.callbacks)
    tab.grab().save("/tmp/x/callbacks.png")


def test_assessment_view_scores_and_exports(qtbot, tab, tmp_path):
    view = tab.assessment
    view.year.setValue(TODAY.year)
    tab.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.table.rowCount() == 1)
    assert view.table.item(0, 1).text() == "白鹤村"
    score = HEADERS.index("得分")
    first = view.table.item(0, score).text()
    view.weight_boxes["case_trend"].setValue(0)
    view.weight_boxes["visit_coverage"].setValue(0)
    click(qtbot, view.save_button)
    qtbot.waitUntil(lambda: view.table.item(0, score).text() != first)
    out = tmp_path / "考核.xlsx"
    view.ask_save_path = lambda *_: str(out)
    view.export()
    qtbot.waitUntil(lambda: bool(tab.messages) and tab.messages[-1][0] == "导出完成", timeout=5000)
    assert out.exists() and "已导出 1 个单位" in tab.messages[-1][1]


def test_monthly_notice_is_printed_from_the_case_figures(qtbot, engine, tmp_path):
    opened = []
    out = tmp_path / "通报.pdf"
    tab = InspectionsTab(
        engine,
        "clerk",
        ask_month=lambda _p: (TODAY.year, 1),
        ask_pdf=lambda *_: str(out),
        open_file=opened.append,
    )
    qtbot.addWidget(tab)
    click(qtbot, tab.notice_button)
    qtbot.waitUntil(lambda: opened == [str(out)], timeout=10000)
    assert out.stat().st_size > 0
