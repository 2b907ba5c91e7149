"""The 承诺书与告知书 tab: print a batch, sign on the pad, reprint, edit a template."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from qt_input import click, type_text
from sqlalchemy import select

from app.settings import save_profile
from db.engine import unit_of_work
from db.models import Household, Letter, Unit
from ui.letter_dialogs import PrintChoice
from ui.tabs.letters_tab import LettersTab


def commitments(parent, villages, grids) -> PrintChoice:
    """The print dialog as a clerk leaves it after choosing 承诺书（住户）."""
    choice = PrintChoice(villages, grids, parent)
    choice.kind.setCurrentIndex(choice.kind.findData("commitment_household"))
    return choice


@pytest.fixture
def tab(qtbot, engine, tmp_path):
    save_profile(
        engine, {"township_name": "清溪镇", "issuing_office": "清溪镇反电信网络诈骗分中心"}
    )
    with unit_of_work(engine) as s:
        village = Unit(name="白鹤村", kind="village")
        s.add(village)
        s.flush()
        s.add_all(
            [
                Household(village_id=village.id, address=f"{n}号", head_name=name)
                for n, name in enumerate(("王喆", "李堃", "张昇"))
            ]
        )
    opened, messages = [], []
    tab = LettersTab(
        engine, "clerk",
        choose_print=commitments,
        ask_pdf=lambda _p, _t, suggested: str(tmp_path / "out.pdf"),
        open_file=opened.append,
        inform=lambda _p, t, m: messages.append((t, m)),
        ask=lambda *_: True,
    )  # fmt: skip
    tab.opened, tab.messages = opened, messages
    qtbot.addWidget(tab)
    tab.resize(1200, 700)
    tab.show()
    return tab


def test_print_sign_and_reprint_the_signed_copy(qtbot, tab, engine, tmp_path):
    click(qtbot, tab.buttons["print"])
    qtbot.waitUntil(lambda: tab.opened == [str(tmp_path / "out.pdf")], timeout=10000)
    assert len(PdfReader(tmp_path / "out.pdf").pages) == 3
    assert tab.letters.model.count == 3
    tab.letters.select_id(tab.letters.model.row(0).id)
    click(qtbot, tab.buttons["sign"])
    dialog = tab.dialog
    click(qtbot, dialog.save_button)
    assert dialog.isVisible() and "还没有签名" in dialog.error.text()  # an empty pad is refused
    pad = dialog.pad
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(40, 100))
    for x in range(45, 300, 15):
        QTest.mouseMove(pad, QPoint(x, 100 + (x // 15 % 3) * 12))
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(300, 110))
    assert not pad.is_empty()
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible()
    with unit_of_work(engine) as s:
        signed = s.scalars(select(Letter).where(Letter.status == "signed")).one()
        assert signed.signature_png.startswith(b"\x89PNG") and signed.signed_on == date.today()
    tab.letters.select_id(signed.id)
    click(qtbot, tab.buttons["reprint"])
    page = PdfReader(tmp_path / "out.pdf").pages[0]
    assert page["/Resources"]["/XObject"]  # the signature image is on the signed copy
    tab.letters.select_id(signed.id)
    click(qtbot, tab.buttons["delivered"])
    assert "不能改为“已送达”" in tab.messages[-1][1]


def test_template_edits_show_in_the_preview(qtbot, tab):
    click(qtbot, tab.buttons["templates"])
    editor = tab.dialog
    assert editor.preview.page is not None
    lines = [i.text for i in editor.preview.page.items if hasattr(i, "runs")]
    assert lines[:2] == ["编号：GZ2026-0000-000001", "防范电信网络诈骗告知书"]
    editor.text.setPlainText("标题：关于安装国家反诈中心APP的告知书\n")
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    type_text(qtbot, editor.text, "请{户主姓名}户主安装。")
    editor.refresh_preview()
    lines = [i.text for i in editor.preview.page.items if hasattr(i, "runs")]
    assert lines[1] == "关于安装国家反诈中心APP的告知书" and "请王喆户主安装。" in lines
    type_text(qtbot, editor.text, "{未知}")
    editor.refresh_preview()
    assert editor.preview.page is None and "未知的占位符" in editor.error.text()
    assert not editor.save_button.isEnabled()
    editor.grab().save("/tmp/template_editor.png")


def test_preview_and_direct_printing_show_the_letter(qtbot, tab, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from ui.document_preview import paint_to_printer

    click(qtbot, tab.buttons["print"])
    qtbot.waitUntil(lambda: tab.letters.model.count == 3, timeout=10000)
    tab.letters.select_id(tab.letters.model.row(1).id)
    click(qtbot, tab.buttons["preview"])
    window = tab.preview_window
    assert window.label.text() == "第 1 / 1 页"
    lines = [i.text for i in window.preview.page.items if hasattr(i, "runs")]
    assert any("李堃" in line for line in lines)
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "qt.pdf"))
    paint_to_printer(printer, window.pages * 2)
    assert len(PdfReader(tmp_path / "qt.pdf").pages) == 2
    window.close()
