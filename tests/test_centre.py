"""分中心人员, 治理员 (一企一员), 警示 and the printed 约谈记录."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.cases.commendations import CommendationService
from app.cases.interviews import InterviewService, print_interview
from app.core.registers import RegisterQuery
from app.core.validation import ValidationError
from app.org.centre import (
    CentreStaffRegister,
    CentreStaffService,
    GovernorRegister,
    GovernorService,
    centre_gaps,
    governor_coverage,
)
from app.org.deadlines import save_deadlines
from app.oversight.assessment import assess
from app.oversight.overdue import overdue_items
from db.engine import unit_of_work
from db.models import Unit

TODAY = date(2026, 5, 10)


@pytest.fixture
def town(engine):
    with unit_of_work(engine) as s:
        s.add_all([Unit(name="白鹤村", kind="village", sort_order=1),
                   Unit(name="清溪小学", kind="school", sort_order=2),
                   Unit(name="清溪农商银行", kind="finance", sort_order=3),
                   Unit(name="清溪派出所", kind="police", sort_order=4)])  # fmt: skip
        s.flush()
        return dict(s.execute(select(Unit.name, Unit.id)).all())


def _errors(service, values, record_id=None) -> dict:
    with pytest.raises(ValidationError) as caught:
        if record_id is None:
            service.create(values)
        else:
            service.update(record_id, values)
    return caught.value.errors


def test_the_centre_has_one_director_and_says_what_it_lacks(engine, town):
    service = CentreStaffService(engine, "clerk")
    assert centre_gaps(engine, TODAY) == ["主任", "常务副主任", "副主任", "工作人员（0/2名）"]
    old = service.create({"role": "director", "name": "李旧", "post": "党委副书记",
                          "started_on": date(2024, 1, 1), "mobile": "13812345678"})  # fmt: skip
    assert _errors(service, {"role": "director", "name": "王新"}) == {
        "role": "分中心主任李旧仍在任；请先填写其离任日期"
    }
    assert _errors(service, {**service.load(old), "ended_on": date(2023, 12, 1)}, old) == {
        "ended_on": "离任日期应晚于任职日期"
    }
    service.update(old, {**service.load(old), "ended_on": date(2026, 3, 1)})
    service.create({"role": "director", "name": "王新", "started_on": date(2026, 3, 1)})
    for role, name in (("executive_deputy", "赵平安"), ("executive_deputy", "钱所长"),
                       ("deputy", "孙副"), ("staff", "周员")):  # fmt: skip
        service.create({"role": role, "name": name})
    assert centre_gaps(engine, TODAY) == ["工作人员（1/2名）"]
    assert centre_gaps(engine, date(2026, 2, 1)) == ["工作人员（1/2名）"]  # 李旧 still served
    register = CentreStaffRegister(engine, today=TODAY)
    rows = register.fetch(RegisterQuery(), 0, 10)
    names = [r.values[register.column_index("name")] for r in rows]
    assert names[0] == "王新" and names[-1] == "李旧"  # serving first, the one who left last
    phone = register.column_index("mobile")
    assert rows[-1].values[phone] == "138****5678"
    assert register.count(RegisterQuery(filters={"serving": False})) == 1
    # a reminder only once the year's date (报送时限) has passed
    assert "centre_staff" not in {i.key for i in overdue_items(engine, TODAY)}
    save_deadlines(engine, {"year": 2026, "staff_by": date(2026, 5, 10)})
    assert "centre_staff" not in {i.key for i in overdue_items(engine, TODAY)}
    save_deadlines(engine, {"year": 2026, "staff_by": date(2026, 5, 9)})
    item = {i.key: i for i in overdue_items(engine, TODAY)}["centre_staff"]
    assert item.text == "超过2026年5月9日分中心人员仍未配齐：缺工作人员（1/2名）"
    assert (item.target.tab, item.target.subtab) == ("组织架构", "分中心")


def test_one_governor_per_office_or_enterprise(engine, town):
    service = GovernorService(engine, "clerk")
    assert governor_coverage(engine).missing == ("清溪小学", "清溪农商银行")
    assert _errors(service, {"unit_id": town["白鹤村"], "name": "张"}) == {
        "unit_id": f"单位的取值“{town['白鹤村']}”不在可选范围内"
    }
    service.create({"unit_id": town["清溪小学"], "name": "吴老师", "mobile": "13912345678"})
    assert _errors(service, {"unit_id": town["清溪小学"], "name": "郑老师"}) == {
        "unit_id": "该单位已有治理员吴老师（一企一员）；更换请修改原来那一条"
    }
    coverage = governor_coverage(engine)
    assert (coverage.units, coverage.missing) == (2, ("清溪农商银行",))
    save_deadlines(engine, {"year": 2026, "staff_by": date(2026, 3, 31)})
    item = {i.key: i for i in overdue_items(engine, TODAY)}["governors"]
    assert item.text == "清溪农商银行单位超过2026年3月31日仍未确定治理员（一企一员）"
    register = GovernorRegister(engine)
    row = register.fetch(RegisterQuery(), 0, 5)[0]
    assert row.values[register.column_index("mobile")] == "139****5678"
    assert register.count(RegisterQuery(filters={"kind": "finance"})) == 0


def test_a_warning_counts_in_the_assessment(engine, town):
    commendations = CommendationService(engine, "clerk")
    commendations.create({"unit_id": town["白鹤村"], "kind": "warning",
                          "reason": "预警劝阻不及时", "issued_on": date(2026, 4, 1)})  # fmt: skip
    sheet = next(s for s in assess(engine, 2026, today=TODAY) if s.name == "白鹤村")
    assert sheet.points == -1


def test_an_interview_is_recorded_and_printed_for_signing(engine, town, tmp_path):
    commendations = CommendationService(engine, "clerk")
    praise = commendations.create(
        {"unit_id": town["白鹤村"], "kind": "praise", "reason": "宣传到位",
         "issued_on": date(2026, 4, 1)}
    )  # fmt: skip
    decision = commendations.create({
        "unit_id": town["白鹤村"], "kind": "interview", "reason": "承诺书签订率连续排名靠后",
        "issued_on": date(2026, 4, 1), "rectification_due": date(2026, 5, 31),
    })  # fmt: skip
    service = InterviewService(engine, "clerk")
    values = {
        "commendation_id": decision, "held_at": datetime(2026, 4, 3, 9, 30),
        "place": "镇政府三楼会议室", "interviewers": "王新（党委副书记）", "interviewee": "欧阳明",
        "interviewee_post": "白鹤村党支部书记", "recorder": "周员",
        "content": "通报白鹤村承诺书签订率连续两月排名靠后的情况，指出入户走访不实。",
        "undertakings": "一个月内完成未签订户的补签。",
    }  # fmt: skip
    assert _errors(service, {**values, "commendation_id": praise}) == {
        "commendation_id": f"约谈决定的取值“{praise}”不在可选范围内"  # only 约谈 are offered
    }
    assert _errors(service, {**values, "held_at": datetime(2026, 3, 31, 9)}) == {
        "held_at": "约谈时间不能早于约谈决定日期（2026-04-01）"
    }
    record = service.create(values)
    assert _errors(service, values) == {"commendation_id": "这次约谈已有记录，请修改原来那一条"}
    path = tmp_path / "约谈记录.pdf"
    assert print_interview(engine, record, path) == 1
    text = PdfReader(path).pages[0].extract_text().replace("\n", "")
    for expected in (
        "约谈记录",
        "2026年4月3日09:30",
        "白鹤村党支部书记",
        "承诺书签订率连续排名靠后",
        "一个月内完成未签订户的补签",
        "2026年5月31日前报送整改情况",
        "被约谈人（签字）",
    ):
        assert expected in text, expected  # fmt: skip


def test_the_tabs_list_the_centre_governors_and_interviews(qtbot, engine, town, tmp_path):
    from ui.tabs.cases.awards_tab import AwardsTab
    from ui.tabs.org.org_tab import OrgTab

    CentreStaffService(engine, "clerk").create({"role": "director", "name": "王新"})
    org = OrgTab(engine, "clerk", inform=lambda *_: None, ask=lambda *_: True)
    qtbot.addWidget(org)
    org.show()
    org.show_target("分中心", {"serving": True})
    assert org.tabs.currentWidget() is org.centre and org.centre.model.count == 1
    org.show_target("治理员", {})
    assert org.tabs.currentWidget() is org.governors and org.governors.model.count == 0

    decision = CommendationService(engine, "clerk").create({
        "unit_id": town["白鹤村"], "kind": "interview", "reason": "走访不实",
        "issued_on": date(2026, 4, 1)})  # fmt: skip
    record = InterviewService(engine, "clerk").create({
        "commendation_id": decision, "held_at": datetime(2026, 4, 3, 9, 30),
        "interviewers": "王新", "interviewee": "欧阳明", "content": "指出问题"})  # fmt: skip
    opened = []
    awards = AwardsTab(engine, "clerk", ask_pdf=lambda *_: str(tmp_path / "约谈.pdf"),
                       open_file=opened.append, inform=lambda *_: None)  # fmt: skip
    qtbot.addWidget(awards)
    awards.show()
    awards.show_target("约谈记录", {})
    view = awards.interviews
    assert awards.tabs.currentWidget() is view and view.records.model.count == 1
    view.records.select_id(record)
    view.print_button.click()
    assert opened == [str(tmp_path / "约谈.pdf")]
    assert len(PdfReader(opened[0]).pages) == 1
