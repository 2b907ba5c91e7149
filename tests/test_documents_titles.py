"""Titles: "\\n" breaks a title where its caller says; a title that wraps by itself keeps its
words whole, balances its lines and never leaves one or two characters alone."""

from __future__ import annotations

from pypdf import PdfReader

from app.documents import Document, default_fonts, render_pdf
from app.documents.layout import TextLine, layout_document


def title_lines(doc: Document) -> list[str]:
    """The title's lines: the lines drawn at the title size on the first page."""
    (page, *_) = layout_document(doc, default_fonts())
    size = doc.page_style.title_size
    return [i.text for i in page.items if isinstance(i, TextLine) and i.size == size]


def test_a_title_breaks_where_its_caller_says(tmp_path):
    doc = Document(style="official").title("关于调整\n领导小组成员的通知").paragraph("正文")
    assert title_lines(doc) == ["关于调整", "领导小组成员的通知"]
    out = tmp_path / "通知.pdf"
    render_pdf(doc, out)
    reader = PdfReader(out)
    assert reader.metadata.title == "关于调整领导小组成员的通知"
    assert reader.pages[0].extract_text().splitlines()[:2] == ["关于调整", "领导小组成员的通知"]


def test_a_long_title_wraps_between_words():
    doc = Document(style="official").title("关于2024年10月全镇反电信网络诈骗工作情况的通报")
    assert title_lines(doc) == ["关于2024年10月全镇", "反电信网络诈骗工作情况的通报"]
    doc = Document(style="official").title(
        "清溪镇反电信网络诈骗工作领导小组2024年第三季度工作会议纪要"
    )
    assert title_lines(doc) == ["清溪镇反电信网络诈骗工作领导小组", "2024年第三季度工作会议纪要"]


def test_a_wrapped_title_is_balanced_and_leaves_no_character_alone():
    # 21 characters: a line holds 20, so filling the first line would leave one alone
    text = "镇反电信网络诈骗分中心组织网格员和民警逐户"
    lines = title_lines(Document(style="official").title(text))
    assert "".join(lines) == text
    assert len(lines) == 2
    assert min(len(line) for line in lines) >= 3
    assert abs(len(lines[0]) - len(lines[1])) <= 3


def test_a_title_that_fits_stays_on_one_line():
    doc = Document(style="official").title("2025年打击治理电信网络诈骗联席会议纪要")
    assert title_lines(doc) == ["2025年打击治理电信网络诈骗联席会议纪要"]
