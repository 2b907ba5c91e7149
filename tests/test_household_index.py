"""The household search index and state columns stay right whoever writes (db/household_index)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from app.core.progress import run_to_end
from app.demo.township import build_demo
from db import household_index
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Household, Letter, Resident, Unit


@pytest.fixture
def household(engine):
    with unit_of_work(engine) as s:
        village = Unit(name="白鹤村", kind="village")
        s.add(village)
        s.flush()
        h = Household(village_id=village.id, address="白鹤村3组12号", head_name="王喆",
                      head_id_number="11010519491231002X", phone="13812345678")  # fmt: skip
        s.add(h)
        s.flush()
        s.add_all([
            Resident(household_id=h.id, name="王喆", relation="head"),
            Resident(household_id=h.id, name="李秀英", relation="spouse"),
        ])  # fmt: skip
        return h.id


def state(engine, household_id):
    with engine.connect() as conn:
        return conn.execute(
            select(Household.notice_delivered_on, Household.commitment_signed_on,
                   Household.residents_without_app).where(Household.id == household_id)
        ).one()  # fmt: skip


def search_line(engine, household_id):
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT text FROM household_search WHERE id = :id"), {"id": household_id}
        ).scalar()


def fts_ids(engine, match):
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(
            text("SELECT rowid FROM household_fts WHERE household_fts MATCH :q"), {"q": match}
        )]  # fmt: skip


def test_letters_and_residents_keep_the_state_columns(engine, household):
    assert state(engine, household) == (None, None, 2)
    with unit_of_work(engine) as s:
        s.add(Letter(kind="notice", number="GZ-1", household_id=household, status="printed"))
    assert state(engine, household) == (None, None, 2)
    with unit_of_work(engine) as s:
        letter = s.scalar(select(Letter))
        letter.status, letter.delivered_on = "delivered", date(2026, 3, 5)
        s.add(Letter(kind="commitment_household", number="CN-1", household_id=household,
                     status="signed", signed_on=date(2026, 3, 6)))  # fmt: skip
        head = s.scalar(select(Resident).where(Resident.relation == "head"))
        head.app_installed_on = date(2026, 3, 5)
    assert state(engine, household) == (date(2026, 3, 5), date(2026, 3, 6), 1)
    with unit_of_work(engine) as s:
        s.scalar(select(Letter).where(Letter.kind == "notice")).status = "void"
        s.scalar(select(Resident).where(Resident.relation == "spouse")).deleted_at = utcnow()
    assert state(engine, household) == (None, date(2026, 3, 6), 0)


def test_search_line_follows_household_and_residents(engine, household):
    sep = household_index.SEPARATOR
    assert search_line(engine, household) == sep.join(
        ["王喆", "白鹤村3组12号", "13812345678", "11010519491231002X", "李秀英", "", ""]
    )
    with unit_of_work(engine) as s:
        s.scalar(select(Resident).where(Resident.name == "李秀英")).name = "欧阳淼"
        s.get(Household, household).address = "青山村1组1号"
    assert "欧阳淼" in search_line(engine, household)
    assert fts_ids(engine, '"欧阳淼"') == [household]
    assert fts_ids(engine, '"李秀英"') == []
    assert fts_ids(engine, '"青山村"') == [household]
    assert fts_ids(engine, '"白鹤村"') == []


def test_like_on_the_fts_table_is_the_trap_the_register_avoids(engine, household):
    # SQLite 3.40 answers LIKE with two characters on a trigram table with nothing at all
    with engine.connect() as conn:
        like = conn.execute(
            text("SELECT count(*) FROM household_fts WHERE text LIKE '%白鹤%'")
        ).scalar()
        starts = conn.execute(
            text("SELECT count(DISTINCT doc) FROM household_fts_terms "
                 "WHERE term >= '白鹤' AND term < '白鹤' || char(1114111)")
        ).scalar()  # fmt: skip
    assert starts == 1
    assert like in (0, 1)  # whatever this SQLite says, the register does not ask it


def test_bulk_build_with_suspended_triggers_equals_row_by_row(engine):
    run_to_end(build_demo(engine, households=150, seed=3, today=date(2026, 11, 23)))
    with engine.connect() as conn:
        before = conn.execute(
            text("SELECT h.id, h.notice_delivered_on, h.commitment_signed_on, "
                 "h.residents_without_app, s.text FROM household h "
                 "JOIN household_search s ON s.id = h.id ORDER BY h.id")
        ).all()  # fmt: skip
    assert len(before) == 150
    assert any(row[1] for row in before) and any(row[2] for row in before)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE household SET notice_delivered_on = NULL, "
                             "commitment_signed_on = NULL, residents_without_app = 0")  # fmt: skip
        conn.exec_driver_sql("DELETE FROM household_search")
        conn.exec_driver_sql("INSERT INTO household_fts(household_fts) VALUES ('delete-all')")
        household_index.rebuild(conn)
    with engine.connect() as conn:
        after = conn.execute(
            text("SELECT h.id, h.notice_delivered_on, h.commitment_signed_on, "
                 "h.residents_without_app, s.text FROM household h "
                 "JOIN household_search s ON s.id = h.id ORDER BY h.id")
        ).all()  # fmt: skip
        integrity = conn.execute(
            text("INSERT INTO household_fts(household_fts, rank) VALUES ('integrity-check', 1)")
        )
        del integrity
    assert after == before


def test_rebuild_since_an_id_touches_only_the_new_households(engine, household):
    with engine.begin() as conn:
        with household_index.suspended_triggers(conn, since_id=household + 1):
            conn.exec_driver_sql(
                "INSERT INTO household (uuid, created_at, updated_at, village_id, address, "
                "head_name, size) SELECT 'u2', created_at, updated_at, village_id, '溪口村8号', "
                "'欧阳娜娜', 1 FROM household"
            )
        new_id = conn.execute(select(func.max(Household.id))).scalar()
    assert fts_ids(engine, '"欧阳娜"') == [new_id]
    assert fts_ids(engine, '"白鹤村"') == [household]
    with engine.connect() as conn:
        triggers = conn.execute(
            text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
        ).scalar()
    assert triggers == len(household_index.TRIGGERS)


def test_key_groups_are_the_vocabulary_in_bit_order(engine, household):
    from app.core.vocab import RESIDENT_TAGS

    assert household_index.KEY_GROUPS == RESIDENT_TAGS
    with unit_of_work(engine) as s:
        s.get(Household, household).tags = "老年人"
        spouse = s.scalar(select(Resident).where(Resident.name == "李秀英"))
        spouse.tags = "退休人员,财务人员"
    with engine.connect() as conn:
        mask = conn.execute(select(Household.key_group_mask)).scalar()
    bits = {t for t in RESIDENT_TAGS if mask & household_index.key_group_bit(t)}
    assert bits == {"老年人", "退休人员", "财务人员"}
    with unit_of_work(engine) as s:
        s.scalar(select(Resident).where(Resident.name == "李秀英")).deleted_at = utcnow()
    with engine.connect() as conn:
        assert conn.execute(select(Household.key_group_mask)).scalar() == 1


def test_a_deleted_household_leaves_the_search_index(engine, household):
    with unit_of_work(engine) as s:
        s.get(Household, household).deleted_at = utcnow()
    assert search_line(engine, household) is None
    assert fts_ids(engine, '"白鹤村"') == []
    with unit_of_work(engine) as s:
        s.get(Household, household).deleted_at = None
    assert fts_ids(engine, '"白鹤村"') == [household]
