"""Households, residents and visits: the rules, and everything one saved visit changes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from household_town import two_villages_one_grid
from sqlalchemy import func, select

from app.core.idnumber import make_id_number
from app.core.validation import ValidationError
from app.households.records import HouseholdService, ResidentService
from app.households.visits import delete_visit, next_unvisited, save_visit, visit_defaults
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Attachment, Household, Letter, Resident, Visit

TODAY = date.today()
HEAD_ID = make_id_number("330122", date(1958, 4, 9), 13)  # a man born 1958-04-09


@pytest.fixture
def town(engine):
    ids = two_villages_one_grid(engine)
    service = HouseholdService(engine, "clerk")
    ids["household"] = service.create({
        "village_id": ids["village"], "grid_id": ids["grid"], "address": "白鹤村1组3号",
        "head_name": "张建国", "head_id_number": HEAD_ID, "phone": "138 1234 5678", "size": 3,
        "tags": ["老年人"],
    })  # fmt: skip
    with unit_of_work(engine) as s:  # registered a year ago, so past visits are allowed
        s.get(Household, ids["household"]).created_at = utcnow() - timedelta(days=365)
    residents = ResidentService(engine, "clerk", ids["household"])
    ids["spouse"] = residents.create({"name": "李秀英", "relation": "spouse"})
    return ids


def visit(town, **changes):
    values = {
        "visited_on": TODAY, "mode": "in_person", "outcome": "visited",
        "grid_worker_id": town["worker"], "police_officer_id": town["officer"],
        "topics": ["刷单返利", "国家反诈中心APP"], "notice_delivered": True,
        "commitment_result": "signed", "follow_up_needed": False,
    }  # fmt: skip
    values.update(changes)
    return values


def letters(engine, household_id):
    with unit_of_work(engine) as s:
        return {
            le.kind: (le.status, le.delivered_on, le.delivered_by_id, le.visit_id, le.signer_name)
            for le in s.scalars(select(Letter).where(Letter.household_id == household_id))
        }


def counts(engine):
    with engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(m)).scalar()
            for m in (Visit, Letter, Attachment)
        )


def test_the_head_of_household_is_a_resident_with_facts_from_the_id(engine, town):
    with unit_of_work(engine) as s:
        head = s.scalar(select(Resident).where(Resident.relation == "head"))
        household = s.get(Household, town["household"])
        assert (head.name, head.gender, head.birth_date) == ("张建国", "男", date(1958, 4, 9))
        assert household.phone == head.phone == "13812345678"
        assert household.tags == "老年人"
        head_id = head.id
    ResidentService(engine, "clerk", town["household"]).update(
        head_id, {"name": "张建华", "relation": "head", "id_number": HEAD_ID}
    )
    with unit_of_work(engine) as s:
        assert s.get(Household, town["household"]).head_name == "张建华"
    HouseholdService(engine).update(town["household"], {
        **HouseholdService(engine).load(town["household"]), "head_name": "张国强",
    })  # fmt: skip
    with unit_of_work(engine) as s:
        assert s.get(Resident, head_id).name == "张国强"


def test_household_and_resident_rules(engine, town):
    service = HouseholdService(engine)
    base = {"village_id": town["other"], "grid_id": town["grid"], "address": "青山村2号",
            "head_name": "赵四", "size": 1}  # fmt: skip
    with pytest.raises(ValidationError) as grid_error:
        service.create(base)
    assert grid_error.value.errors["grid_id"] == "所选网格不属于所选村居"
    with pytest.raises(ValidationError) as twice:
        service.create({**base, "grid_id": None, "head_id_number": HEAD_ID})
    assert "已是白鹤村“白鹤村1组3号”的户主" in twice.value.errors["head_id_number"]
    bad = HEAD_ID[:-1] + ("0" if HEAD_ID[-1] != "0" else "1")
    with pytest.raises(ValidationError) as check:
        service.create({**base, "grid_id": None, "head_id_number": bad})
    assert "校验位错误" in check.value.errors["head_id_number"]
    residents = ResidentService(engine, None, town["household"])
    with pytest.raises(ValidationError) as second_head:
        residents.create({"name": "张小", "relation": "head"})
    assert "已有户主" in second_head.value.errors["relation"]
    with unit_of_work(engine) as s:
        head_id = s.scalar(select(Resident.id).where(Resident.relation == "head"))
    with pytest.raises(ValidationError, match="户主不能删除"):
        residents.delete(head_id)
    assert "2名居民" in service.describe(town["household"])


def test_a_visit_delivers_signs_installs_and_dates(engine, town):
    with unit_of_work(engine) as s:
        s.add(Letter(kind="notice", number="GZ2026-TEST-000001", household_id=town["household"],
                     status="printed", printed_at=datetime.now()))  # fmt: skip
    result = save_visit(engine, town["household"], visit(town), app_resident_ids=[town["spouse"]])
    got = letters(engine, town["household"])
    assert got["notice"][:4] == ("delivered", TODAY, town["worker"], result.visit_id)
    assert got["commitment_household"][0] == "signed"
    assert got["commitment_household"][4] == "张建国"
    assert result.app_installed == 1 and len(result.letters) == 2
    with unit_of_work(engine) as s:
        household = s.get(Household, town["household"])
        assert household.last_visited_on == TODAY
        assert household.notice_delivered_on == TODAY
        assert household.commitment_signed_on == TODAY
        assert household.residents_without_app == 1  # the head has not installed it
        paper = s.scalar(select(Letter).where(Letter.kind == "commitment_household"))
        assert paper.notes.startswith("走访时送达") and paper.number.startswith("CN")
        stored = s.get(Visit, result.visit_id)
        assert stored.topics == "刷单返利,国家反诈中心APP"
    # the same news twice changes nothing
    again = save_visit(engine, town["household"], visit(town))
    assert again.letters == [] and again.app_installed == 0


def test_nobody_home_and_refused_are_outcomes(engine, town):
    away = save_visit(
        engine, town["household"],
        visit(town, outcome="nobody_home", notice_delivered=False, commitment_result=None),
    )  # fmt: skip
    with unit_of_work(engine) as s:
        assert s.get(Visit, away.visit_id).outcome == "nobody_home"
        assert s.get(Household, town["household"]).last_visited_on is None
    assert letters(engine, town["household"]) == {}
    with pytest.raises(ValidationError) as error:
        save_visit(engine, town["household"], visit(town, outcome="nobody_home"))
    assert error.value.errors["outcome"] == "不在家时不能送达告知书或签订承诺书"
    save_visit(engine, town["household"], visit(town, commitment_result="refused"))
    assert letters(engine, town["household"])["commitment_household"][0] == "refused"
    save_visit(engine, town["household"], visit(town))  # signed on the next visit
    assert letters(engine, town["household"])["commitment_household"][0] == "signed"


def test_a_refusal_changes_no_letter_unless_the_worker_says_so(engine, town):
    refused = visit(town, outcome="refused", notice_delivered=False, commitment_result=None)
    result = save_visit(engine, town["household"], refused)
    assert result.letters == [] and letters(engine, town["household"]) == {}
    with unit_of_work(engine) as s:
        household = s.get(Household, town["household"])
        assert (household.notice_delivered_on, household.commitment_signed_on) == (None, None)
        assert s.get(Visit, result.visit_id).commitment_result is None
    # 拒签 is itself an outcome, set explicitly
    save_visit(engine, town["household"], {**refused, "commitment_result": "refused"})
    assert letters(engine, town["household"])["commitment_household"][0] == "refused"
    assert "notice" not in letters(engine, town["household"])


def test_a_visit_where_someone_was_met_says_what_became_of_the_commitment(engine, town):
    before = counts(engine)
    with pytest.raises(ValidationError) as error:
        save_visit(engine, town["household"], visit(town, commitment_result=None))
    assert error.value.errors == {
        "commitment_result": "承诺书须选择已签、拒签或未提供（该户已走访）"
    }
    assert counts(engine) == before
    save_visit(engine, town["household"], visit(town, commitment_result="not_offered"))
    assert set(letters(engine, town["household"])) == {"notice"}  # 未提供: no commitment letter


def test_bad_visits_save_nothing(engine, town, tmp_path):
    before = counts(engine)
    not_a_photo = tmp_path / "照片.jpg"
    not_a_photo.write_text("这不是图片")
    with unit_of_work(engine) as s:
        registered = s.get(Household, town["household"]).created_at.date()
    cases = [
        ({"visited_on": TODAY + timedelta(days=1)}, {}, "走访日期不能晚于今天"),
        ({"visited_on": registered - timedelta(days=1)}, {}, "走访日期不能早于该户的登记日期"),
        ({}, {"photos": [not_a_photo]}, "不是图片"),
        ({}, {"app_resident_ids": [999]}, "不属于该户"),
        ({"mode": None}, {}, "走访方式不能为空"),
    ]
    for changes, extra, message in cases:
        with pytest.raises(ValidationError) as error:
            save_visit(engine, town["household"], visit(town, **changes), **extra)
        assert message in str(error.value)
        assert counts(engine) == before
    HouseholdService(engine).delete(town["household"])
    with pytest.raises(ValidationError, match="已被删除"):
        save_visit(engine, town["household"], visit(town))


def test_photos_are_stored_with_the_visit(engine, town, tmp_path):
    photo = tmp_path / "入户.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    result = save_visit(engine, town["household"], visit(town), photos=[photo])
    with unit_of_work(engine) as s:
        attachment = s.scalar(select(Attachment))
        owner = s.get(Visit, result.visit_id).uuid
    assert (attachment.owner_table, attachment.owner_uuid) == ("visit", owner)
    assert attachment.mime_type == "image/png" and result.photos == 1


def test_next_unvisited_household_of_the_grid_by_address(engine, town):
    service = HouseholdService(engine)
    made = {}
    for address in ("白鹤村1组5号", "白鹤村1组4号", "白鹤村1组6号"):
        made[address] = service.create({
            "village_id": town["village"], "grid_id": town["grid"], "address": address,
            "head_name": "住户" + address[-2:], "size": 1,
        })  # fmt: skip
    with unit_of_work(engine) as s:
        s.execute(Household.__table__.update().values(created_at=utcnow() - timedelta(days=30)))
    first = town["household"]  # 白鹤村1组3号
    assert next_unvisited(engine, first) == made["白鹤村1组4号"]
    save_visit(engine, made["白鹤村1组5号"], visit(town, notice_delivered=False,
                                                 commitment_result="not_offered"))  # fmt: skip
    assert next_unvisited(engine, made["白鹤村1组4号"]) == made["白鹤村1组6号"]
    assert next_unvisited(engine, made["白鹤村1组6号"]) is None
    defaults = visit_defaults(engine, first)
    assert (defaults.grid_worker_id, defaults.police_officer_id) == (
        town["worker"],
        town["officer"],
    )
    assert [name for _, name, _ in defaults.residents] == ["张建国", "李秀英"]


def test_deleting_a_visit_gives_back_the_visit_before(engine, town):
    older = save_visit(engine, town["household"],
                       visit(town, visited_on=TODAY - timedelta(days=40)))  # fmt: skip
    newer = save_visit(engine, town["household"], visit(town))
    delete_visit(engine, newer.visit_id)
    with unit_of_work(engine) as s:
        assert s.get(Household, town["household"]).last_visited_on == TODAY - timedelta(days=40)
    delete_visit(engine, older.visit_id)
    with unit_of_work(engine) as s:
        assert s.get(Household, town["household"]).last_visited_on is None


def test_filtered_households_and_visits_export_masked(engine, town, tmp_path):
    from openpyxl import load_workbook

    from app.core.progress import run_to_end
    from app.core.registers import RegisterQuery
    from app.households.register import HouseholdRegister
    from app.households.visit_registers import VisitRegister
    from app.sheets.register_export import export_register_xlsx

    save_visit(engine, town["household"], visit(town))
    save_visit(engine, town["household"], visit(town, visited_on=TODAY - timedelta(days=3)))
    households = tmp_path / "住户.xlsx"
    query = RegisterQuery(filters={"village": town["village"], "commitment": "done"})
    assert run_to_end(export_register_xlsx(HouseholdRegister(engine), query, households)) == 1
    sheet = load_workbook(households).active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["户主"] == "张建国" and row["身份证号码"] == HEAD_ID[:6] + "*" * 8 + HEAD_ID[-4:]
    assert row["联系电话"] == "138****5678"
    visits = tmp_path / "走访.xlsx"
    assert run_to_end(export_register_xlsx(VisitRegister(engine), RegisterQuery(), visits)) == 2
    rows = list(load_workbook(visits).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("走访日期", "村居", "网格")
    assert [r[0].date() for r in rows[1:]] == [TODAY, TODAY - timedelta(days=3)]  # newest first
