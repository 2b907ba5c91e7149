"""The 导入住户花名册 dialog driven as a clerk drives it: file, columns, preview, import, report."""

from __future__ import annotations

import threading

import openpyxl
from PySide6.QtWidgets import QComboBox
from sqlalchemy import func, select

from db.engine import unit_of_work
from db.models import Household, Unit
from tests.qt_input import click
from tests.test_household_import import WANG, build_messy_roster, seed_village
from ui.imports import roster_dialog as dialog_module
from ui.imports.roster_dialog import (
    PAGE_COLUMNS,
    PAGE_PREVIEW,
    PAGE_RESULT,
    HouseholdImportDialog,
)


class Answers:
    """Stands in for the message boxes: records every question and message."""

    def __init__(self, *answers: bool) -> None:
        self.answers = list(answers)
        self.questions: list[str] = []
        self.messages: list[str] = []

    def ask(self, _parent, _title, text) -> bool:
        self.questions.append(text)
        return self.answers.pop(0)

    def inform(self, _parent, _title, text) -> None:
        self.messages.append(text)


def households(engine) -> int:
    with unit_of_work(engine) as session:
        return session.scalar(select(func.count()).select_from(Household))


def make_dialog(qtbot, engine, answers, tmp_path):
    dialog = HouseholdImportDialog(
        engine,
        "clerk",
        ask=answers.ask,
        inform=answers.inform,
        ask_open_path=lambda *_: None,
        ask_save_path=lambda _p, _t, name: str(tmp_path / name),
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def mapping_of(dialog) -> dict[str, str]:
    table = dialog.columns_table
    chosen = {}
    for row in range(table.rowCount()):
        box = table.cellWidget(row, 3)
        assert isinstance(box, QComboBox)
        chosen[table.item(row, 1).text()] = box.currentText()
    return chosen


def test_a_messy_roster_from_file_to_report(qtbot, engine, tmp_path):
    seed_village(engine)
    file = build_messy_roster(tmp_path / "白鹤村.xlsx")
    answers = Answers(True, True)  # create the new village and grids; import
    dialog = make_dialog(qtbot, engine, answers, tmp_path)
    dialog.path_edit.setText(str(file))
    dialog.grab().save(str(tmp_path / "file.png"))
    click(qtbot, dialog.next_button)
    assert dialog.pages.currentIndex() == PAGE_COLUMNS
    assert mapping_of(dialog) == {
        "序号": "不导入",
        "村（居）": "村居",
        "网格": "网格",
        "姓名": "姓名",
        "身份证号": "身份证号码",
        "联系电话": "联系电话",
        "家庭住址": "地址",
        "人口数": "家庭人口",
        "重点人群": "重点人群",
        "备注": "备注",
    }
    assert "第4行是表头" in dialog.header_label.text()
    dialog.grab().save(str(tmp_path / "columns.png"))

    click(qtbot, dialog.next_button)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == PAGE_PREVIEW, timeout=10_000)
    assert "导入 10 行，已更新 0 行，跳过 1 行，拒绝 5 行（其中规范化 7 行）" in (
        dialog.preview_summary.text()
    )
    assert "新丰村" in dialog.preview_summary.text()
    assert dialog.preview_model.rowCount() == 16
    dialog.preview_status.setCurrentIndex(dialog.preview_status.findData("rejected"))
    assert dialog.preview_model.rowCount() == 5
    assert WANG not in str(dialog.preview_model.rows)  # masked
    dialog.preview_status.setCurrentIndex(0)
    dialog.grab().save(str(tmp_path / "preview.png"))
    assert households(engine) == 1  # the preview wrote nothing

    click(qtbot, dialog.next_button)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == PAGE_RESULT, timeout=20_000)
    assert "新丰村" in answers.questions[0] and "确定导入" in answers.questions[1]
    assert dialog.wrote and households(engine) == 11
    assert "新增 10 户" in dialog.result_summary.text()
    dialog.grab().save(str(tmp_path / "result.png"))
    save = next(
        b for b in dialog.findChildren(type(dialog.next_button)) if b.text() == "保存逐行结果…"
    )
    click(qtbot, save)
    report = openpyxl.load_workbook(tmp_path / "花名册导入结果.xlsx")["导入结果"]
    assert report.max_row == 17 and report["B2"].value == "导入"


def test_refusing_new_places_imports_the_rest(qtbot, engine, tmp_path):
    seed_village(engine)
    file = build_messy_roster(tmp_path / "roster.xlsx")
    answers = Answers(False, True)
    dialog = make_dialog(qtbot, engine, answers, tmp_path)
    dialog.path_edit.setText(str(file))
    click(qtbot, dialog.next_button)
    click(qtbot, dialog.next_button)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == PAGE_PREVIEW, timeout=10_000)
    click(qtbot, dialog.next_button)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == PAGE_RESULT, timeout=20_000)
    assert households(engine) == 1 + 8
    with unit_of_work(engine) as session:
        assert session.scalars(select(Unit.name)).all() == ["白鹤村"]


def test_the_clerks_column_choice_is_remembered(qtbot, engine, tmp_path):
    file = tmp_path / "export.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["住户名", "公民号", "地点"])
    workbook.active.append(["张三", WANG, "桃源村1组1号"])
    workbook.save(file)
    answers = Answers()
    dialog = make_dialog(qtbot, engine, answers, tmp_path)
    dialog.path_edit.setText(str(file))
    click(qtbot, dialog.next_button)
    assert set(mapping_of(dialog).values()) == {"不导入"}
    click(qtbot, dialog.next_button)  # nothing says which column is the name
    assert "姓名" in answers.messages[-1] and dialog.pages.currentIndex() == PAGE_COLUMNS
    for row, label in enumerate(("姓名", "身份证号码", "地址")):
        box = dialog.columns_table.cellWidget(row, 3)
        box.setCurrentIndex(box.findText(label))
    click(qtbot, dialog.next_button)
    assert "村居" in answers.messages[-1]  # no village column and none chosen
    dialog.village_box.setCurrentText("桃源村")
    click(qtbot, dialog.next_button)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == PAGE_PREVIEW, timeout=10_000)
    assert dialog.preview_model.rows[0][:3] == (2, "导入", "张三")

    again = make_dialog(qtbot, engine, Answers(), tmp_path)
    again.path_edit.setText(str(file))
    click(qtbot, again.next_button)
    assert mapping_of(again) == {"住户名": "姓名", "公民号": "身份证号码", "地点": "地址"}


def test_unreadable_file_is_explained_and_cancel_writes_nothing(
    qtbot, engine, tmp_path, monkeypatch
):
    seed_village(engine)
    answers = Answers(True, True)
    dialog = make_dialog(qtbot, engine, answers, tmp_path)
    locked = tmp_path / "加密.xlsx"
    locked.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le")
    )
    dialog.path_edit.setText(str(locked))
    click(qtbot, dialog.next_button)
    assert "设置了打开密码" in answers.messages[-1]

    gate = threading.Event()
    started = threading.Event()
    real_import = dialog_module.import_households

    def import_held_at_its_first_step(*args, **kwargs):
        job = real_import(*args, **kwargs)
        yield next(job)
        started.set()
        gate.wait(10)  # the clerk closes the window here
        return (yield from job)

    monkeypatch.setattr(dialog_module, "import_households", import_held_at_its_first_step)
    dialog.path_edit.setText(str(build_messy_roster(tmp_path / "roster.xlsx")))
    click(qtbot, dialog.next_button)
    click(qtbot, dialog.next_button)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == PAGE_PREVIEW, timeout=10_000)
    click(qtbot, dialog.next_button)
    assert started.wait(10) and dialog.job is not None
    dialog.reject()  # closing the window while importing cancels the job
    gate.set()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)
    assert answers.messages[-1] == "已取消，没有写入任何数据。"
    assert households(engine) == 1 and not dialog.wrote and dialog.isVisible()
