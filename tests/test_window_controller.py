"""Opening databases from the GUI: refusals keep the current one, a switch releases the old lock."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from app.storage.database import open_database
from db.sqlite_file import DatabaseLock
from ui import application
from ui.main_window import WindowController


@pytest.fixture
def warnings(monkeypatch):
    shown = []

    def record(_parent, title, text, *_args, **_kwargs):
        shown.append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", record)
    monkeypatch.setattr(QMessageBox, "critical", record)
    return shown


@pytest.fixture
def controller(qtbot, tmp_path):
    controller = WindowController(open_database(tmp_path / "first.sqlite"), user="clerk")
    qtbot.addWidget(controller.window)
    yield controller
    controller.close()


def test_switching_opens_the_new_database_and_releases_the_old(qtbot, controller, tmp_path):
    first_path = controller.database.path
    second = tmp_path / "second.sqlite"
    controller.switch_to(second)
    qtbot.addWidget(controller.window)
    assert controller.database.path == second
    assert str(second) in controller.window.windowTitle()
    with DatabaseLock(first_path):  # the first file is free again
        pass


def test_a_file_that_is_not_a_database_keeps_the_current_one(controller, tmp_path, warnings):
    current = controller.database
    bogus = tmp_path / "表格.xlsx"
    bogus.write_bytes(b"PK\x03\x04 not sqlite")
    controller.switch_to(bogus)
    assert controller.database is current
    assert warnings and "不是无诈台账的数据库" in warnings[0][1]


def test_new_database_never_overwrites_a_file(controller, tmp_path, warnings):
    existing = tmp_path / "旧台账.sqlite"
    existing.write_bytes(b"keep me")
    controller.create_and_switch(existing)
    assert existing.read_bytes() == b"keep me"
    assert "不会覆盖" in warnings[0][1]


def test_gui_start_on_a_locked_database_explains_and_exits(qtbot, tmp_path, warnings):
    path = tmp_path / "busy.sqlite"
    holder = open_database(path)
    try:
        assert application.run_gui(path) == 1
    finally:
        holder.close()
    assert warnings == [("无法打开数据库", warnings[0][1])]
    assert "另一个无诈台账窗口" in warnings[0][1]


def test_opening_a_database_makes_its_daily_backup(qtbot, controller):
    folder = controller.database.path.parent / "backups"
    qtbot.waitUntil(lambda: len(list(folder.glob("*自动备份*"))) == 1)
