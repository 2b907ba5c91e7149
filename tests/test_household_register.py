"""The household list: search by any part, masked personal data, village filter, paging."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.demo import build_demo
from app.households import HouseholdRegister
from app.progress import run_to_end
from app.registers import RegisterQuery
from db.models import Household


@pytest.fixture
def register(engine):
    run_to_end(build_demo(engine, households=400, seed=5, today=date(2026, 11, 23)))
    return HouseholdRegister(engine)


def test_personal_columns_are_masked_unless_revealed(register):
    (row,) = register.fetch(RegisterQuery(), 0, 1)
    (full,) = register.fetch(RegisterQuery(), 0, 1, reveal=True)
    id_column = register.column_index("head_id_number")
    assert len(full.values[id_column]) == 18
    assert (
        row.values[id_column] == full.values[id_column][:6] + "*" * 8 + full.values[id_column][-4:]
    )


def test_search_finds_one_chinese_character_and_any_part_of_a_phone(register, engine):
    with engine.connect() as conn:
        surname, phone = conn.execute(
            select(Household.head_name, Household.phone).where(Household.phone.is_not(None))
        ).first()
    by_name = register.fetch(RegisterQuery(text=surname[0]), 0, 1000)
    assert by_name and all(
        surname[0] in r.values[register.column_index("head_name")]
        or surname[0] in r.values[register.column_index("address")]
        for r in by_name
    )
    assert register.count(RegisterQuery(text=surname[0])) == len(by_name)
    assert register.count(RegisterQuery(text=phone[3:9])) >= 1  # searched unmasked, shown masked


def test_village_filter_sort_and_pages(register):
    (village,) = register.filters()
    first_village_id, first_village = village.choices[0]
    query = RegisterQuery(filters={"village": first_village_id}, sort_key="address")
    total = register.count(query)
    assert 0 < total < register.count(RegisterQuery())
    rows = register.fetch(query, 0, total)
    assert {r.values[0] for r in rows} == {first_village}
    addresses = [r.values[register.column_index("address")] for r in rows]
    assert addresses == sorted(addresses)
    pages = register.fetch(query, 0, 7) + register.fetch(query, 7, total)
    assert [r.id for r in pages] == [r.id for r in rows]
