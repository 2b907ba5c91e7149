"""承诺书与告知书 → 批量导入签字件…: the preview of a scanned stack, driven as a clerk does."""

from __future__ import annotations

import os
from datetime import date, timedelta

import scan_stack
from qt_input import click, type_text

from db.engine import unit_of_work
from db.models import Letter
from ui.tabs.letters.letters_tab import LettersTab
from ui.tabs.letters.scan_import_dialog import COLUMNS, ScanImportDialog

built, ledger, snapshot = scan_stack.built, scan_stack.ledger, scan_stack.snapshot
PICTURES = os.environ.get("WUZHA_SCREENSHOTS")  # a folder: save what the clerk sees


def open_tab(qtbot, engine, files):
    messages = []
    tab = LettersTab(
        engine, "clerk", ask_batch_files=lambda _parent: [str(f) for f in files],
        inform=lambda _p, title, text: messages.append((title, text)), ask=lambda *_: True,
    )  # fmt: skip
    tab.messages = messages
    qtbot.addWidget(tab)
    tab.resize(1200, 700)
    tab.show()
    return tab


def preview(qtbot, tab) -> ScanImportDialog:
    click(qtbot, tab.buttons["scan_batch"])
    qtbot.waitUntil(lambda: isinstance(tab.dialog, ScanImportDialog), timeout=60000)
    return tab.dialog


def row(dialog: ScanImportDialog, index: int) -> dict[str, str]:
    return {name: dialog.table.item(index, c).text() for c, name in enumerate(COLUMNS)}


def test_the_clerk_types_a_number_skips_a_page_and_files_the_stack(qtbot, ledger):
    engine, stack, pdf, _ = ledger
    tab = open_tab(qtbot, engine, [pdf])
    dialog = preview(qtbot, tab)
    n = stack.numbers
    assert dialog.table.rowCount() == 12
    assert row(dialog, 0) == {
        "页": "扫描件.pdf 第1页", "编号": n["A"], "文书": "告知书 王喆户（白鹤村1号）",
        "现在状态": "已打印", "处理": "签回并存入签字件",
    }  # fmt: skip
    assert row(dialog, 4)["文书"] == "承诺书（住户） 吴八户（白鹤村8号）"
    assert row(dialog, 3)["处理"] == "空白页"
    assert row(dialog, 5)["处理"] == "未找到二维码，请输入编号或跳过"
    assert row(dialog, 9)["处理"] == f"编号{n['G']}已作废"
    assert row(dialog, 9)["现在状态"] == "作废"
    assert dialog.summary.text().startswith(
        "共12页：匹配6份，已导入过0页，无法识别1页，冲突4页，空白页1页，跳过0页"
    )
    assert dialog.picture.pixmap() is not None and not dialog.picture.pixmap().isNull()

    # the torn page: the clerk reads the number printed at its top and types it
    dialog.table.selectRow(5)
    type_text(qtbot, dialog.number, n["E"].lower())
    click(qtbot, dialog.use_button)
    assert row(dialog, 5)["编号"] == f"{n['E']}（手输）"
    assert row(dialog, 5)["处理"] == "签回并存入签字件"
    # page 2 is set aside, then page 3 skipped and taken back
    dialog.table.selectRow(1)
    click(qtbot, dialog.skip_button)
    assert row(dialog, 1)["处理"] == "已跳过" and dialog.skip_button.text() == "不跳过"
    dialog.table.selectRow(2)
    click(qtbot, dialog.skip_button)
    click(qtbot, dialog.skip_button)
    assert row(dialog, 2)["处理"] == "签回并存入签字件"
    day = date.today() - timedelta(days=3)
    dialog.signed_on.set_value(day)
    if PICTURES:
        dialog.table.selectRow(2)
        dialog.grab().save(os.path.join(PICTURES, "scan-import.png"))

    click(qtbot, dialog.apply_button)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=30000)
    assert tab.messages[-1] == (
        "批量导入签字件",
        "共12页：匹配6份，已导入过0页，无法识别0页，冲突4页，空白页1页，跳过1页。",
    )
    with unit_of_work(engine) as s:
        status = {k: s.get(Letter, i) for k, i in stack.letter_ids.items()}
        assert {k for k, letter in status.items() if letter.scan_attachment_id} == {
            "A", "C", "D", "E", "F", "I", "H"
        }  # fmt: skip
        assert status["B"].status == "printed"
        assert status["E"].signed_on == day


def test_closing_the_preview_writes_nothing_and_a_bad_file_is_a_plain_message(
    qtbot, ledger, tmp_path
):
    engine, _, pdf, _ = ledger
    before = snapshot(engine)
    tab = open_tab(qtbot, engine, [pdf])
    dialog = preview(qtbot, tab)
    dialog.reject()
    assert not dialog.isVisible()
    assert snapshot(engine) == before

    broken = tmp_path / "坏.pdf"
    broken.write_bytes(pdf.read_bytes()[:4000])
    tab = open_tab(qtbot, engine, [pdf, broken])
    tab.dialog = None
    click(qtbot, tab.buttons["scan_batch"])
    qtbot.waitUntil(lambda: bool(tab.messages), timeout=30000)
    assert tab.messages == [
        ("批量导入签字件", "“坏.pdf”已损坏或不是完整的PDF，无法打开，没有导入任何页面")
    ]
    assert tab.dialog is None
    assert snapshot(engine) == before
