"""Letters: templates, batch printing with records, numbering, statuses and signatures."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.core.progress import run_to_end
from app.core.registers import RegisterQuery
from app.core.settings import save_profile
from app.core.validation import ValidationError
from app.letters.printing import (
    LetterRegister,
    change_status,
    print_letters_job,
    reprint_letters,
    select_employees,
    select_households,
    sign_letter,
)
from app.letters.templates import (
    current_template,
    default_text,
    save_template,
    template_errors,
)
from db.engine import unit_of_work
from db.models import Employee, Grid, Household, Letter, LetterTemplate, Unit

ROOT = Path(__file__).resolve().parent.parent
RARE = ["王喆", "李堃", "张昇", "赵犇", "钱淼", "孙䶮"]


def png(width: int = 40, height: int = 20) -> bytes:
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QColor, QImage, QPainter, QPen

    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    painter.setPen(QPen(QColor("black"), 2))
    painter.drawLine(2, 2, width - 2, height - 2)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


def pdfs(folder: Path) -> list[Path]:
    """PDFs and half-written parts in a folder (the database files live there too)."""
    return [p for p in folder.iterdir() if ".pdf" in p.name]


@pytest.fixture
def town(engine):
    save_profile(
        engine, {"township_name": "清溪镇", "issuing_office": "清溪镇反电信网络诈骗分中心"}
    )
    with unit_of_work(engine) as s:
        village = Unit(name="白鹤村", kind="village")
        other = Unit(name="青山村", kind="village")
        school = Unit(name="中心小学", kind="school")
        s.add_all([village, other, school])
        s.flush()
        grid = Grid(village_id=village.id, name="第一网格")
        s.add(grid)
        s.flush()
        homes = [
            Household(
                village_id=village.id,
                grid_id=grid.id,
                address=f"白鹤村{i + 1}号",
                head_name=name,
                size=3,
                phone="13812345678",
                head_id_number="330122199001011234",
            )
            for i, name in enumerate(RARE)
        ]
        homes.append(Household(village_id=other.id, address="青山村1号", head_name="周七"))
        s.add_all(homes)
        s.add_all([Employee(unit_id=school.id, name=f"教师{i}", post="教师") for i in range(3)])
        s.flush()
        return {"homes": [h.id for h in homes], "village": village.id}


def test_default_templates_are_valid_and_errors_are_named():
    for kind in ("notice", "commitment_household", "commitment_employee"):
        assert template_errors(kind, default_text(kind)) == []
    errors = template_errors(
        "notice", "标题：告知书\n尊敬的{户主姓名户主\n{单位}你好\n[印章]\n[回执"
    )
    assert errors == [
        "第2行的花括号{}不成对",
        "第3行有未知的占位符“{单位}”，可用的有：户主姓名、地址、村居、网格、身份证号、电话、家庭人数、编号、日期、乡镇、发文机关、诈骗类型",
        "第4行有未知的标记“[印章]”，可用的有：落款、签名、二维码、回执",
        "第5行的方括号[]不成对",
    ]
    assert template_errors("notice", "告知书")[0] == "第1行应为“标题：……”"
    assert template_errors("notice", "标题：告知书\n致张\U00030ede户") == [
        "第2行的字符“\U00030ede”（U+30EDE）在所有可用字体中都没有字形"
    ]


def test_edits_make_new_versions_and_old_letters_keep_theirs(engine, town, tmp_path):
    first = current_template(engine, "notice")
    out = tmp_path / "a.pdf"
    run_to_end(print_letters_job(engine, "notice", town["homes"][:1], out))
    with pytest.raises(ValidationError):
        save_template(engine, "notice", "标题：新告知书\n{不存在}")
    second = save_template(
        engine, "notice", "标题：新版告知书\n尊敬的{户主姓名}：请安装国家反诈中心APP。"
    )
    assert second.version == first.version + 1
    assert current_template(engine, "notice").id == second.id
    with unit_of_work(engine) as s:
        letter = s.scalars(select(Letter)).one()
        assert letter.template_id == first.id
        assert s.query(LetterTemplate).filter_by(kind="notice", is_current=True).count() == 1
    reprint = tmp_path / "reprint.pdf"
    reprint_letters(engine, [letter.id], reprint)
    text = PdfReader(reprint).pages[0].extract_text()
    assert "防范电信网络诈骗告知书" in text and "新版" not in text


def test_a_batch_is_one_pdf_one_page_a_letter_with_records(engine, town, tmp_path):
    ids = select_households(engine, "notice", village="白鹤村")
    assert len(ids) == len(RARE)
    out = tmp_path / "告知书.pdf"
    result = run_to_end(print_letters_job(engine, "notice", ids, out, "clerk"))
    reader = PdfReader(out)
    assert result.letters == result.pages == len(reader.pages) == len(RARE)
    assert len(set(result.numbers)) == len(RARE)
    for page, name, number in zip(reader.pages, RARE, result.numbers, strict=True):
        text = page.extract_text()
        assert name in text and number in text.replace("\n", "")
        assert "330122199001011234" not in text  # masked by default
        for font in page["/Resources"]["/Font"].values():
            assert "/FontFile2" in font.get_object()["/FontDescriptor"].get_object()
    with unit_of_work(engine) as s:
        letters = s.scalars(select(Letter).order_by(Letter.id)).all()
    assert [x.status for x in letters] == ["printed"] * len(RARE)
    assert all(x.template_id for x in letters)
    again = run_to_end(print_letters_job(engine, "notice", ids[:1], out))
    assert again.numbers[0] > result.numbers[-1]  # numbers are never reused


def test_cancelled_or_failed_batch_leaves_nothing(engine, town, tmp_path):
    out = tmp_path / "批量.pdf"
    job = print_letters_job(engine, "notice", town["homes"], out)
    next(job)
    next(job)
    job.close()
    assert pdfs(tmp_path) == []
    with unit_of_work(engine) as s:
        s.add(Household(village_id=town["village"], address="X号", head_name="张\U00030ede"))
        s.add(Household(village_id=town["village"], address="Y号", head_name=" "))
    with pytest.raises(ValidationError) as caught:
        run_to_end(print_letters_job(engine, "notice", select_households(engine, "notice"), out))
    assert "住户“白鹤村Y号”没有户主姓名" in str(caught.value)
    rare = select_households(engine, "notice")[-2]
    job = print_letters_job(engine, "notice", [town["homes"][0], rare], out)
    next(job)  # refused before the first letter is drawn, naming the character and the record
    with pytest.raises(ValidationError) as caught:
        next(job)
    assert "告知书：住户张𰻞（X号）的“户主姓名”中有字符“𰻞”（U+30EDE）" in str(caught.value)
    assert pdfs(tmp_path) == []
    with unit_of_work(engine) as s:
        assert s.scalars(select(Letter)).all() == []


def test_statuses_follow_the_paper(engine, town, tmp_path):
    out = tmp_path / "承诺书.pdf"
    result = run_to_end(print_letters_job(engine, "commitment_household", town["homes"][:3], out))
    with unit_of_work(engine) as s:
        ids = s.scalars(select(Letter.id).order_by(Letter.id)).all()
    change_status(engine, ids[:2], "delivered")
    with pytest.raises(ValidationError) as caught:
        change_status(engine, [ids[2], ids[2]], "void")
    assert "不能改为“作废”" in caught.value.errors[""]
    with unit_of_work(engine) as s:
        assert s.get(Letter, ids[2]).status == "printed"  # nothing half-written
    with pytest.raises(ValidationError):
        sign_letter(engine, ids[0], "王喆", date.today())  # neither pad nor scan
    with pytest.raises(ValidationError):
        sign_letter(engine, ids[0], "王喆", date.today() + timedelta(days=1), signature_png=png())
    sign_letter(engine, ids[0], "王喆", date.today(), signature_png=png())
    scan = tmp_path / "扫描.pdf"
    scan.write_bytes(b"%PDF-1.4\n%signed paper\n")
    sign_letter(engine, ids[1], "李堃", date.today(), scan=scan)
    not_image = tmp_path / "x.docx"
    not_image.write_bytes(b"PK\x03\x04 word")
    with pytest.raises(ValidationError) as caught:
        sign_letter(engine, ids[2], "张昇", date.today(), scan=not_image)
    assert "不是图片（PNG、JPEG）或PDF" in caught.value.errors[""]
    huge = tmp_path / "手机照片.jpg"
    with huge.open("wb") as f:
        f.write(b"\xff\xd8\xff")
        f.truncate(200 * 1024 * 1024)
    with pytest.raises(ValidationError) as caught:
        sign_letter(engine, ids[2], "张昇", date.today(), scan=huge)
    assert "超过20 MB" in caught.value.errors[""]
    with pytest.raises(ValidationError):
        change_status(engine, [ids[0]], "delivered")  # a signed letter is not delivered again
    unsigned = select_households(engine, "commitment_household", village="白鹤村", unsigned=True)
    assert town["homes"][0] not in unsigned and town["homes"][1] not in unsigned
    assert town["homes"][2] in unsigned
    register = LetterRegister(engine)
    assert register.count(RegisterQuery(filters={"status": "signed"})) == 2
    copy = tmp_path / "签字件.pdf"
    reprint_letters(engine, [ids[0]], copy)
    page = PdfReader(copy).pages[0]
    assert any(name.startswith("/") for name in page["/Resources"].get("/XObject", {}))
    assert result.letters == 3


def test_staff_letters_and_signing_marks_the_employee(engine, town, tmp_path):
    ids = select_employees(engine, "中心小学")
    out = tmp_path / "职工.pdf"
    result = run_to_end(print_letters_job(engine, "commitment_employee", ids, out))
    assert result.pages == 3
    assert "中心小学" in PdfReader(out).pages[0].extract_text()
    with unit_of_work(engine) as s:
        letter_id = s.scalar(select(Letter.id).where(Letter.employee_id == ids[0]))
    sign_letter(engine, letter_id, "教师0", date.today(), signature_png=png())
    assert select_employees(engine, "中心小学", unsigned=True) == ids[1:]
    with pytest.raises(ValidationError):
        select_employees(engine, "没有的单位")


def test_cli_prints_as_the_issue_says(engine, town, database_url, tmp_path):
    db = database_url.removeprefix("sqlite:///")

    def wuzha(*args):
        return subprocess.run(
            [sys.executable, "-m", "ui.entry", "--db", db, *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )

    out = tmp_path / "c.pdf"
    done = wuzha(
        "print",
        "commitments",
        "--village",
        "白鹤村",
        "--grid",
        "第一网格",
        "--unsigned",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert len(PdfReader(out).pages) == len(RARE)
    done = wuzha("print", "notices", "--out", str(tmp_path / "n.pdf"))
    assert done.returncode == 0 and "已打印 7 份" in done.stdout
    done = wuzha(
        "print", "staff-commitments", "--unit", "中心小学", "--out", str(tmp_path / "s.pdf")
    )
    assert done.returncode == 0 and "已打印 3 份" in done.stdout
    done = wuzha("print", "notices", "--village", "无此村", "--out", str(tmp_path / "x.pdf"))
    assert done.returncode == 1 and "没有名为“无此村”的村居" in done.stderr


def test_a_visit_marks_the_households_letters_in_its_own_transaction(engine, town, tmp_path):
    from app.letters.printing import household_letters, mark_household_letter

    home = town["homes"][0]
    with unit_of_work(engine) as s, pytest.raises(ValidationError) as caught:
        mark_household_letter(s, home, "notice", "delivered", date.today())
    assert "还没有打印过告知书" in caught.value.errors[""]
    run_to_end(print_letters_job(engine, "notice", [home], tmp_path / "n.pdf"))
    run_to_end(print_letters_job(engine, "commitment_household", [home], tmp_path / "c.pdf"))
    with unit_of_work(engine) as s:
        number = mark_household_letter(s, home, "notice", "delivered", date.today())
        assert mark_household_letter(s, home, "notice", "delivered", date.today()) == number
        mark_household_letter(s, home, "commitment_household", "signed", date.today(),
                              signer="王喆")  # fmt: skip
        letters = household_letters(s, home)
    assert [(x.kind, x.status) for x in letters] == [
        ("commitment_household", "signed"),
        ("notice", "delivered"),
    ]
    assert letters[1].number == number and letters[1].label.endswith("（已送达）")
    with unit_of_work(engine) as s, pytest.raises(ValidationError):
        mark_household_letter(s, home, "commitment_household", "refused", date.today())
    other = town["homes"][1]
    run_to_end(print_letters_job(engine, "notice", [other], tmp_path / "n2.pdf"))
    with pytest.raises(ValidationError), unit_of_work(engine) as s:
        mark_household_letter(s, other, "notice", "delivered", date.today())
        raise ValidationError({"visited_on": "走访日期不能晚于今天"})  # the visit fails
    with unit_of_work(engine) as s:
        assert household_letters(s, other)[0].status == "printed"  # rolled back with it
    # the paper was collected on the visit; its scan is attached afterwards
    scan = tmp_path / "签字件.jpg"
    scan.write_bytes(b"\xff\xd8\xff\xe0 photo")
    sign_letter(engine, letters[0].id, "王喆", date.today(), scan=scan)
    with unit_of_work(engine) as s:
        signed = s.get(Letter, letters[0].id)
        assert signed.status == "signed" and signed.scan_attachment_id
        assert signed.delivered_on == date.today()
    with pytest.raises(ValidationError):
        sign_letter(engine, letters[0].id, "王喆", date.today(), signature_png=png())


def test_the_signed_copy_of_a_scan_is_the_scan(engine, town, tmp_path):
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QColor, QImage

    from app.letters.printing import export_signed_copy

    run_to_end(
        print_letters_job(engine, "commitment_household", town["homes"][:3], tmp_path / "c.pdf")
    )
    with unit_of_work(engine) as s:
        ids = s.scalars(select(Letter.id).order_by(Letter.id)).all()
    paper = tmp_path / "扫描.pdf"
    paper.write_bytes(b"%PDF-1.4\n%the signed paper\n")
    sign_letter(engine, ids[0], "王喆", date.today(), scan=paper)
    image = QImage(300, 420, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPG")
    photo = tmp_path / "手机拍照.jpg"
    photo.write_bytes(bytes(buffer.data()))
    sign_letter(engine, ids[1], "李堃", date.today(), scan=photo)
    sign_letter(engine, ids[2], "张昇", date.today(), signature_png=png())
    out = tmp_path / "copy.pdf"
    assert export_signed_copy(engine, ids[0], out) == "签字件扫描件（扫描.pdf）"
    assert out.read_bytes() == paper.read_bytes()
    assert export_signed_copy(engine, ids[1], out) == "签字件照片（手机拍照.jpg）"
    page = PdfReader(out).pages[0]
    assert "签字件" in page.extract_text() and page["/Resources"]["/XObject"]
    assert export_signed_copy(engine, ids[2], out) == "签名板签名的文书"
    assert "张昇" in PdfReader(out).pages[0].extract_text()


def test_the_number_is_on_the_letter_without_receipt_or_qr(engine, town, tmp_path):
    from app.letters.templates import LetterOptions

    out = tmp_path / "承诺书.pdf"
    bare = LetterOptions(receipt=False, qr_code=False)
    result = run_to_end(
        print_letters_job(engine, "commitment_household", town["homes"][:2], out, options=bare)
    )
    for page, number in zip(PdfReader(out).pages, result.numbers, strict=True):
        assert f"编号：{number}" in page.extract_text()
        assert "回执" not in page.extract_text()
    qr_only = LetterOptions(receipt=False, qr_code=True)
    run_to_end(print_letters_job(engine, "notice", town["homes"][:1], out, options=qr_only))
    (page,) = PdfReader(out).pages
    assert "回执" not in page.extract_text()
    assert page.get_contents().get_data().count(b" re") > 100  # the code's modules
