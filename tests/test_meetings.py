"""Meetings: attendance rules, decisions, the quarter question, the minutes PDF and the tab."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from qt_input import click
from sqlalchemy import select

from app.core.registers import RegisterQuery
from app.core.settings import save_profile
from app.core.validation import ValidationError
from app.documents.numerals import chinese_number
from app.meetings.decisions import (
    DecisionRegister,
    DecisionService,
    open_decisions_before,
    review_decision,
)
from app.meetings.minutes import find_meeting, print_minutes
from app.meetings.register import (
    AttendanceRow,
    MeetingService,
    attendance,
    save_attendance,
)
from db.engine import unit_of_work
from db.models import MeetingDecision, Person, Unit

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def town(engine):
    save_profile(
        engine, {"township_name": "清溪镇", "issuing_office": "清溪镇反电信网络诈骗分中心"}
    )
    with unit_of_work(engine) as s:
        units = [
            Unit(name=n, kind=k, sort_order=i)
            for i, (n, k) in enumerate(
                [
                    ("清溪镇平安办", "institution"),
                    ("清溪派出所", "police"),
                    ("白鹤村", "village"),
                    ("中心小学", "school"),
                ]
            )
        ]
        outsider = Unit(name="外来企业", kind="enterprise", is_member=False)
        chair = Person(name="王喆", post="镇党委副书记")
        s.add_all([*units, outsider, chair])
        s.flush()
        ids = {u.name: u.id for u in [*units, outsider]}
        ids["chair"] = chair.id
    return ids


def _meeting(engine, town, **extra):
    values = {
        "kind": "quarterly",
        "title": "2024年第三季度反诈分中心工作例会",
        "held_at": datetime(2024, 9, 26, 9, 0),
        "place": "镇政府三楼会议室",
        "chair_id": town["chair"],
        "agenda": "通报发案情况\n部署入户走访",
        **extra,
    }
    return MeetingService(engine, "clerk").create(values)


def test_chinese_numbers():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 21, 99)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十一",
        "九十九",
    ]


def test_attendance_only_for_members_once_and_substitutes_named(engine, town):
    meeting = _meeting(engine, town)
    rows = attendance(engine, meeting)
    assert [r.unit_name for r in rows] == ["清溪镇平安办", "清溪派出所", "白鹤村", "中心小学"]
    assert all(r.status is None for r in rows)
    bad = AttendanceRow(town["外来企业"], "外来企业", "present", "", "", False)
    with pytest.raises(ValidationError) as caught:
        save_attendance(engine, meeting, [bad])
    assert "不是成员单位" in next(iter(caught.value.errors.values()))
    nameless = AttendanceRow(town["白鹤村"], "白鹤村", "present", " ", "", True)
    with pytest.raises(ValidationError) as caught:
        save_attendance(engine, meeting, [nameless])
    assert "请填写参会人姓名" in next(iter(caught.value.errors.values()))
    assert all(r.status is None for r in attendance(engine, meeting))  # nothing half-written
    save_attendance(
        engine,
        meeting,
        [
            AttendanceRow(town["清溪镇平安办"], "清溪镇平安办", "present", "李建国", "主任", False),
            AttendanceRow(town["清溪派出所"], "清溪派出所", "present", "张堃", "副所长", True),
            AttendanceRow(town["白鹤村"], "白鹤村", "excused", "", "", False),
            AttendanceRow(town["中心小学"], "中心小学", "observer", "赵淼", "校长", False),
        ],
    )
    stored = {r.unit_name: (r.status, r.attendee_name) for r in attendance(engine, meeting)}
    assert stored["清溪派出所"] == ("present", "张堃")
    save_attendance(engine, meeting, [AttendanceRow(town["白鹤村"], "白鹤村", None, "", "", False)])
    assert {r.unit_name: r.status for r in attendance(engine, meeting)}["白鹤村"] is None


def test_decisions_need_an_owner_and_are_numbered(engine, town):
    meeting = _meeting(engine, town)
    service = DecisionService(engine, meeting, "clerk")
    with pytest.raises(ValidationError) as caught:
        service.create({"text": "补访未走访住户"})
    assert caught.value.errors == {"owner_unit_id": "责任单位不能为空"}
    first = service.create(
        {"text": "补访未走访住户", "owner_unit_id": town["白鹤村"], "due_on": date(2024, 10, 31)}
    )
    second = service.create({"text": "开展电话回访抽查", "owner_unit_id": town["清溪镇平安办"]})
    with unit_of_work(engine) as s:
        seqs = dict(s.execute(select(MeetingDecision.id, MeetingDecision.seq)).all())
    assert (seqs[first], seqs[second]) == (1, 2)
    later = _meeting(
        engine, town, kind="special", title="专题会", held_at=datetime(2024, 11, 5, 14)
    )
    assert [d[0] for d in open_decisions_before(engine, later)] == [first, second]
    review_decision(engine, first, later, "done", "已补访23户")
    assert [d[0] for d in open_decisions_before(engine, later)] == [second]
    # the follow-up list reads meeting by meeting, each in its own numbering
    DecisionService(engine, later).create({"text": "专题会事项", "owner_unit_id": town["白鹤村"]})
    rows = DecisionRegister(engine).fetch(RegisterQuery(), 0, 10)
    assert [(r.values[0], r.values[1]) for r in rows] == [
        ("2024年第三季度反诈分中心工作例会", 1), ("2024年第三季度反诈分中心工作例会", 2),
        ("专题会", 1),
    ]  # fmt: skip
    backwards = DecisionRegister(engine).fetch(RegisterQuery(sort_key="seq"), 0, 10)
    assert [r.values[1] for r in backwards] == [1, 1, 2]


def test_a_second_quarterly_meeting_is_asked_not_refused(engine, town):
    _meeting(engine, town)
    service = MeetingService(engine)
    values = {"kind": "quarterly", "title": "补开", "held_at": datetime(2024, 8, 1, 9)}
    assert "本季度已经召开过季度例会" in service.question(values, None)
    assert service.question({**values, "held_at": datetime(2024, 10, 8, 9)}, None) is None
    assert service.question({**values, "kind": "special"}, None) is None
    service.create(values)  # allowed once the clerk says yes


def test_minutes_list_every_attendee_under_the_right_line_and_number_decisions(
    engine, town, tmp_path
):
    meeting = _meeting(engine, town)
    save_attendance(
        engine,
        meeting,
        [
            AttendanceRow(town["清溪镇平安办"], "清溪镇平安办", "present", "李建国", "主任", False),
            AttendanceRow(town["清溪派出所"], "清溪派出所", "present", "张堃", "副所长", True),
            AttendanceRow(town["白鹤村"], "白鹤村", "excused", "", "", False),
            AttendanceRow(town["中心小学"], "中心小学", "observer", "赵淼", "校长", False),
        ],
    )
    service = DecisionService(engine, meeting)
    for n in range(11):
        service.create({"text": f"议定事项内容{n + 1}", "owner_unit_id": town["白鹤村"]})
    out = tmp_path / "纪要.pdf"
    pages = print_minutes(engine, meeting, out)
    reader = PdfReader(out)
    assert pages == len(reader.pages)
    # the page's text without its page number (— 1 —), which may come out mid-sentence
    text = re.sub(r"— \d+ —", "", "".join(p.extract_text() for p in reader.pages))
    text = text.replace("\n", "")
    assert "清溪镇反电信网络诈骗工作领导小组2024年第三季度工作会议纪要" in text
    title = reader.pages[0].extract_text().splitlines()[:2]
    assert title == ["清溪镇反电信网络诈骗工作领导小组", "2024年第三季度工作会议纪要"]
    assert "镇党委副书记王喆在镇政府三楼会议室主持召开" in text
    for n in range(1, 12):
        assert f"{chinese_number(n)}、议定事项内容{n}" in text
    present, excused, observer = text.index("出席："), text.index("请假："), text.index("列席：")
    assert present < text.index("李建国") < text.index("张堃") < excused
    assert excused < text.index("白鹤村", excused) < observer < text.index("赵淼")
    assert "张堃（清溪派出所副所长，代）" in text
    assert "2024年9月26日" in text and "清溪镇反电信网络诈骗分中心" in text


def test_cli_prints_minutes_by_id_or_date(engine, town, database_url, tmp_path):
    meeting = _meeting(engine, town)
    assert find_meeting(engine, "2024-09-26") == meeting
    with pytest.raises(ValidationError):
        find_meeting(engine, "2024-09-27")
    _meeting(engine, town, kind="special", title="专题会", held_at=datetime(2024, 9, 26, 15))
    with pytest.raises(ValidationError) as caught:
        find_meeting(engine, "2024-09-26")
    assert "有2次会议" in str(caught.value)
    db = database_url.removeprefix("sqlite:///")
    out = tmp_path / "m.pdf"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ui.entry",
            "--db",
            db,
            "print",
            "minutes",
            str(meeting),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert out.exists() and "已生成会议纪要" in done.stdout
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ui.entry",
            "--db",
            db,
            "print",
            "minutes",
            "2024-09-26",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and "有2次会议" in done.stderr


def test_the_tab_records_a_meeting_from_start_to_minutes(qtbot, engine, town, tmp_path):
    from ui.register.form_dialog import FormDialog
    from ui.tabs.meetings.meetings_tab import MeetingsTab

    _meeting(engine, town)
    questions, opened = [], []
    out = tmp_path / "纪要.pdf"
    tab = MeetingsTab(
        engine,
        "clerk",
        ask=lambda _p, _t, q: questions.append(q) or True,
        ask_pdf=lambda *_: str(out),
        open_file=opened.append,
    )
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    meetings = tab.meetings
    click(qtbot, meetings.add_button)
    dialog: FormDialog = meetings.dialog
    dialog.set_values(
        {
            "kind": "quarterly",
            "title": "第三季度补充例会",
            "held_at": datetime(2024, 9, 28, 9, 30),
            "place": "会议室",
        }
    )
    click(qtbot, dialog.save_button)
    assert questions and "本季度已经召开过季度例会" in questions[0]
    assert meetings.model.count == 2
    assert meetings.selected_id() is not None
    tab.attendance.mark_rest_present()
    click(qtbot, tab.attendance.save_button)
    assert tab.attendance.message.text() == "已保存"
    click(qtbot, tab.decisions.add_button)
    tab.decisions.dialog.set_values({"text": "十月底前完成补访", "owner_unit_id": town["白鹤村"]})
    click(qtbot, tab.decisions.dialog.save_button)
    assert tab.decisions.model.count == 1
    click(qtbot, tab.print_button)
    qtbot.waitUntil(lambda: opened == [str(out)], timeout=10000)
    text = PdfReader(out).pages[0].extract_text()
    assert "一、十月底前完成补访" in text.replace("\n", "")


def test_minutes_attendance_lines_are_bold_indented_and_aligned(engine, town):
    """GB/T 9704 10.3: 出席 two characters in, in 黑体, a full-width colon, the names after it
    in the body face, wrapped lines starting under the first name."""
    from app.documents import OFFICIAL, default_fonts
    from app.documents.layout import TextLine, layout_document
    from app.meetings.minutes import minutes_document, read_minutes

    meeting = _meeting(engine, town)
    with unit_of_work(engine) as s:
        extra = [
            Unit(name=f"第{n}成员单位", kind="institution", sort_order=10 + n) for n in range(30)
        ]
        s.add_all(extra)
        s.flush()
        extra = [(u.id, u.name) for u in extra]
    save_attendance(
        engine,
        meeting,
        [AttendanceRow(uid, name, "present", f"参会人{n}", "主任", False)
         for n, (uid, name) in enumerate(extra)]
        + [AttendanceRow(town["白鹤村"], "白鹤村", "excused", "", "", False)],
    )  # fmt: skip
    fonts = default_fonts()
    pages = layout_document(minutes_document(read_minutes(engine, meeting), "分中心"), fonts)
    lines = [i for page in pages for i in page.items if isinstance(i, TextLine)]
    present = next(n for n, line in enumerate(lines) if line.text.startswith("\u3000\u3000出席："))
    excused = next(n for n, line in enumerate(lines) if line.text.startswith("\u3000\u3000请假："))
    assert excused - present > 3  # the names took several lines
    left, pitch = OFFICIAL.left, OFFICIAL.pitch_x
    label = lines[present]
    assert label.text == "\u3000\u3000出席：" and label.runs[0].x == pytest.approx(left)
    assert all(r.face == fonts.face_for("heading", "出") for r in label.runs)  # 黑体
    names = lines[present + 1 : excused]
    assert names[0].y == label.y  # the names start on the label's line, after the colon
    names_x = left + 5 * pitch  # 　　出席： takes five characters of the grid
    for line in names:
        assert line.runs[0].x == pytest.approx(names_x, abs=0.5)
        assert line.runs[0].face != fonts.face_for("heading", "出")  # 仿宋, not 黑体
    text = "".join(line.text for line in names)
    assert all(f"参会人{n}（第{n}成员单位主任）" in text for n in range(30))
    assert lines[excused + 1].text == "白鹤村" and lines[excused + 1].y == lines[excused].y


def test_a_meeting_reviews_earlier_decisions_all_or_nothing(engine, town):
    from app.meetings.decisions import review_items, save_reviews

    earlier = _meeting(engine, town, held_at=datetime(2024, 6, 20, 9), title="二季度例会")
    service = DecisionService(engine, earlier, "clerk")
    first = service.create({"text": "补访未走访住户", "owner_unit_id": town["白鹤村"]})
    second = service.create({"text": "开展电话回访", "owner_unit_id": town["清溪镇平安办"]})
    meeting = _meeting(engine, town)
    own = DecisionService(engine, meeting).create({"text": "本次", "owner_unit_id": town["白鹤村"]})
    assert [i.decision_id for i in review_items(engine, meeting)] == [first, second]
    with pytest.raises(ValidationError) as caught:
        save_reviews(engine, meeting, [(first, "done", "已补访"), (own, "done", "")])
    assert "只能审议以前会议" in caught.value.errors[str(own)]
    with pytest.raises(ValidationError):
        save_reviews(engine, earlier, [(first, "done", "")])  # a meeting cannot review itself
    assert {i.status for i in review_items(engine, meeting)} == {"open"}  # nothing half-saved
    save_reviews(engine, meeting, [(first, "done", "已补访23户"), (second, "in_progress", "")])
    items = {i.decision_id: i for i in review_items(engine, meeting)}
    assert items[first].status == "done" and items[first].reviewed_here  # still listed here
    assert open_decisions_before(engine, meeting) == [
        (second, "二季度例会", "开展电话回访", "清溪镇平安办")
    ]


def test_the_tab_reviews_earlier_decisions_into_the_minutes(qtbot, engine, town, tmp_path):
    from ui.tabs.meetings.meetings_tab import MeetingsTab

    earlier = _meeting(engine, town, held_at=datetime(2024, 6, 20, 9), title="二季度例会")
    DecisionService(engine, earlier).create(
        {"text": "补访未走访住户", "owner_unit_id": town["白鹤村"]}
    )
    meeting = _meeting(engine, town)
    out, opened = tmp_path / "纪要.pdf", []
    tab = MeetingsTab(engine, "clerk", ask_pdf=lambda *_: str(out), open_file=opened.append)
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    tab.meetings.select_id(meeting)
    review = tab.review
    assert review.table.rowCount() == 1
    assert review.table.item(0, 2).text() == "补访未走访住户"
    review.status_box(0).setCurrentIndex(review.status_box(0).findData("done"))
    review.note_edit(0).setText("已补访23户")
    click(qtbot, review.save_button)
    assert review.message.text() == "已保存"
    qtbot.waitUntil(lambda: tab.all_decisions.model.count == 1)
    assert tab.all_decisions.model.data(tab.all_decisions.model.index(0, 5)) == "已完成"
    click(qtbot, tab.print_button)
    qtbot.waitUntil(lambda: opened == [str(out)], timeout=10000)
    text = "".join(p.extract_text() for p in PdfReader(out).pages).replace("\n", "")
    assert (
        "会议审议了以前议定事项的落实情况：二季度例会第一项“补访未走访住户”已完成（已补访23户）。"
        in text
    )


def test_the_tab_warns_when_a_quarter_ends_without_its_meeting(qtbot, engine, town):
    from ui.tabs.meetings.meetings_tab import MeetingsTab

    _meeting(engine, town)  # Q3 2024 had its meeting
    tab = MeetingsTab(engine, "clerk")
    qtbot.addWidget(tab)
    tab.show()
    tab.refresh_warning(date(2024, 12, 20))  # Q4: eleven days left, no quarterly meeting
    assert tab.warning.isVisible()
    assert tab.warning.text() == "本季度还剩11天，尚未召开季度例会"
    tab.refresh_warning(date(2024, 11, 1))  # too early to warn; Q3 was held
    assert not tab.warning.isVisible()
    tab.refresh_warning(date(2025, 1, 10))  # the quarter passed without it
    assert tab.warning.text() == "2024年第4季度没有召开季度例会"
    _meeting(engine, town, held_at=datetime(2024, 12, 22, 9))
    tab.refresh_warning(date(2024, 12, 23))
    assert not tab.warning.isVisible()
