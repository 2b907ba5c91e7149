"""Pages: a signature (署名 and date) never stands alone at the top of a page; the last lines
of the text before it go along (GB/T 9704 7.3.5: the issuer and the text on one page)."""

from __future__ import annotations

from datetime import date

import pytest

from app.documents import Document, default_fonts
from app.documents.layout import TextLine, layout_document

# 28 characters without punctuation: one full line of the 公文 grid
LINE = "镇反电信网络诈骗分中心组织网格员和民警逐户走访宣传防范到"
assert len(LINE) == 28
ISSUER = "清溪镇反电信网络诈骗分中心"


def page_texts(doc: Document) -> list[list[str]]:
    return [
        [i.text for i in page.items if isinstance(i, TextLine)]
        for page in layout_document(doc, default_fonts())
    ]


@pytest.mark.parametrize("lines", [*range(17, 24), 41, 42, 43])
@pytest.mark.parametrize("spacer", [0.0, 1.0])
def test_a_signature_takes_the_last_lines_of_the_text_along(lines, spacer):
    body = "".join(f"{LINE[n % 28 :]}{LINE[: n % 28]}" for n in range(lines))
    doc = Document(style="official").paragraph(body, indent=False)
    if spacer:
        doc.spacer(spacer)
    doc.signature(ISSUER, date(2024, 3, 5))
    pages = page_texts(doc)
    last = pages[-1]
    assert last[-2:] == [ISSUER, "2024年3月5日"]
    assert len(last) >= 4, pages  # two lines of the text at least, then the signature
    text = "".join(line for page in pages for line in page)
    assert text == body + ISSUER + "2024年3月5日"  # nothing lost or repeated
    if len(pages) > 1:
        assert len(pages[0]) >= 2  # and nothing left alone behind


def test_a_short_paragraph_goes_whole_with_the_signature():
    filler = LINE * 19
    doc = (
        Document(style="official")
        .paragraph(filler, indent=False)
        .paragraph(LINE * 2 + "完。", indent=False)
    )
    doc.signature(ISSUER, None)
    pages = page_texts(doc)
    assert len(pages) == 2
    assert pages[1][:3] == [LINE, LINE, "完。"]
    assert len(pages[0]) == 19


@pytest.mark.parametrize("count", range(17, 31))
def test_a_table_before_a_signature_carries_its_last_row_and_header(count):
    doc = Document(style="official").paragraph(LINE * 3, indent=False)
    rows = [[str(n), f"第{n}村"] for n in range(1, count + 1)]
    doc.table(["序号", "村"], rows, widths=[1, 3]).signature(ISSUER, date(2024, 3, 5))
    pages = page_texts(doc)
    last = pages[-1]
    assert last[-2:] == [ISSUER, "2024年3月5日"]
    assert f"第{count}村" in last
    if len(pages) > 1:
        assert last[:2] == ["序号", "村"]  # the header repeats over the carried row


def test_the_imprint_sits_between_rules_at_the_foot_of_the_last_page():
    from reportlab.lib.units import mm

    from app.documents.layout import Rule

    style = Document(style="official").page_style
    doc = Document(style="official").paragraph(LINE * 30, indent=False)
    doc.imprint(ISSUER, date(2024, 3, 8), copies_to="溪州市反电信网络诈骗中心。")
    pages = layout_document(doc, default_fonts())
    assert len(pages) == 2
    items = pages[-1].items
    rules = sorted((i for i in items if isinstance(i, Rule)), key=lambda r: r.y1)
    bottom = style.page_height - style.top - style.text_height
    # the last rule on the text block's lower edge, thick; a thin one between; a thick one on top
    assert [round(r.width / mm, 2) for r in rules] == [0.35, 0.25, 0.35]
    assert rules[0].y1 == pytest.approx(bottom)
    assert all(r.x1 == style.left and r.x2 == style.left + style.text_width for r in rules)
    lines = {i.text: i for i in items if isinstance(i, TextLine)}
    issuer, issued = lines[ISSUER], lines["2024年3月8日印发"]
    assert rules[0].y1 < issuer.y == issued.y < rules[1].y1 < lines["抄送："].y < rules[2].y1
    size = 14.0  # 4号, one character in from each side
    assert issuer.size == issued.size == size
    assert issuer.runs[0].x == pytest.approx(style.left + size)
    last = issued.runs[-1]
    right = last.x + sum(last.face.width(c, size) for c in last.text)
    assert right == pytest.approx(style.left + style.text_width - size)


def test_minutes_end_with_their_imprint(tmp_path):
    from datetime import datetime

    from pypdf import PdfReader

    from app.documents import render_pdf
    from app.meetings.minutes import MinutesFacts, minutes_document

    facts = MinutesFacts(
        title="专题会纪要", meeting_title="专题会", held_at=datetime(2024, 9, 26, 9),
        kind="special", place="", chair="", recorder="", agenda=[], body=["会议研究了工作。"],
        decisions=[],
        attendance={"present": [], "excused": [], "observer": []},
    )  # fmt: skip
    out = tmp_path / "纪要.pdf"
    render_pdf(minutes_document(facts, ISSUER, issued_on=date(2024, 9, 27)), out)
    lines = PdfReader(out).pages[-1].extract_text().splitlines()
    assert [line.replace(" ", "") for line in lines if "印发" in line] == [
        f"{ISSUER}2024年9月27日印发"
    ]
