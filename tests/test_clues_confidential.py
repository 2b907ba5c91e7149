"""The reporter of a clue (举报人) never leaves the clue's protected view: every list, export,
PDF and the log file the program writes are produced here and searched for the reporter's
name, ID number and phone."""

from __future__ import annotations

import json
import logging
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.cases.award_reports import award_rows, export_award_list, print_award_list, totals
from app.cases.awards import AwardRegister, AwardService, advance, person_choices
from app.cases.clues import ClueRegister, ClueService, clue_choices, reveal_reporter, set_reporter
from app.cases.commendations import CommendationRegister, CommendationService
from app.cases.dissuasion import CaseRegister, CaseService
from app.cases.fraud_types import FraudTypeRegister
from app.cases.stats import as_json, case_statistics
from app.cases.typical_cases import print_typical_cases
from app.core.logs import setup_logging
from app.core.progress import run_to_end
from app.core.registers import RegisterQuery
from app.core.settings import save_profile
from app.core.validation import ValidationError
from app.oversight.monthly_notice import print_monthly_notice
from app.sheets.register_export import export_register_xlsx
from db.engine import unit_of_work
from db.models import AuditLog, FraudType, Person, Unit

NAME, ID_NUMBER, PHONE = "司徒秘密", "11010519491231002X", "13912345678"
SECRETS = (NAME, ID_NUMBER, PHONE, "秘密")
D = date(2024, 5, 6)


@pytest.fixture
def log_file(tmp_path):
    """The program's own rotating log, at DEBUG, in tmp_path (removed again afterwards)."""
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    path = setup_logging(tmp_path / "log", logging.DEBUG)
    yield path
    for handler in root.handlers:
        if handler not in before:
            handler.close()
            root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def town(engine):
    save_profile(engine, {"township_name": "清溪镇", "issuing_office": "清溪镇反诈分中心"})
    with unit_of_work(engine) as s:
        bh = Unit(name="白鹤村", kind="village", is_member=True)
        wang = Person(name="王网格")
        s.add_all([bh, wang])
        s.flush()
        fraud = s.scalar(select(FraudType.id).where(FraudType.name == "刷单返利"))
        return {"bh": bh.id, "wang": wang.id, "fraud": fraud}


def _texts(path: Path) -> str:
    """Everything a clerk could read in a produced file."""
    if path.suffix == ".pdf":
        return "".join(page.extract_text() for page in PdfReader(path).pages)
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as book:
            return "".join(book.read(n).decode("utf-8") for n in book.namelist())
    return path.read_text(encoding="utf-8")


def test_the_reporter_appears_in_no_list_export_pdf_or_log(engine, town, tmp_path, log_file):
    clues = ClueService(engine, "clerk")
    clue = clues.create({"received_on": D, "summary": "有人在村口收购银行卡", "verified": True,
                         "verified_on": D, "village_id": town["bh"]})  # fmt: skip
    set_reporter(engine, clue, {"name": NAME, "id_number": ID_NUMBER, "phone": PHONE}, "clerk")
    award = AwardService(engine, "clerk").create({
        "kind": "report", "clue_id": clue, "amount_fen": "800", "proposed_on": D,
        "reason": "举报线索查证属实",
    })  # fmt: skip
    advance(engine, [award], "approved", "镇长", on=D, user="head")
    advance(engine, [award], "paid", "财政所", on=D, user="clerk")
    case = CaseService(engine, "clerk").create({
        "occurred_at": datetime(2024, 5, 3, 10), "alert_source": "fund_side",
        "person_name": "张三", "village_id": town["bh"], "fraud_type_id": town["fraud"],
        "amount_at_risk_fen": "1000", "amount_saved_fen": "1000", "outcome": "success",
        "is_typical": True, "narrative": "经群众举报线索，民警上门劝阻。",
    })  # fmt: skip
    AwardService(engine, "clerk").create({"kind": "per_case", "case_id": case,
        "recipient_person_id": town["wang"], "amount_fen": "200", "proposed_on": D})  # fmt: skip
    CommendationService(engine, "clerk").create({"unit_id": town["bh"], "kind": "praise",
        "reason": "劝阻及时", "issued_on": D})  # fmt: skip

    # texts that get listed are refused if they name the reporter, and the refusals say so
    # without repeating the name
    refusals = []
    for attempt in (
        lambda: clues.update(clue, {**clues.load(clue), "notes": f"举报人{NAME}要求保密"}),
        lambda: clues.update(clue, {**clues.load(clue), "summary": f"电话{PHONE}反映"}),
    ):
        with pytest.raises(ValidationError) as caught:
            attempt()
        refusals.append(str(caught.value))
    other = clues.create({"received_on": D, "summary": f"{NAME}反映有人收购电话卡"})
    with pytest.raises(ValidationError) as caught:
        set_reporter(engine, other, {"name": NAME})
    refusals.append(str(caught.value))
    assert all(secret not in text for text in refusals for secret in SECRETS)
    clues.update(other, {**clues.load(other), "summary": "群众反映有人收购电话卡"})
    set_reporter(engine, other, {"name": NAME})  # as the refusal asked: the summary fixed first

    # every register: on screen (even with personal columns revealed), searched, exported
    produced: list[Path] = []
    shown = []
    registers = (CaseRegister, AwardRegister, ClueRegister, CommendationRegister,
                 FraudTypeRegister)  # fmt: skip
    for number, register_class in enumerate(registers):
        register = register_class(engine)
        for reveal in (False, True):
            shown.append(repr(register.fetch(RegisterQuery(), 0, 1000, reveal=reveal)))
        shown.append(repr(register.filters()))
        for secret in (NAME, PHONE):
            assert register.count(RegisterQuery(text=secret)) == 0, register.title
        out = tmp_path / f"register-{number}.xlsx"
        run_to_end(export_register_xlsx(register, RegisterQuery(), out, reveal=True))
        produced.append(out)
    assert "举报人（保密）" in shown[3] and "已登记（保密）" in shown[6]

    year = (date(2024, 1, 1), date(2024, 12, 31))
    for name, make in (
        ("奖励名单.pdf", lambda out: print_award_list(engine, *year, out)),
        ("奖励名单.xlsx", lambda out: run_to_end(export_award_list(engine, *year, out))),
        ("典型案例.pdf", lambda out: print_typical_cases(engine, *year, out)),
        ("月度通报.pdf", lambda out: print_monthly_notice(engine, 2024, 5, out)),
    ):
        make(tmp_path / name)
        produced.append(tmp_path / name)
    stats = tmp_path / "stats.json"
    stats.write_text(json.dumps(as_json(case_statistics(engine, *year)), ensure_ascii=False))
    produced.append(stats)
    shown += [repr(award_rows(engine, *year)), repr(clue_choices(engine)),
              repr(person_choices(engine))]  # fmt: skip
    shown += [repr(totals(engine, *year, by)) for by in ("person", "unit", "quarter")]
    assert "举报人（保密）" in _texts(tmp_path / "奖励名单.pdf").replace("\n", "")

    # the protected view shows the reporter, and the look is audited and logged without them
    revealed = reveal_reporter(engine, clue, "head")
    assert (revealed.name, revealed.id_number, revealed.phone) == (NAME, ID_NUMBER, PHONE)
    with unit_of_work(engine) as s:
        audit = [(a.username, a.action, a.detail or "") for a in s.scalars(select(AuditLog))]
    assert ("head", "reveal", "reporter") in audit
    for handler in logging.getLogger().handlers:
        handler.flush()
    log_text = log_file.read_text(encoding="utf-8")
    assert f"reporter of clue {clue} revealed to head" in log_text

    everything = [*(_texts(p) for p in produced), *shown, repr(audit), log_text]
    for secret in SECRETS:
        leaks = [n for n, text in enumerate(everything) if secret in text]
        assert leaks == [], (secret, leaks)
