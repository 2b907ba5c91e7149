"""Line breaking in a 公文: numbers, units, dates and document numbers never split across lines,
while the grid (28 characters a line) and the punctuation rules hold."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from app.documents import OFFICIAL, Document, default_fonts, render_pdf
from app.documents.breaking import UNIFORM_SQUEEZE
from app.documents.layout import (
    NO_END,
    NO_START,
    Measurer,
    TextLine,
    break_lines,
    clusters,
    layout_document,
)

# Each must come out on one line, wherever the line happens to end.
WHOLE = (
    "8月29日",
    "30,172.00元",
    "2024年3月5日",
    "〔2024〕17号",
    "96110",
    "2.5%",
    "12.25万元",
    "1—10月",
    "30余人",
    "9时30分",
    "330122********1234",
)
FILLER = "镇反电信网络诈骗分中心组织网格员和民警逐户走访宣传"


def _measurer() -> Measurer:
    return Measurer(default_fonts(), "测试")


def _split_inside(lines: list[str], token: str) -> list[str]:
    """The occurrences of `token` in the joined lines that a line break cuts."""
    text = "".join(lines)
    ends, at = set(), 0
    for line in lines[:-1]:
        at += len(line)
        ends.add(at)
    cut, start = [], text.find(token)
    while start >= 0:
        if any(start < end < start + len(token) for end in ends):
            cut.append(f"{text[max(0, start - 4) : start]}[{token}]")
        start = text.find(token, start + 1)
    return cut


@pytest.mark.parametrize("token", WHOLE)
def test_a_number_its_unit_and_a_date_never_split(token):
    style = OFFICIAL
    space = style.pitch_x - style.body_size
    m = _measurer()
    # the token after every possible count of characters before it: some line ends in it
    for lead in range(1, 29):
        text = FILLER[:lead] + "，" + token + "。" + FILLER
        width = style.text_width
        lines = break_lines(m, "body", text, style.body_size, space, width, width)
        assert "".join(lines) == text
        assert _split_inside(lines, token) == [], lines
        for line in lines[1:]:
            assert line[0] not in NO_START, line
        for line in lines[:-1]:
            assert line[-1] not in NO_END, line


def test_clusters_keep_numbers_with_what_belongs_to_them():
    assert clusters("8月29日前完成") == ["8月29日", "前", "完", "成"]
    assert clusters("共30,172.00元，") == ["共", "30,172.00元，"]
    assert clusters("清反诈〔2024〕17号") == ["清", "反", "诈", "〔2024〕17号"]
    assert clusters("白鹤村3组12号") == ["白", "鹤", "村", "3组", "12号"]
    # a number before a word that is no unit still breaks after the number
    assert clusters("拨打96110或下载APP。") == ["拨", "打", "96110", "或", "下", "载", "APP。"]


def test_the_grid_holds_around_numbers():
    """A date that does not fit at a line's end is pushed in (the line's punctuation gives up
    its empty half, then each character a little) or, when that would take too much, goes to
    the next line; either way every line is flush at both edges of the text block."""
    text = (FILLER + "，于2025年4月17日前完成，") * 12
    doc = Document(style="official").paragraph(text, indent=False)
    (page, *_) = layout_document(doc, default_fonts())
    lines = [i for i in page.items if isinstance(i, TextLine)]
    style = doc.page_style
    for line in lines[:-1]:
        squeezed = style.pitch_x - style.body_size - UNIFORM_SQUEEZE * style.body_size
        assert line.char_space >= squeezed - 1e-9
        last = line.runs[-1]
        right = last.x + sum(last.face.width(c, line.size) + line.char_space for c in last.text)
        assert right == pytest.approx(style.left + style.text_width, abs=0.05), line.text
    assert _split_inside([line.text for line in lines], "2025年4月17日") == []


def test_minutes_never_break_a_due_date(tmp_path):
    """The minutes printed "…2025年4月17" at a line's end and "日前完成）" on the next."""
    from app.meetings.minutes import MinutesFacts, minutes_document

    facts = MinutesFacts(
        title="2025年打击治理电信网络诈骗联席会议纪要",
        meeting_title="2025年打击治理电信网络诈骗联席会议",
        held_at=datetime(2025, 2, 20, 9),
        kind="joint",
        place="镇政府三楼会议室",
        chair="党委副书记（政法委员）、分中心主任蔡慧婷",
        recorder="",
        agenda=[],
        body=[],
        decisions=[
            (
                2,
                "派出所每周推送一次预警劝阻名单，村（居）当日完成见面劝阻",
                "溪州市公安局清溪派出所",
                "2025年4月17日",
            ),
            (
                3,
                "金融机构落实柜面大额转账防骗提醒，每月报送劝阻情况",
                "溪州农商银行清溪支行",
                "2025年8月29日",
            ),
        ],
        attendance={"present": [], "excused": [], "observer": []},
    )
    out = tmp_path / "纪要.pdf"
    render_pdf(minutes_document(facts, "清溪镇反电信网络诈骗分中心"), out)
    lines = PdfReader(out).pages[0].extract_text().splitlines()
    assert _split_inside(lines, "2025年4月17日") == []
    assert _split_inside(lines, "2025年8月29日") == []
    assert not any(line.startswith("日") for line in lines)


@settings(max_examples=150, deadline=None)
@given(
    parts=st.lists(
        st.sampled_from(
            ["镇", "村", "走访", "，", "。", "、", "（", "）", "“", "”", "2024年3月5日", "8月29日",
             "30,172.00元", "2.5%", "〔2024〕17号", "96110", "12户", "APP", "　"]
        ),
        min_size=1,
        max_size=60,
    ),
    width=st.floats(min_value=200.0, max_value=442.2),
)  # fmt: skip
def test_any_text_breaks_by_the_rules(parts, width):
    # a character between parts, so that two numbers never run into one longer than a line
    text = "".join(p + "镇" for p in parts)
    m = _measurer()
    lines = break_lines(m, "body", text, 16.0, -0.2, width, width)
    assert "".join(lines) == text
    for line in lines[1:]:
        assert line[0] not in NO_START, lines
    for line in lines[:-1]:
        assert line[-1] not in NO_END, lines
    for token in ("2024年3月5日", "8月29日", "30,172.00元", "〔2024〕17号", "96110"):
        assert _split_inside(lines, token) == [], lines
