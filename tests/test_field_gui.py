# ruff: noqa: F811  (the fixtures imported from field_town are used as arguments)
"""A field round trip through the GUI: export at the office, open and work on the laptop in
field mode, return, and check in with a conflict decided side by side."""

from __future__ import annotations

import pytest
from field_town import (  # noqa: F401
    PASSPHRASE,
    grid_labels,
    households_of,
    office,
    office_template,
)
from PySide6.QtCore import Qt
from qt_input import click, type_text
from sqlalchemy import func, select

from app.households.records import HouseholdService
from app.storage.database import open_database
from db.models import Household, Visit
from ui.field_dialogs import CheckinDialog, ExportDialog, OpenPackageDialog, ReturnDialog
from ui.main_window import MainWindow
from ui.tabs.households.households_tab import HouseholdsTab


class Answers:
    def __init__(self):
        self.messages = []

    def inform(self, _parent, title, text):
        self.messages.append((title, text))


def menu_texts(window) -> list[str]:
    file_menu = window.menuBar().actions()[0].menu()
    field = next(a.menu() for a in file_menu.actions() if a.text() == "外勤包(&W)")
    return [a.text() for a in field.actions()]


def visits_of(engine, household_id) -> int:
    with engine.connect() as conn:
        return conn.scalar(
            select(func.count()).select_from(Visit).where(Visit.household_id == household_id)
        )


def set_notes(engine, household_id, notes):
    service = HouseholdService(engine, "someone")
    values = service.load(household_id)
    values["notes"] = notes
    service.update(household_id, values)


def show(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def office_database(office, tmp_path):
    office.dispose()
    database = open_database(tmp_path / "office.sqlite")
    yield database
    database.close()


def test_round_trip_through_the_gui(qtbot, office_database, tmp_path):
    office_engine = office_database.engine
    grid = grid_labels(office_engine)[0]
    households = households_of(office_engine, grid)
    answers = Answers()
    visits_before = visits_of(office_engine, households[0])

    # at the office: the window offers the field menu, not field mode
    window = show(qtbot, MainWindow(office_database, "clerk"))
    assert window.field_notice is None and "外勤模式" not in window.windowTitle()
    assert menu_texts(window) == ["导出外勤包(&E)…", "导入返回包(&I)…", "打开外勤包(&O)…"]

    export = show(qtbot, ExportDialog(office_engine, "clerk", window, inform=answers.inform))
    items = [export.grids.item(i) for i in range(export.grids.count())]
    next(i for i in items if i.text().startswith(grid + "（")).setCheckState(Qt.CheckState.Checked)
    package = tmp_path / "out.wzf"
    type_text(qtbot, export.out, str(package))
    type_text(qtbot, export.passphrase, PASSPHRASE)
    type_text(qtbot, export.again, PASSPHRASE + "x")
    click(qtbot, export.ok)
    assert export.error.text() == "两次输入的口令不一致" and not package.exists()
    export.again.clear()
    type_text(qtbot, export.again, PASSPHRASE)
    click(qtbot, export.ok)
    qtbot.waitUntil(lambda: export.written is not None)
    assert package.exists() and answers.messages[-1][0] == "导出外勤包"

    # on the laptop: open the package as a new database, which opens in field mode
    opener = show(qtbot, OpenPackageDialog(inform=answers.inform))
    laptop_path = tmp_path / "laptop.sqlite"
    type_text(qtbot, opener.package, str(package))
    type_text(qtbot, opener.passphrase, "wrong passphrase")
    type_text(qtbot, opener.database, str(laptop_path))
    click(qtbot, opener.ok)
    qtbot.waitUntil(lambda: "口令不对" in opener.error.text())
    assert opener.isVisible() and not laptop_path.exists()
    opener.passphrase.clear()
    type_text(qtbot, opener.passphrase, PASSPHRASE)
    click(qtbot, opener.ok)
    qtbot.waitUntil(lambda: opener.opened == laptop_path)

    laptop_database = open_database(laptop_path)
    try:
        laptop_window = show(qtbot, MainWindow(laptop_database, "worker"))
        assert "外勤模式" in laptop_window.windowTitle()
        assert laptop_window.field_notice.isVisible()
        assert grid in laptop_window.field_notice.text()
        assert menu_texts(laptop_window) == ["生成返回包(&R)…"]
        laptop_window.grab().save(str(tmp_path / "field-mode.png"))

        # a visit entered with the keyboard, as in the village; a correction on both sides
        laptop = laptop_database.engine
        tab = show(qtbot, HouseholdsTab(laptop, "worker", inform=answers.inform))
        assert tab.households.model.count == len(households)  # this grid only
        laptop_window.close()
        tab.activateWindow()
        qtbot.waitUntil(tab.isActiveWindow)
        assert tab.households.select_id(households[0])
        tab.households.table.setFocus()
        qtbot.keyClick(tab.households.table, Qt.Key.Key_F2)
        dialog = tab.visit_dialog
        qtbot.waitUntil(dialog.isActiveWindow)
        # the worker picks the 承诺书 outcome (Alt+6: 未提供); nothing is chosen for him
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_6, Qt.KeyboardModifier.AltModifier)
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
        assert "已保存第1户" in dialog.status.text()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: tab.visit_dialog is None)
        set_notes(laptop, households[1], "外勤：户主外出务工")
        set_notes(office_engine, households[1], "办公室：已核实")

        giver = show(qtbot, ReturnDialog(laptop, inform=answers.inform))
        returned = tmp_path / "return.wzf"
        type_text(qtbot, giver.out, str(returned))
        type_text(qtbot, giver.passphrase, PASSPHRASE)
        type_text(qtbot, giver.again, PASSPHRASE)
        click(qtbot, giver.ok)
        qtbot.waitUntil(lambda: giver.result() == 1)
        assert returned.exists()
    finally:
        laptop_database.close()

    # back at the office: check, see the conflict side by side, take the field's value
    checkin = show(qtbot, CheckinDialog(office_engine, "clerk", window, inform=answers.inform))
    checkin.resize(1100, 500)
    assert not checkin.ok.isEnabled()  # 导入 only after 检查
    type_text(qtbot, checkin.package, str(returned))
    type_text(qtbot, checkin.passphrase, PASSPHRASE)
    click(qtbot, checkin.check_button)
    qtbot.waitUntil(lambda: checkin.checked is not None)
    assert "冲突：1" in checkin.summary.text() and "新增：1（走访记录1）" in checkin.summary.text()
    row = [checkin.conflicts.item(0, c).text() for c in range(7)]
    assert row[2:] == [
        "双方都修改了同一项",
        "备注",
        "（空）",
        "办公室：已核实",
        "外勤：户主外出务工",
    ]
    checkin.grab().save(str(tmp_path / "checkin.png"))
    assert visits_of(office_engine, households[0]) == visits_before  # the check wrote nothing
    choice = checkin.choices[1]
    choice.setCurrentIndex(choice.findData("field"))
    click(qtbot, checkin.ok)
    qtbot.waitUntil(lambda: checkin.imported is not None)
    assert checkin.imported.taken_from_field == 1 and checkin.imported.added["visit"] == 1
    with office_engine.connect() as conn:
        notes = conn.scalar(select(Household.notes).where(Household.id == households[1]))
    assert notes == "外勤：户主外出务工"
    assert visits_of(office_engine, households[0]) == visits_before + 1
