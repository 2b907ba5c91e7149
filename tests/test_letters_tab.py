"""The 承诺书与告知书 tab: print a batch, sign on the pad, reprint, edit a template."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from qt_input import click, type_text
from sqlalchemy import select

from app.core.settings import save_profile
from db.engine import unit_of_work
from db.models import Employee, Household, Letter, Unit
from ui.tabs.letters.letters_tab import LettersTab
from ui.tabs.letters.print_dialog import PrintChoice


def choosing(kind: str, unit: str | None = None):
    """The print dialog as a clerk leaves it after choosing `kind` (and a unit)."""

    def choose(parent, villages, grids, units) -> PrintChoice:
        choice = PrintChoice(villages, grids, parent, units)
        choice.kind.setCurrentIndex(choice.kind.findData(kind))
        if unit:
            choice.unit.setCurrentIndex(choice.unit.findData(unit))
        assert choice.ok.isEnabled()
        return choice

    return choose


def pdfs(folder) -> list:
    """PDFs and half-written parts in a folder (the database files live there too)."""
    return [p for p in folder.iterdir() if ".pdf" in p.name]


@pytest.fixture
def tab(qtbot, engine, tmp_path):
    save_profile(
        engine, {"township_name": "清溪镇", "issuing_office": "清溪镇反电信网络诈骗分中心"}
    )
    with unit_of_work(engine) as s:
        village = Unit(name="白鹤村", kind="village")
        school = Unit(name="中心小学", kind="school")
        s.add_all([village, school])
        s.flush()
        s.add_all(
            [
                Household(village_id=village.id, address=f"{n}号", head_name=name)
                for n, name in enumerate(("王喆", "李堃", "张昇"))
            ]
        )
        s.add_all([Employee(unit_id=school.id, name=n, post="教师") for n in ("赵犇", "钱淼")])
    opened, messages = [], []
    tab = LettersTab(
        engine, "clerk",
        choose_print=choosing("commitment_household"),
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


def print_and_wait(qtbot, tab) -> None:
    tab.preview_window = None
    click(qtbot, tab.buttons["print"])
    qtbot.waitUntil(lambda: tab.preview_window is not None, timeout=10000)


def sign_on_pad(pad) -> None:
    """A wavy stroke across the pad, drawn with the mouse."""
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(40, 100))
    for x in range(45, 300, 15):
        QTest.mouseMove(pad, QPoint(x, 100 + (x // 15 % 3) * 12))
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(300, 110))


def test_print_sign_and_reprint_the_signed_copy(qtbot, tab, engine, tmp_path):
    print_and_wait(qtbot, tab)
    window = tab.preview_window
    assert "已打印3份承诺书（住户）（3页）" in window.note.text()
    assert window.label.text() == "第 1 / 3 页"
    click(qtbot, window.open_button)
    assert tab.opened == [str(tmp_path / "out.pdf")]
    assert len(PdfReader(tmp_path / "out.pdf").pages) == 3
    window.close()
    assert tab.letters.model.count == 3
    tab.letters.select_id(tab.letters.model.row(0).id)
    click(qtbot, tab.buttons["sign"])
    dialog = tab.dialog
    click(qtbot, dialog.save_button)
    assert dialog.isVisible() and "还没有签名" in dialog.error.text()  # an empty pad is refused
    with unit_of_work(engine) as s:
        assert s.scalars(select(Letter).where(Letter.status == "signed")).all() == []
    sign_on_pad(dialog.pad)
    assert not dialog.pad.is_empty()
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible()
    with unit_of_work(engine) as s:
        signed = s.scalars(select(Letter).where(Letter.status == "signed")).one()
        assert signed.signature_png.startswith(b"\x89PNG") and signed.signed_on == date.today()
    tab.letters.select_id(signed.id)
    click(qtbot, tab.buttons["reprint"])
    # the signature drawn on the pad is the picture on the signed copy: same size, inked where
    # the stroke went (y 100 to 124 of 160) and blank above it
    (picture,) = PdfReader(tmp_path / "out.pdf").pages[0].images
    image = picture.image.convert("LA")
    assert image.size == (dialog.pad.width(), dialog.pad.height())
    alpha = image.getchannel("A")
    assert alpha.crop((40, 95, 300, 130)).getbbox() is not None
    assert alpha.crop((0, 0, image.width, 60)).getbbox() is None
    tab.letters.select_id(signed.id)
    click(qtbot, tab.buttons["delivered"])
    assert "不能改为“已送达”" in tab.messages[-1][1]


def test_a_cancelled_batch_leaves_no_file_and_no_record(qtbot, tab, engine, tmp_path):
    with unit_of_work(engine) as s:
        village = s.scalar(select(Unit.id).where(Unit.name == "白鹤村"))
        s.add_all(
            Household(village_id=village, address=f"{n}号", head_name=f"王喆{n}")
            for n in range(3, 400)
        )
    click(qtbot, tab.buttons["print"])
    job = tab.job
    qtbot.waitUntil(
        lambda: job.last_progress is not None and job.last_progress.done > 0, timeout=10000
    )
    with qtbot.waitSignal(job.cancelled, timeout=10000):
        job.cancel()
    assert pdfs(tmp_path) == []
    with unit_of_work(engine) as s:
        assert s.scalars(select(Letter)).all() == []
    assert tab.preview_window is None


def test_bad_input_is_refused_before_anything_starts(qtbot, tab, engine, tmp_path):
    with unit_of_work(engine) as s:
        village = s.scalar(select(Unit.id).where(Unit.name == "白鹤村"))
        s.add(Household(village_id=village, address="9号", head_name="张\U00030ede"))
        s.add(Household(village_id=village, address="10号", head_name=""))
    click(qtbot, tab.buttons["print"])
    title, message = tab.messages[-1]
    assert title == "无法打印" and tab.job is None
    assert "住户“白鹤村10号”没有户主姓名" in message
    assert pdfs(tmp_path) == []


def test_staff_letters_print_from_the_tab(qtbot, tab, tmp_path):
    tab.choose_print = choosing("commitment_employee", "中心小学")
    print_and_wait(qtbot, tab)
    reader = PdfReader(tmp_path / "out.pdf")
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) == 2 and "赵犇" in texts[0] and "钱淼" in texts[1]
    assert all("中心小学" in text for text in texts)
    assert tab.letters.model.count == 2


def test_a_scan_is_attached_with_its_signer_and_date(qtbot, tab, engine, tmp_path):
    print_and_wait(qtbot, tab)
    tab.preview_window.close()
    tab.letters.select_id(tab.letters.model.row(0).id)
    files = iter(["x.docx", "huge.jpg", "paper.pdf"])
    (tmp_path / "x.docx").write_bytes(b"PK\x03\x04 a word file")
    with (tmp_path / "huge.jpg").open("wb") as f:
        f.write(b"\xff\xd8\xff")
        f.truncate(200 * 1024 * 1024)
    (tmp_path / "paper.pdf").write_bytes(b"%PDF-1.4\n%signed\n")
    tab.ask_scan_file = lambda _parent: str(tmp_path / next(files))
    click(qtbot, tab.buttons["scan"])
    dialog = tab.dialog
    click(qtbot, dialog.save_button)
    assert "请选择" in dialog.error.text()
    for expected in ("不是图片（PNG、JPEG）或PDF文件", "超过20 MB"):
        dialog.browse()
        click(qtbot, dialog.save_button)
        assert dialog.isVisible() and expected in dialog.error.text()
    dialog.browse()
    dialog.signer.setText("")
    type_text(qtbot, dialog.signer, "王喆")
    dialog.signed_on.set_value(date(2024, 3, 5))
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible()
    with unit_of_work(engine) as s:
        letter = s.scalars(select(Letter).where(Letter.status == "signed")).one()
        assert (letter.signer_name, letter.signed_on) == ("王喆", date(2024, 3, 5))
    tab.letters.select_id(letter.id)
    click(qtbot, tab.buttons["reprint"])
    assert (tmp_path / "out.pdf").read_bytes() == b"%PDF-1.4\n%signed\n"


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


def test_preview_and_direct_printing_show_the_letter(qtbot, tab, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from ui.document_preview import paint_to_printer

    print_and_wait(qtbot, tab)
    tab.preview_window.close()
    tab.letters.select_id(tab.letters.model.row(1).id)
    click(qtbot, tab.buttons["preview"])
    window = tab.preview_window
    assert window.label.text() == "第 1 / 1 页"
    lines = [i.text for i in window.preview.page.items if hasattr(i, "runs")]
    assert any("李堃" in line for line in lines)
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "qt.pdf"))
    paint_to_printer(printer, list(window.pages) * 2)
    reader = PdfReader(io.BytesIO((tmp_path / "qt.pdf").read_bytes()))
    assert len(reader.pages) == 2 and "李堃" in reader.pages[0].extract_text()
    window.close()
