"""Letters keep what they were printed with: a reprint or signed copy says what the paper said;
a signature must have ink."""

from __future__ import annotations

import json
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from test_letters import png, town  # noqa: F401 - the letters' township fixture

from app.core.progress import run_to_end
from app.core.settings import save_profile
from app.core.validation import ValidationError
from app.letters.printing import letter_documents, print_letters_job, reprint_letters, sign_letter
from app.letters.templates import save_template
from db.engine import unit_of_work
from db.models import FraudType, Household, Letter


def _text(path) -> str:
    return "".join(p.extract_text() for p in PdfReader(path).pages).replace("\n", "")


def _fraud_types(engine, names: list[str]) -> None:
    """Only `names` active, in that order (the migration seeded a list already)."""
    with unit_of_work(engine) as s:
        rows = {row.name: row for row in s.scalars(select(FraudType))}
        for row in rows.values():
            row.active = False
        for order, name in enumerate(names):
            row = rows.get(name) or FraudType(name=name)
            row.active, row.sort_order = True, order
            s.add(row)


TEMPLATE = (
    "标题：{乡镇}防范电信网络诈骗告知书\n> 尊敬的{户主姓名}户主（身份证号{身份证号}）：\n"
    "{发文机关}提醒您警惕{诈骗类型}等诈骗。\n[落款]"
)


def test_a_reprint_says_what_the_paper_said(engine, town, tmp_path):  # noqa: F811
    _fraud_types(engine, ["刷单返利", "虚假投资理财"])
    save_template(engine, "notice", TEMPLATE)
    home = town["homes"][0]
    out = tmp_path / "告知书.pdf"
    result = run_to_end(print_letters_job(engine, "notice", [home], out, today=date(2025, 3, 5)))
    first = _text(out)
    assert "刷单返利、虚假投资理财" in first and "王喆" in first
    assert "清溪镇防范电信网络诈骗告知书" in first and "330122********1234" in first
    # afterwards the office, the township, the list and the household all change
    save_profile(engine, {"township_name": "白鹤镇", "issuing_office": "白鹤镇综治中心"})
    _fraud_types(engine, ["游戏装备交易"])
    with unit_of_work(engine) as s:
        household = s.get(Household, home)
        household.head_name, household.head_id_number = "王二", "330122199202021234"
        letter = s.scalars(select(Letter)).one()
        stored = json.loads(letter.printed_values)
    assert stored["诈骗类型"] == "刷单返利、虚假投资理财"
    assert stored["户主姓名"] == "王喆" and stored["编号"] == result.numbers[0]
    assert stored["身份证号"] == "330122********1234"  # as printed: masked
    assert stored["日期_date"] == "2025-03-05"
    again = tmp_path / "重印.pdf"
    reprint_letters(engine, [letter.id], again, full_numbers=True)
    text = _text(again)
    assert "刷单返利、虚假投资理财" in text and "游戏装备交易" not in text
    assert "王喆" in text and "王二" not in text
    assert "清溪镇反电信网络诈骗分中心" in text and "白鹤镇综治中心" not in text
    assert "清溪镇防范电信网络诈骗告知书" in text and "白鹤镇" not in text
    assert "2025年3月5日" in text and "330122********1234" in text
    assert "330122199001011234" not in text and "330122199202021234" not in text
    # the signed copy too
    sign_letter(engine, letter.id, "王喆", date.today(), signature_png=png())
    (doc,) = letter_documents(engine, [letter.id])
    paragraphs = " ".join(getattr(b, "text", "") for b in doc.blocks)
    assert "刷单返利、虚假投资理财" in paragraphs and "游戏装备交易" not in paragraphs


def test_a_letter_printed_with_full_numbers_keeps_them(engine, town, tmp_path):  # noqa: F811
    home = town["homes"][1]
    save_template(engine, "notice", TEMPLATE)
    out = tmp_path / "告知书.pdf"
    run_to_end(print_letters_job(engine, "notice", [home], out, full_numbers=True))
    with unit_of_work(engine) as s:
        letter = s.scalars(select(Letter)).one()
    assert json.loads(letter.printed_values)["身份证号"] == "330122199001011234"
    again = tmp_path / "重印.pdf"
    reprint_letters(engine, [letter.id], again)
    assert "330122199001011234" in _text(again)


def test_letters_printed_before_0011_are_filled_anew(engine, town, tmp_path):  # noqa: F811
    _fraud_types(engine, ["刷单返利"])
    out = tmp_path / "告知书.pdf"
    run_to_end(print_letters_job(engine, "notice", town["homes"][:1], out))
    with unit_of_work(engine) as s:
        letter = s.scalars(select(Letter)).one()
        letter.printed_values = None  # as every letter printed before the column existed
    _fraud_types(engine, ["游戏装备交易"])
    again = tmp_path / "重印.pdf"
    reprint_letters(engine, [letter.id], again)
    text = _text(again)
    assert "游戏装备交易" in text and "刷单返利" not in text


def _blank_pngs(qtbot) -> dict[str, bytes]:
    from PySide6.QtCore import QBuffer, QIODevice, QPointF
    from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen

    from ui.tabs.letters.dialogs import SignaturePad

    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(420, 160)
    empty_pad = pad.png()  # nothing drawn: a transparent picture

    def picture(fill: int, draw=None) -> bytes:
        image = QImage(120, 60, QImage.Format.Format_ARGB32)
        image.fill(fill)
        if draw:
            painter = QPainter(image)
            painter.setPen(QPen(QColor("black"), 2.5))
            draw(painter)
            painter.end()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        return bytes(buffer.data())

    dot = QPainterPath(QPointF(30, 30))
    return {
        "empty pad": empty_pad,
        "white": picture(0xFFFFFFFF),
        "pale": picture(0xFFF0F0F0),
        "a dot": picture(0x00000000, lambda p: p.drawPath(dot) or p.drawPoint(30, 30)),
    }


def test_a_blank_signature_is_refused(engine, town, tmp_path, qtbot):  # noqa: F811
    out = tmp_path / "承诺书.pdf"
    run_to_end(print_letters_job(engine, "commitment_household", town["homes"][:1], out))
    with unit_of_work(engine) as s:
        letter_id = s.scalar(select(Letter.id))
    for what, blank in _blank_pngs(qtbot).items():
        with pytest.raises(ValidationError) as caught:
            sign_letter(engine, letter_id, "王喆", date.today(), signature_png=blank)
        assert caught.value.errors[""] == "签名板上还没有签名，请签名后再保存", what
    with unit_of_work(engine) as s:
        letter = s.get(Letter, letter_id)
        assert (letter.status, letter.signature_png) == ("printed", None)  # nothing written
    sign_letter(engine, letter_id, "王喆", date.today(), signature_png=png())
    with unit_of_work(engine) as s:
        assert s.get(Letter, letter_id).status == "signed"
