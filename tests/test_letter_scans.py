"""Signed letters come back by the stack: a scanned stack made from the program's own letters
is read, every page filed to its letter, the bad pages reported, and nothing written on a
cancel, a refusal or a second import of the same scan."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import scan_stack
import zxingcpp
from PIL import Image, ImageFilter
from pypdf import PdfReader, PdfWriter
from sqlalchemy import func, select

from app.core.progress import run_to_end
from app.core.validation import ValidationError
from app.letters import scans
from app.letters.scan_filing import (
    ADD_SCAN,
    ALREADY,
    BLANK,
    CONFLICT,
    FILE,
    SKIP,
    SKIPPED,
    UNREADABLE,
    decide,
    default_signed_on,
    file_scans_job,
    look_up_letters,
    page_numbers,
    summarize,
)
from app.letters.scans import load_scans, read_scans_job
from db.engine import unit_of_work
from db.models import Attachment, Letter

ROOT = Path(__file__).resolve().parent.parent
built, ledger, snapshot = scan_stack.built, scan_stack.ledger, scan_stack.snapshot
# Page 6 (index 5) lost its receipt and code; the clerk types the number printed at its top.
TORN = 5


def codes_in(content: bytes, mime: str) -> list[str]:
    """The QR codes on a stored scan: a one-page PDF rendered, or the image itself."""
    if mime == "application/pdf":
        pdf = pdfium.PdfDocument(content)
        assert len(pdf) == 1
        image = pdf[0].render(scale=150 / 72, grayscale=True).to_pil()
        pdf.close()
    else:
        image = Image.open(io.BytesIO(content))
    smooth = image.convert("L").filter(ImageFilter.GaussianBlur(1))  # the scanner's speckle
    return [c.text for c in zxingcpp.read_barcodes(smooth)]


def test_every_page_of_the_scanned_stack_is_filed_to_its_letter(ledger):
    engine, stack, pdf, _ = ledger
    before = snapshot(engine)
    pages = run_to_end(read_scans_job([pdf]))
    assert [p.page_no for p in pages] == list(range(1, 13))
    # every page whose code survived is read as its own letter's number, skewed or upside down
    for page, number in zip(pages, stack.expected, strict=True):
        assert page.codes == ((number,) if number else ())
    assert [p.upside_down for p in pages] == [i in (2, 7, 11) for i in range(12)]
    assert [p.blank for p in pages] == [i == 3 for i in range(12)]

    book = look_up_letters(engine, page_numbers(pages, {}))
    decisions = decide(pages, book)
    n = stack.numbers
    assert [(d.outcome, d.reason) for d in decisions] == [
        (FILE, ""), (FILE, ""), (FILE, ""), (SKIP, BLANK), (FILE, ""), (SKIP, UNREADABLE),
        (FILE, ""), (SKIP, CONFLICT), (SKIP, CONFLICT), (SKIP, CONFLICT), (SKIP, CONFLICT),
        (FILE, ""),
    ]  # fmt: skip
    problems = {d.page.index: d.problem for d in decisions if d.problem}
    assert problems == {
        3: "空白页",
        5: "未找到二维码，请输入编号或跳过",
        7: "与第1页是同一份文书，这一页不导入",
        8: f"编号{n['other']}是另一个数据库（前缀{n['other'].split('-')[1]}）打印的文书，"
        "不属于本数据库",
        9: f"编号{n['G']}已作废",
        10: f"编号{n['H']}已签回，并且已有另一份签字件",
    }
    assert decisions[0].letter.addressee == "王喆户（白鹤村1号）"
    assert decisions[0].letter.status_label == "已打印"
    assert snapshot(engine) == before  # reading and deciding write nothing

    # the clerk types the torn page's number (as it is printed, with spaces) and files the batch
    signed_on = date.today() - timedelta(days=2)
    typed = {TORN: f" {n['E'].lower()} "}
    result = run_to_end(file_scans_job(engine, pages, typed, signed_on=signed_on, user="clerk"))
    assert result.summary.matched == 7
    assert (result.summary.conflicts, result.summary.blank, result.summary.unreadable) == (4, 1, 0)
    assert result.summary.text == (
        "共12页：匹配7份，已导入过0页，无法识别0页，冲突4页，空白页1页，跳过0页"
    )

    filed = {"A": 0, "B": 1, "C": 2, "D": 4, "E": TORN, "F": 6, "I": 11}
    with unit_of_work(engine) as s:
        for key, index in filed.items():
            letter = s.get(Letter, stack.letter_ids[key])
            assert (letter.status, letter.signed_on) == ("signed", signed_on), key
            scan = s.get(Attachment, letter.scan_attachment_id)
            assert (scan.owner_table, scan.owner_uuid) == ("letter", letter.uuid)
            assert scan.caption == f"批量导入签字件：扫描件.pdf 第{index + 1}页"
            assert scan.sha256 == pages[index].sha256
            # the page stored is the very page of that letter (the torn one has no code left)
            assert codes_in(bytes(scan.content), scan.mime_type) == (
                [] if key == "E" else [letter.number]
            )
        assert letter.signer_name == "郑九"
        assert s.get(Letter, stack.letter_ids["G"]).status == "void"
        h = s.get(Letter, stack.letter_ids["H"])
        assert s.get(Attachment, h.scan_attachment_id).file_name == "h-photo.png"
        assert s.scalar(select(func.count()).select_from(Attachment)) == before[1] + 7


def test_importing_the_same_scan_again_changes_nothing(ledger):
    engine, stack, pdf, _ = ledger
    first = run_to_end(read_scans_job([pdf]))
    run_to_end(file_scans_job(engine, first, {TORN: stack.numbers["E"]}))
    after_first = snapshot(engine)

    again = run_to_end(read_scans_job([pdf]))
    result = run_to_end(file_scans_job(engine, again, {TORN: stack.numbers["E"]}))
    assert result.summary.matched == 0
    assert result.summary.already == 7
    assert [d.outcome for d in result.decisions].count(ALREADY) == 7
    assert snapshot(engine) == after_first


def test_a_letter_signed_on_a_visit_takes_its_scan_and_keeps_its_date(ledger):
    engine, stack, pdf, _ = ledger
    visited = date.today() - timedelta(days=20)
    with unit_of_work(engine) as s:
        letter = s.get(Letter, stack.letter_ids["B"])
        letter.status, letter.signed_on, letter.signer_name = "signed", visited, "李堃"
    pages = run_to_end(read_scans_job([pdf]))
    result = run_to_end(file_scans_job(engine, pages, signed_on=date.today()))
    assert result.decisions[1].outcome == ADD_SCAN
    with unit_of_work(engine) as s:
        letter = s.get(Letter, stack.letter_ids["B"])
        assert (letter.signed_on, letter.scan_attachment_id is not None) == (visited, True)


def test_skipped_pages_and_a_duplicate_typed_number_are_not_filed(ledger):
    engine, stack, pdf, _ = ledger
    pages = run_to_end(read_scans_job([pdf]))
    book = look_up_letters(engine, page_numbers(pages, {TORN: stack.numbers["A"]}))
    decisions = decide(pages, book, {TORN: stack.numbers["A"]}, skipped={1})
    assert (decisions[1].outcome, decisions[1].reason, decisions[1].problem) == (
        SKIP, SKIPPED, "已跳过"
    )  # fmt: skip
    assert decisions[TORN].problem == "与第1页是同一份文书，这一页不导入"
    assert decisions[TORN].typed
    unknown = stack.numbers["A"][:-6] + "999999"
    book = look_up_letters(engine, [unknown])
    assert decide(pages, book, {TORN: unknown})[TORN].problem == (
        f"本数据库中没有编号为{unknown}的文书"
    )
    assert summarize(decisions).skipped == 1


def test_a_page_is_matched_by_its_one_letter_code_among_others():
    from app.letters.scan_filing import LetterBook, LetterOnFile
    from app.letters.scans import ScanFile, ScannedPage

    number = "GZ2026-7F3A-000123"
    letter = LetterOnFile(1, number, "notice", "printed", "王喆户（1号）", "王喆", False, None)
    book = LetterBook("7F3A", {number: letter})

    scan = ScanFile(Path("a.pdf"), "pdf", 3, date.today())

    def page(index: int, *codes: str) -> ScannedPage:
        return ScannedPage(index, scan, index + 1, codes, False, False, b"", str(index), 21 << 20)

    wechat = "https://u.wechat.com/abc"
    pages = [page(0, wechat, number), page(1, wechat), page(2, number, "CN2026-7F3A-000001")]
    decisions = decide(pages, book)
    assert decisions[0].number == number
    assert decisions[0].problem == "这一页超过20 MB，无法存为签字件，请降低扫描分辨率"
    assert decisions[1].problem == f"二维码“{wechat}”不是本程序打印的文书编号"
    assert decisions[2].problem == "一页上有2个二维码，无法确定是哪一份文书，请输入编号"


def test_cancelling_the_filing_writes_nothing(ledger):
    engine, stack, pdf, _ = ledger
    before = snapshot(engine)
    pages = run_to_end(read_scans_job([pdf]))
    job = file_scans_job(engine, pages, {TORN: stack.numbers["E"]})
    steps = [next(job) for _ in range(4)]  # three letters filed in the open transaction
    assert steps[-1].done == 3
    job.close()  # 取消
    assert snapshot(engine) == before


def test_a_scan_changed_after_the_preview_is_not_filed(ledger, tmp_path):
    engine, stack, pdf, _ = ledger
    before = snapshot(engine)
    copy = tmp_path / "扫描件.pdf"
    copy.write_bytes(pdf.read_bytes())
    pages = run_to_end(read_scans_job([copy]))
    # the clerk scans the stack again into the same file before pressing 导入
    stack.pages[1].copy().save(copy, "PDF", resolution=stack.dpi)
    with pytest.raises(ValidationError) as caught:
        run_to_end(file_scans_job(engine, pages))
    assert caught.value.errors[""] == (
        "“扫描件.pdf”在识别后被修改、替换或移走，请重新选择扫描件导入，没有导入任何页面"
    )
    copy.unlink()
    with pytest.raises(ValidationError, match="移走"):
        run_to_end(file_scans_job(engine, pages))
    assert snapshot(engine) == before


def test_a_letter_changed_after_the_preview_is_not_overwritten(ledger):
    from app.letters.printing import change_status

    engine, stack, pdf, _ = ledger
    pages = run_to_end(read_scans_job([pdf]))
    assert decide(pages, look_up_letters(engine, page_numbers(pages, {})))[1].outcome == FILE
    change_status(engine, [stack.letter_ids["B"]], "void")  # in another window, meanwhile
    result = run_to_end(file_scans_job(engine, pages))
    assert result.decisions[1].problem == f"编号{stack.numbers['B']}已作废"
    with unit_of_work(engine) as s:
        b = s.get(Letter, stack.letter_ids["B"])
        assert (b.status, b.scan_attachment_id) == ("void", None)


def test_the_stack_as_image_files_is_read_and_stored_as_scanned(ledger, tmp_path):
    engine, stack, _, _ = ledger
    images = stack.save_images(tmp_path / "png")
    old = date(2026, 3, 4)
    os.utime(images[0], (_timestamp(old), _timestamp(old)))  # a PNG has no date: its file's
    tiff = tmp_path / "stack.tiff"
    first, *more = (p.copy() for p in stack.pages[:3])  # fresh: the PDF's settings stay behind
    first.save(tiff, "TIFF", save_all=True, append_images=more)
    jpeg = tmp_path / "page.jpg"
    stack.pages[4].convert("RGB").save(jpeg, "JPEG", quality=80)

    pages = run_to_end(read_scans_job([*images, tiff, jpeg]))
    assert [p.codes[0] if p.codes else None for p in pages] == [
        *stack.expected, *stack.expected[:3], stack.expected[4]
    ]  # fmt: skip
    assert pages[0].scanned_on == old
    assert default_signed_on(pages) == date.today()
    # a PNG or JPEG is stored as the scanner wrote it; a frame of a TIFF as a PNG of its own
    stored = dict(load_scans([pages[0], pages[13], pages[-1]]))
    assert stored[pages[0]].content == images[0].read_bytes()
    assert stored[pages[0]].mime_type == "image/png"
    assert stored[pages[-1]].mime_type == "image/jpeg"
    assert stored[pages[13]].mime_type == "image/png" and pages[13].label == "stack.tiff 第2页"
    assert codes_in(stored[pages[13]].content, "image/png") == [stack.expected[1]]

    result = run_to_end(file_scans_job(engine, pages))
    assert result.summary.matched == 6  # A, B, C, D, F, I; their second copies are duplicates
    with unit_of_work(engine) as s:
        a = s.get(Letter, stack.letter_ids["A"])
        assert a.signed_on == old  # the day its page was scanned


def _timestamp(day: date) -> float:
    from datetime import datetime

    return datetime(day.year, day.month, day.day, 12).timestamp()


def _encrypted(source: Path, out: Path) -> Path:
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt("", "owner", algorithm="RC4-128")
    writer.write(out)
    return out


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda pdf, tmp: _encrypted(pdf, tmp / "加密.pdf"), "“加密.pdf”是加密的PDF"),
        (
            lambda pdf, tmp: _write(tmp / "坏.pdf", pdf.read_bytes()[:5000]),
            "“坏.pdf”已损坏或不是完整的PDF，无法打开",
        ),
        (
            lambda pdf, tmp: _write(tmp / "坏.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
            "“坏.png”无法解码，不是能识别的图片",
        ),
        (lambda pdf, tmp: _write(tmp / "名单.txt", "不是扫描件".encode()), "不是PDF或图片"),
        (
            lambda pdf, tmp: _huge(tmp / "巨大.png"),
            "“巨大.png”的图片太大（超过8000万像素），不是一页扫描件",
        ),
        (lambda pdf, tmp: _write(tmp / "空.pdf", b""), "“空.pdf”是空文件"),
        (lambda pdf, tmp: tmp / "不存在.pdf", "“不存在.pdf”无法读取"),
    ],
)
def test_a_bad_file_refuses_the_whole_batch(ledger, tmp_path, make, message):
    engine, _, pdf, _ = ledger
    before = snapshot(engine)
    bad = make(pdf, tmp_path)
    with pytest.raises(ValidationError) as caught:
        run_to_end(read_scans_job([pdf, bad]))
    assert message in caught.value.errors[""]
    assert caught.value.errors[""].endswith("没有导入任何页面")
    assert snapshot(engine) == before


def _huge(path: Path) -> Path:
    Image.new("1", (9000, 9000), 1).save(path)  # 81 million pixels, a few kilobytes
    return path


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_a_file_or_a_batch_over_the_limits_is_refused(ledger, monkeypatch):
    _, _, pdf, _ = ledger
    monkeypatch.setattr(scans, "MAX_SCAN_FILE_BYTES", pdf.stat().st_size - 1)
    with pytest.raises(ValidationError, match="超过"):
        scans.check_scan_files([pdf])
    monkeypatch.undo()
    monkeypatch.setattr(scans, "MAX_BATCH_PAGES", 20)
    assert len(scans.check_scan_files([pdf])) == 1
    with pytest.raises(ValidationError) as caught:
        scans.check_scan_files([pdf, pdf])
    assert (
        caught.value.errors[""]
        == "所选文件共有24页，一次最多导入20页，请分批导入，没有导入任何页面"
    )


def wuzha(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ui.entry", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_the_command_line_files_the_stack_and_a_dry_run_writes_nothing(ledger):
    engine, stack, pdf, path = ledger
    before = snapshot(engine)
    dry = wuzha("--db", str(path), "import", "signed", str(pdf), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "共12页：匹配6份，已导入过0页，无法识别1页，冲突4页，空白页1页，跳过0页" in dry.stdout
    assert "扫描件.pdf 第6页：未找到二维码，请输入编号或跳过" in dry.stdout
    assert "试运行：没有写入。" in dry.stdout
    assert snapshot(engine) == before

    day = date.today() - timedelta(days=1)
    run = wuzha("--db", str(path), "import", "signed", str(pdf), "--date", day.isoformat())
    assert run.returncode == 0, run.stderr
    assert "已签回并存入签字件 6 份。" in run.stdout
    with unit_of_work(engine) as s:
        assert s.get(Letter, stack.letter_ids["I"]).signed_on == day

    again = wuzha("--db", str(path), "import", "signed", str(pdf))
    assert "匹配0份，已导入过6页" in again.stdout

    broken = pdf.with_name("坏.pdf")
    broken.write_bytes(pdf.read_bytes()[:3000])
    refused = wuzha("--db", str(path), "import", "signed", str(pdf), str(broken))
    assert refused.returncode == 1
    assert "“坏.pdf”已损坏或不是完整的PDF" in refused.stderr
