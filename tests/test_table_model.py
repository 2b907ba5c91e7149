"""The register table model: counts with SQL, reads pages lazily, sorts and searches in SQL."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import Select, insert, select

from app.core.registers import RegisterColumn, RegisterQuery, SqlRegister
from app.org.units import UnitRegister
from db.models import Person, Unit
from ui.register.table_model import RawValueRole, RegisterTableModel, display_text

UNITS = 5000
POLICE_EVERY = 50  # every 50th unit is a 派出所: 100 of them


def unit_name(i: int) -> str:
    return f"清溪镇派出所{i:04d}" if i % POLICE_EVERY == 0 else f"成员单位{i:04d}"


# SQLite compares text by code point, as Python does
NAMES_DESCENDING = sorted((unit_name(i) for i in range(UNITS)), reverse=True)


class CountingUnitRegister(UnitRegister):
    """The real register, counting how often the model reads a page from the database."""

    def __init__(self, engine) -> None:
        super().__init__(engine)
        self.fetches: list[tuple[int, int]] = []

    def fetch(self, query, offset, limit, reveal=False):
        self.fetches.append((offset, limit))
        return super().fetch(query, offset, limit, reveal)


class PersonRegister(SqlRegister):
    """A tiny register with a personal column, to check masking."""

    title = "人员"
    columns = (
        RegisterColumn("name", "姓名", 8),
        RegisterColumn("mobile", "手机", 12, personal="phone"),
    )

    def select_rows(self) -> Select:
        return select(
            Person.id.label("id"), Person.name.label("name"), Person.mobile.label("mobile")
        )


@pytest.fixture
def units(engine):
    rows = [
        {
            "name": unit_name(i),
            "kind": "police" if i % POLICE_EVERY == 0 else "enterprise",
            "address": f"清溪镇{i}号",
            "sort_order": i,
        }
        for i in range(UNITS)
    ]
    with engine.begin() as conn:
        conn.execute(insert(Unit), rows)
    return engine


def _texts(model: RegisterTableModel, row: int) -> list[str]:
    return [model.data(model.index(row, c)) for c in range(model.columnCount())]


def test_rows_are_counted_in_sql_and_fetched_a_page_at_a_time(qtbot, units):
    register = CountingUnitRegister(units)
    model = RegisterTableModel(register, page_size=200)
    assert model.rowCount() == UNITS
    assert register.fetches == []  # nothing read before anything is shown
    for row in range(50):
        _texts(model, row)
    assert register.fetches == [(0, 200)]
    assert model.data(model.index(0, 0)) == "清溪镇派出所0000"
    model.data(model.index(4999, 0))
    assert len(register.fetches) == 2
    assert model.data(model.index(4999, 0)) == "成员单位4999"
    assert model.row_id(4999) > model.row_id(0)


def test_the_page_cache_is_small_and_dropped_on_refresh(qtbot, units):
    register = CountingUnitRegister(units)
    model = RegisterTableModel(register, page_size=100, cache_pages=3)
    for page in range(5):
        model.data(model.index(page * 100, 0))
    model.data(model.index(0, 0))  # page 0 was evicted (least recently used)
    assert len(register.fetches) == 6
    model.data(model.index(450, 0))  # page 4 is still cached
    assert len(register.fetches) == 6
    with qtbot.waitSignal(model.modelReset), qtbot.waitSignal(model.countChanged) as counted:
        model.refresh()
    assert counted.args == [UNITS]
    model.data(model.index(450, 0))
    assert len(register.fetches) == 7


def test_headers_alignment_and_sort_in_sql(qtbot, units):
    register = CountingUnitRegister(units)
    model = RegisterTableModel(register)
    labels = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert labels == [
        "单位名称", "类别", "四员", "第一责任人", "联络员", "联络员手机", "联系电话", "地址",
        "职工人数", "职责分工",
    ]  # fmt: skip
    right = model.data(model.index(0, 8), Qt.ItemDataRole.TextAlignmentRole)
    assert right & Qt.AlignmentFlag.AlignRight
    left = model.data(model.index(0, 0), Qt.ItemDataRole.TextAlignmentRole)
    assert not left & Qt.AlignmentFlag.AlignRight
    assert model.data(model.index(0, 1)) == "派出所"  # the stored code shown as its label
    assert model.data(model.index(0, 3)) == ""  # None is empty
    assert model.data(model.index(0, 3), RawValueRole) is None

    with qtbot.waitSignal(model.modelReset):
        model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model.query.sort_key == "name" and model.query.descending
    assert model.data(model.index(0, 0)) == NAMES_DESCENDING[0] == "清溪镇派出所4950"
    assert model.data(model.index(UNITS - 1, 0)) == NAMES_DESCENDING[-1] == "成员单位0001"
    model.sort(-1, Qt.SortOrder.AscendingOrder)  # back to the register's own order
    assert model.query.sort_key is None
    assert model.data(model.index(0, 0)) == "清溪镇派出所0000"


def test_search_text_narrows_the_count(qtbot, units):
    model = RegisterTableModel(UnitRegister(units))
    with qtbot.waitSignal(model.countChanged) as counted:
        model.set_query(RegisterQuery(text="派出"))
    assert counted.args == [UNITS // POLICE_EVERY]
    assert model.rowCount() == UNITS // POLICE_EVERY
    assert all("派出" in model.data(model.index(r, 0)) for r in range(model.rowCount()))
    model.set_query(RegisterQuery(filters={"kind": "enterprise"}))
    assert model.rowCount() == UNITS - UNITS // POLICE_EVERY
    model.set_query(RegisterQuery(text="派出 0100"))  # every word must match
    assert model.rowCount() == 1


def test_row_of_id_finds_a_record_not_yet_read(qtbot, units):
    register = CountingUnitRegister(units)
    model = RegisterTableModel(register, RegisterQuery(sort_key="name", descending=True))
    last_id = register.fetch(RegisterQuery(), UNITS - 1, 1)[0].id  # 成员单位4999
    register.fetches.clear()
    assert model.row_of_id(last_id) == NAMES_DESCENDING.index("成员单位4999") == 100
    assert register.fetches == []  # found by SQL, not by reading pages
    assert model.row_of_id(10**9) is None


def test_personal_columns_are_masked_unless_revealed(qtbot, engine):
    with engine.begin() as conn:
        conn.execute(insert(Person), [{"name": "王喆", "mobile": "13812345678"}])
    model = RegisterTableModel(PersonRegister(engine))
    assert model.data(model.index(0, 1)) == "138****5678"
    with qtbot.waitSignal(model.modelReset):
        model.set_reveal(True)
    assert model.reveal
    assert model.data(model.index(0, 1)) == "13812345678"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "是"),
        (False, "否"),
        (0, "0"),
        (date(2024, 3, 5), "2024-03-05"),
        ("第一行\n第二行", "第一行 第二行"),
    ],
)
def test_display_text(value, text):
    assert display_text(value) == text
