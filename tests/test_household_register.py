"""The household register: every search and filter against a brute-force answer in Python."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from sqlalchemy import select

from app.core.progress import run_to_end
from app.core.registers import RegisterQuery
from app.demo.township import build_demo
from app.households.register import HouseholdRegister
from db.models import Household, Resident

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    from db.engine import make_engine, sqlite_url
    from db.schema import prepare_database

    url = sqlite_url(tmp_path_factory.mktemp("households") / "town.sqlite")
    prepare_database(url)
    engine = make_engine(url)
    run_to_end(build_demo(engine, households=400, seed=5, today=TODAY))
    with engine.connect() as conn:
        households = {h.id: h for h in conn.execute(select(Household))}
        residents = conn.execute(select(Resident).where(Resident.deleted_at.is_(None))).all()
    members: dict[int, list] = {}
    for r in residents:
        members.setdefault(r.household_id, []).append(r)
    yield engine, households, members
    engine.dispose()


@pytest.fixture
def register(town):
    return HouseholdRegister(town[0], today=TODAY)


def ids(register, query):
    total = register.count(query)
    found = [r.id for r in register.fetch(query, 0, 10_000)]
    assert total == len(found)
    return found


def brute_search(town, word):
    _, households, members = town
    word = unicodedata.normalize("NFKC", word).lower()

    def fields(h):
        return [h.head_name, h.address, h.phone or "", h.head_id_number or ""] + [
            r.name for r in members.get(h.id, [])
        ]

    return sorted(
        h.id
        for h in households.values()
        if h.deleted_at is None and any(word in f.lower() for f in fields(h))
    )


def test_personal_columns_are_masked_unless_revealed(register):
    (row,) = register.fetch(RegisterQuery(), 0, 1)
    (full,) = register.fetch(RegisterQuery(), 0, 1, reveal=True)
    i, p = register.column_index("head_id_number"), register.column_index("phone")
    assert len(full.values[i]) == 18
    assert row.values[i] == full.values[i][:6] + "*" * 8 + full.values[i][-4:]
    assert row.values[p] == full.values[p][:3] + "****" + full.values[p][-4:]


def test_every_kind_of_search_finds_exactly_what_contains_it(town, register):
    _, households, members = town
    h = next(h for h in households.values() if h.phone and h.head_id_number)
    other = next(r for rs in members.values() for r in rs if r.relation != "head")
    queries = [
        h.head_name[0],  # one Chinese character
        h.head_name[:2],  # two characters
        h.address[:2],
        h.address[2:6],  # an address fragment
        h.phone[-4:],  # four digits of a phone
        h.head_id_number[6:12],  # six digits of an ID number
        other.name,  # a resident who is not the head
        "白鹤",
        "张",
    ]
    found = {}
    for q in queries:
        found[q] = ids(register, RegisterQuery(text=q))
        assert found[q] == brute_search(town, q), q
    # every query about the chosen household finds it
    assert all(h.id in found[q] for q in queries[:6])


def test_full_width_digits_lower_case_x_and_several_words(town, register):
    _, households, _ = town
    with_x = next((h for h in households.values() if (h.head_id_number or "").endswith("X")), None)
    h = next(h for h in households.values() if h.phone)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in h.phone[-5:])
    assert ids(register, RegisterQuery(text=full_width)) == brute_search(town, h.phone[-5:])
    if with_x is not None:
        tail = with_x.head_id_number[-5:].lower()
        assert with_x.id in ids(register, RegisterQuery(text=tail))
    both = ids(register, RegisterQuery(text=f"{h.head_name[0]} {h.address[:3]}"))
    assert both == sorted(set(brute_search(town, h.head_name[0])) &
                          set(brute_search(town, h.address[:3])))  # fmt: skip
    assert h.id in both
    short = ids(register, RegisterQuery(text=f"{h.head_name[0]} {h.address[:2]}"))
    assert short == sorted(set(brute_search(town, h.head_name[0])) &
                           set(brute_search(town, h.address[:2])))  # fmt: skip
    assert h.id in short


def test_filters_match_their_definitions(town, register):
    _, households, members = town
    live = [h for h in households.values() if h.deleted_at is None]
    year_start = date(TODAY.year, 1, 1)
    some = next(h for h in live if h.grid_id)
    expected = {
        ("village", some.village_id): [h.id for h in live if h.village_id == some.village_id],
        ("grid", some.grid_id): [h.id for h in live if h.grid_id == some.grid_id],
        ("visited", "not_this_year"): [
            h.id for h in live if h.last_visited_on is None or h.last_visited_on < year_start
        ],
        ("visited", "this_year"): [
            h.id for h in live if h.last_visited_on and h.last_visited_on >= year_start
        ],
        ("notice", "missing"): [h.id for h in live if h.notice_delivered_on is None],
        ("commitment", "done"): [h.id for h in live if h.commitment_signed_on is not None],
        ("app", "missing"): [
            h.id for h in live
            if any(r.app_installed_on is None for r in members.get(h.id, []))
        ],
        ("tag", "老年人"): [
            h.id for h in live
            if "老年人" in (h.tags or "")
            or any("老年人" in (r.tags or "") for r in members.get(h.id, []))
        ],
    }  # fmt: skip
    for (key, value), wanted in expected.items():
        got = ids(register, RegisterQuery(filters={key: value}))
        assert got == sorted(wanted), key
        assert 0 < len(got) < len(live), key
    combined = ids(register, RegisterQuery(
        text=some.head_name[0], filters={"village": some.village_id, "notice": "missing"}
    ))  # fmt: skip
    assert combined == sorted(
        set(brute_search(town, some.head_name[0]))
        & set(expected[("village", some.village_id)])
        & set(expected[("notice", "missing")])
    )


def test_state_columns_agree_with_the_letters(town):
    engine, households, _ = town
    from db.models import Letter

    with engine.connect() as conn:
        letters = conn.execute(select(Letter).where(Letter.deleted_at.is_(None))).all()
    delivered = {
        le.household_id for le in letters
        if le.kind == "notice" and le.status in ("delivered", "signed")
    }  # fmt: skip
    signed = {
        le.household_id for le in letters
        if le.kind == "commitment_household" and le.status == "signed"
    }  # fmt: skip
    assert delivered and signed
    assert {h.id for h in households.values() if h.notice_delivered_on} == delivered
    assert {h.id for h in households.values() if h.commitment_signed_on} == signed


def test_sorting_by_any_column_and_paging(town, register):
    _, households, _ = town
    some = next(iter(households.values()))
    query = RegisterQuery(filters={"village": some.village_id}, sort_key="address")
    total = register.count(query)
    rows = register.fetch(query, 0, total)
    addresses = [r.values[register.column_index("address")] for r in rows]
    assert addresses == sorted(addresses)
    pages = register.fetch(query, 0, 7) + register.fetch(query, 7, total)
    assert [r.id for r in pages] == [r.id for r in rows]
    for column in register.columns:
        q = RegisterQuery(sort_key=column.key, descending=True)
        assert len(register.fetch(q, 0, 50)) == 50, column.key
    by_village = register.fetch(RegisterQuery(sort_key="village"), 0, 400)
    villages = [r.values[0] for r in by_village]
    # grouped: each village's households come together
    assert len([v for i, v in enumerate(villages) if i == 0 or v != villages[i - 1]]) == len(
        set(villages)
    )
