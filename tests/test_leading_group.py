"""The leading group: seats with history, reordering, and the roster PDF read back with pypdf."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.core.registers import RegisterQuery
from app.core.validation import ValidationError
from app.org.leading_group import GroupService, MemberRegister, MemberService, move_member
from app.org.leading_roster import print_roster, read_roster, roster_document, spread
from db.engine import unit_of_work
from db.models import LeadingGroupMember, Person

ROOT = Path(__file__).resolve().parent.parent
SEATS = [
    ("leader", "徐学军", "党委副书记、镇长"),
    ("executive_deputy", "王维维", "党委副书记（政法）"),
    ("deputy", "钟书辰", "平安办主任"),
    ("deputy", "周峰", "白鹤派出所所长"),
    ("deputy", "詹陈豪", "赵屯派出所所长"),
    ("member", "王喆", "党群办主任"),
    ("member", "李堃", "经发办主任"),
    ("office_director", "钟书辰", "平安办主任（兼）"),
]


@pytest.fixture
def group(engine):
    group_id = GroupService(engine, "clerk").create(
        {"name": "白鹤镇打击治理电信网络新型违法犯罪工作领导小组", "office_location": "平安办"}
    )
    service = MemberService(engine, group_id, "clerk")
    start = date.today() - timedelta(days=400)
    ids = [
        service.create(
            {"group_role": role, "name": name, "post": post, "started_on": start,
             "mobile": f"1380000000{n}"}
        )
        for n, (role, name, post) in enumerate(SEATS)
    ]  # fmt: skip
    return group_id, ids


def pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    return "".join(page.extract_text() for page in reader.pages)


def test_the_roster_pdf_names_every_member_and_post(engine, group, tmp_path):
    out = tmp_path / "名单.pdf"
    pages = print_roster(engine, out)
    reader = PdfReader(out)
    assert pages == len(reader.pages) == 1
    text = pdf_text(out)
    flat = text.replace("\n", "")
    assert "白鹤镇打击治理电信网络新型违法犯罪工作领导小组名单" in flat
    for role, name, post in SEATS:
        if role != "office_director":
            assert f"{name}" in text and post in text, (name, post)
    for label in ("组　　　长：", "常务副组长：", "副　组　长：", "成　　　员："):
        assert label in text
    assert "领导小组下设办公室，办公室设在平安办，由平安办主任钟书辰兼任办公室主任。" in flat
    assert "如领导小组成员有调整或变动，根据职务自然更替。" in flat
    fonts = [
        font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()
    ]
    assert fonts and all("/FontFile2" in f["/FontDescriptor"].get_object() for f in fonts)


def test_labels_spread_to_one_width():
    assert spread("组长") == "组　　　长"
    assert spread("副组长") == "副　组　长"
    assert spread("常务副组长") == "常务副组长"
    assert spread("成员") == "成　　　员"


def test_a_new_holder_closes_the_seat_and_keeps_the_former(engine, group, tmp_path):
    group_id, ids = group
    service = MemberService(engine, group_id, "clerk")
    seat = ids[3]  # 周峰, 白鹤派出所所长
    values = service.load(seat)
    assert service.question(values, seat) is None  # unchanged: no question
    changed_on = date.today() - timedelta(days=30)
    new = {**values, "name": "吴涛", "mobile": "13900000001", "person_id": None,
           "started_on": changed_on}  # fmt: skip
    assert "“周峰”离任（保留在历任名单中），新成员接任副组长" in service.question(new, seat)
    service.update(seat, new)
    register = MemberRegister(engine, group_id)
    current = RegisterQuery(filters={"state": "current"})
    former = RegisterQuery(filters={"state": "former"})
    assert [r.values[1] for r in register.fetch(former, 0, 10)] == ["周峰"]
    shown = [r.values[1] for r in register.fetch(current, 0, 20)]
    assert shown.index("吴涛") == 3  # in the same place as the seat it took
    with unit_of_work(engine) as session:
        old = session.get(LeadingGroupMember, seat)
        assert old.ended_on == changed_on and old.deleted_at is None
    # the roster of a day before the change still has the former holder
    earlier = read_roster(engine, group_id, changed_on - timedelta(days=1))
    assert "周峰" in [s.name for s in earlier.seats] and "吴涛" not in [
        s.name for s in earlier.seats
    ]
    today = read_roster(engine, group_id)
    assert "吴涛" in [s.name for s in today.seats] and "周峰" not in [s.name for s in today.seats]
    out = tmp_path / "r.pdf"
    print_roster(engine, out, group_id, changed_on - timedelta(days=1))
    assert "周峰" in pdf_text(out) and f"（{changed_on - timedelta(days=1):%Y}年" in pdf_text(out)


def test_a_succession_date_must_follow_the_old_term(engine, group):
    group_id, ids = group
    service = MemberService(engine, group_id, "clerk")
    values = service.load(ids[0])
    too_early = values["started_on"] - timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        service.update(ids[0], {**values, "name": "新组长", "person_id": None,
                                "started_on": too_early})  # fmt: skip
    assert refused.value.errors == {"started_on": "接任日期不能早于原成员的任职日期"}
    with pytest.raises(ValidationError) as refused:
        service.update(ids[0], {**values, "ended_on": date.today() + timedelta(days=3)})
    assert refused.value.errors == {"ended_on": "离任日期不能晚于今天"}
    with unit_of_work(engine) as session:
        assert session.scalar(select(Person.id).where(Person.name == "新组长")) is None


def test_correcting_a_seat_keeps_its_holder(engine, group):
    group_id, ids = group
    service = MemberService(engine, group_id, "clerk")
    values = service.load(ids[6])
    service.update(ids[6], {**values, "post": "经济发展办公室主任", "mobile": "13911112222"})
    with unit_of_work(engine) as session:
        seat = session.get(LeadingGroupMember, ids[6])
        assert (seat.post, seat.person.mobile, seat.ended_on) == (
            "经济发展办公室主任", "13911112222", None,
        )  # fmt: skip
        count = session.scalars(
            select(LeadingGroupMember).where(LeadingGroupMember.group_id == group_id)
        ).all()
        assert len(count) == len(SEATS)


def test_a_member_who_leaves_is_no_longer_printed(engine, group):
    group_id, ids = group
    service = MemberService(engine, group_id, "clerk")
    values = service.load(ids[5])
    service.update(ids[5], {**values, "ended_on": date.today()})
    assert "王喆" not in [s.name for s in read_roster(engine, group_id).seats]
    doc = roster_document(read_roster(engine, group_id))
    assert all("王喆" not in getattr(b, "text", "") for b in doc.blocks)


def test_members_move_within_their_role(engine, group):
    group_id, ids = group
    register = MemberRegister(engine, group_id)

    def order() -> list[str]:
        return [r.values[1] for r in register.fetch(RegisterQuery(), 0, 20)]

    assert order()[2:5] == ["钟书辰", "周峰", "詹陈豪"]
    assert move_member(engine, ids[4], -1, "clerk")
    assert order()[2:5] == ["钟书辰", "詹陈豪", "周峰"]
    assert not move_member(engine, ids[0], -1, "clerk")  # the leader is first of his role
    assert not move_member(engine, ids[2], -1, "clerk")
    assert order()[0] == "徐学军"


def test_no_group_is_a_clear_message(engine):
    with pytest.raises(ValidationError) as refused:
        read_roster(engine)
    assert "还没有建立领导小组" in str(refused.value)
    with pytest.raises(ValidationError):
        MemberService(engine, None).create({"group_role": "leader", "name": "甲", "post": "乙"})


def test_cli_prints_the_roster(engine, group, database_url, tmp_path):
    out = tmp_path / "cli.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "ui.entry", "--db", database_url.removeprefix("sqlite:///"),
         "print", "leading-group", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "已生成领导小组名单（1页）" in done.stdout
    text = pdf_text(out)
    for _role, name, post in SEATS:
        assert name in text and post.removesuffix("（兼）") in text
