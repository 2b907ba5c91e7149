"""Dissuasion cases, their figures, awards and their workflow, reporters kept secret."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from app.awards import (
    AwardRegister,
    AwardService,
    advance,
    export_award_list,
    print_award_list,
    proposals_for_case,
    propose_for_case,
    totals,
)
from app.case_stats import case_statistics
from app.cases import CaseService, add_dissuader
from app.clues import ClueRegister, ClueService, reveal_reporter, set_reporter
from app.export import export_register_xlsx
from app.progress import run_to_end
from app.registers import RegisterQuery
from app.settings import save_profile
from app.typical_cases import anonymous, print_typical_cases, scrub, surname
from app.validation import ValidationError
from db.engine import unit_of_work
from db.models import AuditLog, FraudType, Person, Unit

ROOT = Path(__file__).resolve().parent.parent
REPORTER = "司徒秘密"
D = date(2024, 5, 1)


@pytest.fixture
def town(engine):
    save_profile(
        engine, {"township_name": "清溪镇", "issuing_office": "清溪镇反电信网络诈骗分中心"}
    )
    with unit_of_work(engine) as s:
        bh = Unit(name="白鹤村", kind="village")
        qs = Unit(name="青山村", kind="village")
        wang, li = Person(name="王网格"), Person(name="李民警")
        s.add_all([bh, qs, wang, li])
        s.flush()
        types = {t.name: t.id for t in s.scalars(select(FraudType))}
        return {"bh": bh.id, "qs": qs.id, "wang": wang.id, "li": li.id, "types": types}


def _case(engine, town, **extra) -> int:
    values = {
        "occurred_at": datetime(2024, 5, 3, 10), "alert_source": "fund_side",
        "person_name": "欧阳娜娜", "person_gender": "女", "person_age": 62,
        "village_id": town["bh"], "fraud_type_id": town["types"]["刷单返利"],
        "amount_at_risk_fen": "10000", "amount_saved_fen": "10000", "amount_lost_fen": "0",
        "was_warned": True, "outcome": "success",
        "narrative": "资金端预警后，民警上门劝阻欧阳娜娜，娜娜醒悟，电话13812345678已提醒。",
    }  # fmt: skip
    values.update(extra)
    return CaseService(engine, "clerk").create(values)


def test_case_amounts_and_outcomes_must_agree(engine, town):
    with pytest.raises(ValidationError) as caught:
        _case(engine, town, amount_saved_fen="20000")
    assert caught.value.errors == {"amount_saved_fen": "止损金额不能大于涉案金额"}
    with pytest.raises(ValidationError) as caught:
        _case(engine, town, amount_lost_fen="-1")
    assert caught.value.errors == {"amount_lost_fen": "损失金额（元）不能为负数"}
    with pytest.raises(ValidationError) as caught:
        _case(engine, town, amount_saved_fen="5000", amount_lost_fen="100")
    assert "有损失的不能算“成功劝阻”" in caught.value.errors["outcome"]
    with pytest.raises(ValidationError) as caught:
        _case(engine, town, occurred_at=datetime(2099, 1, 1))
    assert "不能晚于现在" in caught.value.errors["occurred_at"]
    with pytest.raises(ValidationError) as caught:
        _case(
            engine,
            town,
            outcome="transferred_after_warning",
            was_warned=False,
            amount_saved_fen="0",
            amount_lost_fen="10000",
        )
    assert "was_warned" in caught.value.errors
    assert _case(engine, town, amount_saved_fen="1234.56") > 0


def test_figures_against_a_hand_count(engine, town):
    t = town["types"]
    _case(engine, town)  # success, warned
    _case(
        engine,
        town,
        occurred_at=datetime(2024, 5, 20, 9),
        outcome="partial",
        amount_saved_fen="6000",
        amount_lost_fen="4000",
        person_name="张三",
    )
    _case(
        engine,
        town,
        occurred_at=datetime(2024, 6, 2, 9),
        village_id=town["qs"],
        fraud_type_id=t["虚假贷款"],
        alert_source="alert_96110",
        was_warned=False,
        person_name="李四",
    )
    _case(
        engine,
        town,
        occurred_at=datetime(2024, 6, 9, 9),
        village_id=town["qs"],
        outcome="transferred_after_warning",
        amount_saved_fen="0",
        amount_lost_fen="10000",
        person_name="王五",
    )
    _case(engine, town, occurred_at=datetime(2023, 6, 9, 9), person_name="去年")
    stats = case_statistics(engine, date(2024, 1, 1), date(2024, 12, 31))
    s = stats.summary
    assert (s.cases, s.success, s.partial, s.transferred_after_warning) == (4, 2, 1, 1)
    assert (s.saved_fen, s.lost_fen) == (2600000, 1400000)
    assert (s.warned_people, s.transferred_people) == (3, 2)
    months = {b.key: (b.cases, b.success, b.saved_fen) for b in stats.by_month}
    assert months == {"2024-05": (2, 1, 1600000), "2024-06": (2, 1, 1000000)}
    villages = {b.key: b.cases for b in stats.by_village}
    assert villages == {"白鹤村": 2, "青山村": 2}
    assert stats.by_fraud_type[0].key == "刷单返利" and stats.by_fraud_type[0].cases == 3
    sources = {b.key: b.cases for b in stats.by_source}
    assert sources == {"资金端预警": 3, "96110 预警": 1}
    assert stats.by_village[0].success_share == 0.5


def test_award_workflow_and_its_forbidden_moves(engine, town):
    case_id = _case(engine, town)
    add_dissuader(engine, case_id, town["wang"], "网格员")
    add_dissuader(engine, case_id, town["li"], "民警")
    with pytest.raises(ValidationError):
        add_dissuader(engine, case_id, town["wang"])
    assert [name for _, name in proposals_for_case(engine, case_id)] == ["王网格", "李民警"]
    ids = propose_for_case(engine, case_id, {town["wang"]: 20000, town["li"]: 30000})
    assert proposals_for_case(engine, case_id) == []
    with pytest.raises(ValidationError) as caught:
        advance(engine, [ids[0]], "paid", "财政所")
    assert "现在是“拟奖励”，不能发放" in caught.value.errors[""]
    advance(engine, ids, "approved", "镇长", on=date.today())
    with pytest.raises(ValidationError) as caught:
        advance(engine, [ids[0]], "approved", "镇长")
    assert "不能审批" in caught.value.errors[""]
    advance(engine, [ids[0]], "paid", "财政所")
    with pytest.raises(ValidationError):
        advance(engine, [ids[0], ids[1]], "paid", "财政所")  # the first is paid: none are
    service = AwardService(engine)
    with pytest.raises(ValidationError) as caught:
        service.delete(ids[0])
    assert "已发放的奖励不能删除" in str(caught.value)
    failed = _case(
        engine,
        town,
        outcome="failed",
        amount_saved_fen="0",
        amount_lost_fen="10000",
        person_name="失败",
    )
    base = {"kind": "per_case", "amount_fen": "100", "proposed_on": D}
    with pytest.raises(ValidationError) as caught:
        service.create({**base, "recipient_person_id": town["wang"], "case_id": failed})
    assert caught.value.errors["case_id"] == "只有成功劝阻或部分止损的案例才能奖励"
    with pytest.raises(ValidationError) as caught:
        service.create({**base, "case_id": case_id})
    assert "二选一" in caught.value.errors["recipient_person_id"]
    with pytest.raises(ValidationError) as caught:
        service.create(
            {**base, "case_id": case_id, "recipient_person_id": town["wang"], "amount_fen": "0"}
        )
    assert caught.value.errors == {"amount_fen": "奖励金额应大于0"}
    with pytest.raises(ValidationError):
        proposals_for_case(engine, failed)
    by_person = {
        t.name: (t.count, t.amount_fen, t.paid_fen)
        for t in totals(engine, D, date.today(), "person")
    }
    assert by_person == {"李民警": (1, 30000, 0), "王网格": (1, 20000, 20000)}
    quarters = totals(engine, date(2000, 1, 1), date.today(), "quarter")
    assert sum(q.amount_fen for q in quarters) == 50000


def test_the_reporter_never_leaves_the_protected_view(engine, town, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    clues = ClueService(engine, "clerk")
    clue = clues.create(
        {"received_on": D, "summary": "有人收购银行卡", "verified": True, "verified_on": D}
    )
    set_reporter(
        engine, clue, {"name": REPORTER, "phone": "13912345678", "id_number": "11010519491231002X"}
    )
    with unit_of_work(engine) as s:
        reporter_person = Person(name=REPORTER)
        s.add(reporter_person)
        s.flush()
        person_id = reporter_person.id
    award = AwardService(engine, "clerk").create({
        "kind": "report", "recipient_person_id": person_id, "clue_id": clue,
        "amount_fen": "500", "proposed_on": D, "reason": "举报线索查证属实",
    })  # fmt: skip
    advance(engine, [award], "approved", "镇长", on=D)
    rows = AwardRegister(engine).fetch(RegisterQuery(), 0, 10)
    assert rows[0].values[2] == "举报人（保密）"
    assert AwardRegister(engine).count(RegisterQuery(text=REPORTER)) == 0
    assert REPORTER not in str(ClueRegister(engine).fetch(RegisterQuery(), 0, 10))
    files = [tmp_path / "奖励名单.pdf", tmp_path / "奖励名单.xlsx", tmp_path / "线索.xlsx"]
    print_award_list(engine, D, D, files[0])
    run_to_end(export_award_list(engine, D, D, files[1]))
    run_to_end(export_register_xlsx(ClueRegister(engine), RegisterQuery(), files[2]))
    text = PdfReader(files[0]).pages[0].extract_text().replace("\n", "")
    assert "举报人（保密）" in text and REPORTER not in text
    for xlsx in files[1:]:
        cells = [
            str(c) for row in load_workbook(xlsx).active.iter_rows(values_only=True) for c in row
        ]
        assert not any(REPORTER in c or "13912345678" in c for c in cells)
    assert REPORTER not in caplog.text
    shown = reveal_reporter(engine, clue, "head")
    assert shown.name == REPORTER and shown.phone == "13912345678"
    with unit_of_work(engine) as s:
        reveal = s.scalars(select(AuditLog).where(AuditLog.action == "reveal")).one()
        assert reveal.username == "head" and REPORTER not in (reveal.detail or "")
    with pytest.raises(ValidationError) as caught:
        AwardService(engine).create(
            {
                "kind": "report",
                "recipient_person_id": person_id,
                "clue_id": clues.create({"received_on": D, "summary": "未核实"}),
                "amount_fen": "500",
                "proposed_on": D,
            }
        )
    assert caught.value.errors == {"clue_id": "线索核实后才能给予举报奖励"}


def test_typical_cases_never_name_the_victim(engine, town, tmp_path):
    assert surname("欧阳娜娜") == "欧阳" and surname("王喆") == "王" and surname("䶮") == "䶮"
    assert anonymous("欧阳娜娜", "女", 62) == "欧阳某（女，62岁）"
    assert anonymous("张三", None, None) == "张某"
    assert scrub("欧阳娜娜说娜娜的卡号6222021234567890", "欧阳娜娜") == "欧阳某说某的卡号＊＊＊"
    _case(engine, town, is_typical=True)
    _case(engine, town, person_name="不典型", is_typical=False)
    out = tmp_path / "典型.pdf"
    print_typical_cases(engine, date(2024, 1, 1), date(2024, 12, 31), out)
    text = "".join(p.extract_text() for p in PdfReader(out).pages)
    assert "欧阳某（女，62岁）" in text
    assert "娜娜" not in text and "13812345678" not in text and "不典型" not in text


def test_cli_stats_cases_json(engine, town, database_url):
    _case(engine, town)
    db = database_url.removeprefix("sqlite:///")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ui.entry",
            "--db",
            db,
            "stats",
            "cases",
            "--json",
            "--from",
            "2024-01-01",
            "--to",
            "2024-12-31",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["cases"] == 1 and data["saved_yuan"] == "10000.00"
    assert data["transfer_rate"] == 0.0 and data["meets_target"] is True
    assert data["by_fraud_type"][0]["name"] == "刷单返利"
