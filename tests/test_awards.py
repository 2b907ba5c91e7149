"""Awards: kinds, recipients, the 拟奖励 → 已审批 → 已发放 workflow and every forbidden move,
proposals from a successful case, totals, and the award list as PDF and .xlsx."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from app.cases.award_reports import award_rows, export_award_list, print_award_list, totals
from app.cases.awards import (
    AwardRegister,
    AwardService,
    advance,
    proposals_for_case,
    propose_for_case,
)
from app.cases.clues import ClueService, set_reporter
from app.cases.dissuasion import CaseService
from app.cases.people import add_dissuader
from app.core.progress import run_to_end
from app.core.registers import RegisterQuery
from app.core.settings import save_profile
from app.core.validation import ValidationError
from db.engine import unit_of_work
from db.models import Award, FraudType, Person, Unit

D = date(2024, 5, 6)


@pytest.fixture
def town(engine):
    save_profile(engine, {"township_name": "清溪镇", "issuing_office": "清溪镇反诈分中心"})
    with unit_of_work(engine) as s:
        bh = Unit(name="白鹤村", kind="village", is_member=True)
        bank = Unit(name="农商银行清溪支行", kind="finance", is_member=True)
        posts = (("王网格", "网格员"), ("李民警", "民警"), ("王伟", "志愿者"), ("王伟", "村干部"))
        people = [Person(name=name, post=post) for name, post in posts]
        s.add_all([bh, bank, *people])
        s.flush()
        fraud = s.scalar(select(FraudType.id).where(FraudType.name == "刷单返利"))
        ids = {"bh": bh.id, "bank": bank.id, "fraud": fraud}
        ids.update(wang=people[0].id, li=people[1].id, wei1=people[2].id, wei2=people[3].id)
    service = CaseService(engine, "clerk")

    def case(outcome="success", saved="1000", lost="0") -> int:
        return service.create({
            "occurred_at": datetime(2024, 5, 3, 10), "alert_source": "fund_side",
            "person_name": "张三", "village_id": ids["bh"], "fraud_type_id": fraud,
            "amount_at_risk_fen": "1000", "amount_saved_fen": saved, "amount_lost_fen": lost,
            "outcome": outcome,
        })  # fmt: skip

    ids["case"] = case()
    ids["partial"] = case("partial", "600", "400")
    ids["failed"] = case("failed", "0", "1000")
    clues = ClueService(engine, "clerk")
    ids["clue"] = clues.create(
        {"received_on": D, "summary": "有人收购银行卡", "verified": True, "verified_on": D}
    )
    set_reporter(engine, ids["clue"], {"name": "司徒秘密", "phone": "13912345678"})
    ids["anonymous"] = clues.create(
        {"received_on": D, "summary": "可疑短信", "verified": True, "verified_on": D}
    )
    ids["unverified"] = clues.create({"received_on": D, "summary": "未核实"})
    return ids


def _award(engine, **values) -> int:
    return AwardService(engine, "clerk").create(
        {"kind": "per_case", "amount_fen": "200", "proposed_on": D, **values}
    )


def _awards(engine) -> int:
    with unit_of_work(engine) as s:
        return s.scalar(select(func.count()).select_from(Award))


def test_the_workflow_moves_forward_once_with_who_and_when(engine, town):
    award = _award(engine, recipient_person_id=town["wang"], case_id=town["case"])
    with pytest.raises(ValidationError) as caught:
        advance(engine, [award], "paid", "财政所", on=D)
    assert caught.value.errors == {"": "这笔奖励现在是“拟奖励”，不能发放"}
    with pytest.raises(ValidationError) as caught:
        advance(engine, [award], "approved", "镇长", on=D - timedelta(days=1))
    assert caught.value.errors == {"on": "审批日期不能早于提出日期"}
    with pytest.raises(ValidationError) as caught:
        advance(engine, [award], "approved", "  ", on=D)
    assert caught.value.errors == {"by": "请填写审批人"}
    with pytest.raises(ValidationError) as caught:
        advance(engine, [award], "approved", "镇长", on=date.today() + timedelta(days=1))
    assert caught.value.errors == {"on": "审批日期不能晚于今天"}
    advance(engine, [award], "approved", "镇长", on=date(2024, 5, 10))
    with pytest.raises(ValidationError) as caught:
        advance(engine, [award], "approved", "镇长", on=date(2024, 5, 10))
    assert caught.value.errors == {"": "这笔奖励现在是“已审批”，不能审批"}
    with pytest.raises(ValidationError) as caught:
        advance(engine, [award], "paid", "财政所", on=date(2024, 5, 9))
    assert caught.value.errors == {"on": "发放日期不能早于审批日期"}
    advance(engine, [award], "paid", "财政所", on=date(2024, 5, 20))
    with pytest.raises(ValidationError) as caught:
        advance(engine, [award], "paid", "财政所", on=date(2024, 5, 20))
    assert caught.value.errors == {"": "这笔奖励现在是“已发放”，不能发放"}
    with unit_of_work(engine) as s:
        row = s.get(Award, award)
        assert (row.status, row.approved_by, row.approved_on, row.paid_by, row.paid_on) == (
            "paid",
            "镇长",
            date(2024, 5, 10),
            "财政所",
            date(2024, 5, 20),
        )
    shown = AwardRegister(engine).fetch(RegisterQuery(), 0, 1)[0].values
    assert shown[6:] == ("已发放", "镇长 2024-05-10", "财政所 2024-05-20")
    with pytest.raises(ValidationError) as caught:
        AwardService(engine).update(award, {**AwardService(engine).load(award), "amount_fen": "1"})
    assert caught.value.errors == {"": "已发放的奖励不能修改"}
    with pytest.raises(ValidationError, match="已发放的奖励不能删除"):
        AwardService(engine).delete(award)


def test_advancing_several_is_all_or_none(engine, town):
    first = _award(engine, recipient_person_id=town["wang"], case_id=town["case"])
    second = _award(engine, recipient_person_id=town["li"], case_id=town["case"])
    advance(engine, [first], "approved", "镇长", on=D)
    with pytest.raises(ValidationError):
        advance(engine, [second, first], "approved", "镇长", on=D)  # the first is approved
    with unit_of_work(engine) as s:
        assert s.get(Award, second).status == "proposed"


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"recipient_person_id": "wang", "case_id": "failed"},
         {"case_id": "第{failed}号案例的结果是“劝阻无效”，只有成功劝阻或部分止损的案例才能奖励"}),
        ({"case_id": "case"}, {"recipient_person_id": "请选择获奖人或获奖单位"}),
        ({"case_id": "case", "recipient_person_id": "wang", "recipient_unit_id": "bh"},
         {"recipient_person_id": "获奖人和获奖单位只能选一个"}),
        ({"recipient_person_id": "wang", "case_id": "case", "amount_fen": "0"},
         {"amount_fen": "奖励金额应大于0"}),
        ({"recipient_person_id": "wang", "case_id": "case", "amount_fen": "-200"},
         {"amount_fen": "金额（元）不能为负数"}),
        ({"recipient_person_id": "wang", "case_id": "case", "amount_fen": "200.001"},
         {"amount_fen": "金额（元）应为金额（元），最多两位小数，如1234.50"}),
        ({"recipient_person_id": "wang", "case_id": "case", "amount_fen": "100001"},
         {"amount_fen": "金额（元）不能大于100000元"}),
        ({"recipient_person_id": "wang"},
         {"case_id": "一事一奖、一案一奖须填写相关劝阻案例的编号"}),
        ({"recipient_person_id": "wang", "case_id": 9999}, {"case_id": "没有编号为9999的劝阻案例"}),
        ({"recipient_person_id": "wang", "case_id": "case",
          "proposed_on": date.today() + timedelta(days=1)},
         {"proposed_on": "提出日期不能晚于今天"}),
        ({"kind": "report"}, {"clue_id": "举报奖励须填写相关举报线索的编号"}),
        ({"kind": "report", "clue_id": "unverified"}, {"clue_id": "线索核实后才能给予举报奖励"}),
        ({"kind": "report", "clue_id": "anonymous"},
         {"clue_id": "这条线索没有登记举报人（匿名举报），无法发放举报奖励"}),
        ({"kind": "report", "clue_id": "clue", "recipient_person_id": "wang"},
         {"recipient_person_id": "举报奖励发给线索的举报人（身份保密），不要选择获奖人或单位"}),
        ({"kind": "report", "clue_id": "clue", "reason": "奖励司徒秘密举报有功"},
         {"reason": "事由中不要写举报人的姓名、身份证号码或电话（举报人身份保密）"}),
        ({"kind": "annual"}, {"recipient_person_id": "请选择获奖人或获奖单位"}),
    ],
)  # fmt: skip
def test_forbidden_awards_are_refused_and_nothing_is_saved(engine, town, values, errors):
    raw = {k: town[v] if isinstance(v, str) and v in town else v for k, v in values.items()}
    with pytest.raises(ValidationError) as caught:
        _award(engine, **raw)
    expected = {k: m.format(**town) for k, m in errors.items()}
    assert caught.value.errors == expected
    assert _awards(engine) == 0


def test_the_same_award_twice_is_refused(engine, town):
    _award(engine, recipient_person_id=town["wang"], case_id=town["case"])
    with pytest.raises(ValidationError) as caught:
        _award(engine, recipient_person_id=town["wang"], case_id=town["case"])
    assert caught.value.errors == {"recipient_person_id": "已为此人提出过本案的一案一奖"}
    _award(engine, kind="report", clue_id=town["clue"], amount_fen="500")
    with pytest.raises(ValidationError) as caught:
        _award(engine, kind="report", clue_id=town["clue"], amount_fen="500")
    assert caught.value.errors == {"clue_id": "这条线索已有举报奖励"}


def test_a_successful_case_proposes_awards_for_its_dissuaders(engine, town):
    for who in ("wang", "li"):
        add_dissuader(engine, town["case"], town[who], "网格员")
    assert [name for _, name in proposals_for_case(engine, town["case"])] == ["王网格", "李民警"]
    with pytest.raises(ValidationError) as caught:
        propose_for_case(engine, town["case"], {town["wang"]: 20000, town["li"]: 0})
    assert caught.value.errors == {"": "李民警：奖励金额应大于0"}
    assert _awards(engine) == 0  # the good one was not saved either
    with pytest.raises(ValidationError) as caught:
        propose_for_case(engine, town["case"], {town["wei1"]: 20000})
    assert "尚未奖励的人员" in caught.value.errors[""]
    ids = propose_for_case(engine, town["case"], {town["wang"]: 20050, town["li"]: 30000})
    assert proposals_for_case(engine, town["case"]) == []
    with unit_of_work(engine) as s:
        rows = [s.get(Award, i) for i in ids]
        assert [(a.status, a.amount_fen, a.kind) for a in rows] == [
            ("proposed", 20050, "per_case"), ("proposed", 30000, "per_case"),
        ]  # fmt: skip
    with pytest.raises(ValidationError, match="只有成功劝阻或部分止损"):
        proposals_for_case(engine, town["failed"])
    add_dissuader(engine, town["partial"], town["wang"])
    assert proposals_for_case(engine, town["partial"]) == [(town["wang"], "王网格")]


@pytest.fixture
def granted(engine, town):
    """Awards counted by hand: (recipient, amount yuan, proposed, status)."""
    plan = [
        ({"recipient_person_id": town["wang"], "case_id": town["case"]}, "200.50", D, "paid"),
        ({"recipient_person_id": town["wang"], "case_id": town["partial"]}, "300", date(2024, 8, 1),
         "approved"),
        ({"recipient_person_id": town["wei1"], "case_id": town["case"]}, "100", D, "paid"),
        ({"recipient_person_id": town["wei2"], "case_id": town["case"]}, "100", D, "approved"),
        ({"recipient_person_id": town["li"], "case_id": town["case"]}, "999", D, "proposed"),
        ({"kind": "annual", "recipient_unit_id": town["bank"]}, "5000", date(2024, 12, 20),
         "approved"),
        ({"kind": "report", "clue_id": town["clue"], "reason": "举报线索查证属实"}, "800",
         date(2024, 6, 30), "paid"),
        ({"kind": "annual", "recipient_unit_id": town["bh"]}, "3000", date(2023, 12, 20), "paid"),
    ]  # fmt: skip
    for values, yuan, proposed, status in plan:
        award = _award(engine, amount_fen=yuan, proposed_on=proposed, **values)
        if status != "proposed":
            advance(engine, [award], "approved", "镇长", on=proposed)
        if status == "paid":
            advance(engine, [award], "paid", "财政所", on=proposed)
    deleted = _award(engine, kind="annual", recipient_unit_id=town["bh"], amount_fen="7")
    advance(engine, [deleted], "approved", "镇长", on=D)
    AwardService(engine).delete(deleted)
    return engine


def test_totals_per_person_unit_and_quarter(granted):
    year = (date(2024, 1, 1), date(2024, 12, 31))

    def table(by):
        return [(t.name, t.count, t.amount_fen, t.paid_fen) for t in totals(granted, *year, by)]

    assert table("person") == [
        ("举报人（保密）", 1, 80_000, 80_000),
        ("王网格", 2, 50_050, 20_050),
        ("王伟（志愿者）", 1, 10_000, 10_000),
        ("王伟（村干部）", 1, 10_000, 0),
    ]
    assert table("unit") == [("农商银行清溪支行", 1, 500_000, 0)]
    assert table("quarter") == [
        ("2024年第2季度", 4, 120_050, 110_050),
        ("2024年第3季度", 1, 30_000, 0),
        ("2024年第4季度", 1, 500_000, 0),
    ]
    assert totals(granted, *year, "person")[1].amount == Decimal("500.50")
    with pytest.raises(ValueError):
        totals(granted, *year, "village")


def test_the_award_list_pdf_and_xlsx(granted, tmp_path):
    year = (date(2024, 1, 1), date(2024, 12, 31))
    rows = award_rows(granted, *year)
    assert [(r[3], r[4]) for r in rows] == [
        ("王网格", Decimal("200.50")), ("王伟", Decimal("100.00")), ("王伟", Decimal("100.00")),
        ("举报人（保密）", Decimal("800.00")), ("王网格", Decimal("300.00")),
        ("农商银行清溪支行", Decimal("5000.00")),
    ]  # fmt: skip
    pdf = tmp_path / "奖励名单.pdf"
    pages = print_award_list(granted, *year, pdf)
    reader = PdfReader(pdf)
    assert pages == len(reader.pages) >= 1
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    assert "清溪镇反电信网络诈骗工作奖励名单" in text
    assert "合计6笔，金额6500.50元，其中已发放1100.50元。" in text
    assert "举报人（保密）" in text and "司徒秘密" not in text
    fonts = [f.get_object() for p in reader.pages for f in p["/Resources"]["/Font"].values()]
    assert fonts and all("/FontFile2" in f["/FontDescriptor"].get_object() for f in fonts)
    xlsx = tmp_path / "奖励名单.xlsx"
    assert run_to_end(export_award_list(granted, *year, xlsx)) == 6
    sheet = load_workbook(xlsx).active
    assert [c.value for c in sheet[2]] == ["序号", "日期", "类别", "获奖人/单位", "金额（元）",
                                           "事由", "状态"]  # fmt: skip
    assert sheet["E3"].value == 200.5 and sheet["E3"].number_format == "#,##0.00"
    assert [c.value for c in sheet[9]][:5] == ["合计", None, None, "6笔", 6500.5]
    with pytest.raises(ValidationError, match="没有已审批或已发放的奖励"):
        print_award_list(granted, date(2020, 1, 1), date(2020, 12, 31), tmp_path / "空.pdf")
    assert not (tmp_path / "空.pdf").exists()
