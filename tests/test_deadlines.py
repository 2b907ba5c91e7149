"""报送时限: the plan's dates per year, and what is overdue after them (not only missing)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.core.validation import ValidationError
from app.org.deadlines import (
    Deadlines,
    deadlines_of,
    groups_overdue,
    load_deadlines,
    roles_overdue,
    save_deadlines,
)
from app.oversight.overdue import overdue_items
from db.engine import unit_of_work
from db.models import Person, PublicityGroup, Unit, UnitRole

ROLES = ("first_responsible", "specific_responsible", "liaison", "lecturer")


@pytest.fixture
def town(engine):
    with unit_of_work(engine) as s:
        units = [Unit(name=n, kind=k, sort_order=i) for i, (n, k) in enumerate(
            (("白鹤村", "village"), ("东山村", "village"), ("清溪派出所", "police")))]  # fmt: skip
        s.add_all(units)
        s.flush()
        ids = {u.name: u.id for u in units}
        person = Person(name="王某")
        s.add(person)
        s.flush()
        for role in ROLES:  # 白鹤村 names all four; 东山村 only two; the station none
            s.add(UnitRole(unit_id=ids["白鹤村"], role=role, person_id=person.id))
        for role in ROLES[:2]:
            s.add(UnitRole(unit_id=ids["东山村"], role=role, person_id=person.id))
        s.add(PublicityGroup(name="白鹤村反诈群", tier=2, owner_unit_id=ids["白鹤村"]))
        s.add(PublicityGroup(name="东山村老年群", tier=3, owner_unit_id=ids["东山村"]))
        return ids


def test_dates_are_kept_per_year_and_must_fall_in_it(engine):
    assert load_deadlines(engine) == {}
    assert deadlines_of(engine, 2026) == Deadlines(2026)
    save_deadlines(engine, {"year": 2025, "roles_by": date(2025, 3, 31)}, "clerk")
    save_deadlines(engine, {"year": "2026", "roles_by": "2026-04-15", "groups_by": "2026-05-01"})
    save_deadlines(engine, {"year": 2024, "staff_by": "2024-06-30"})
    assert load_deadlines(engine) == {
        2024: Deadlines(2024, None, None, date(2024, 6, 30)),
        2025: Deadlines(2025, date(2025, 3, 31), None),
        2026: Deadlines(2026, date(2026, 4, 15), date(2026, 5, 1)),
    }
    with pytest.raises(ValidationError) as caught:
        save_deadlines(engine, {"year": 2026, "roles_by": "2025-12-31", "groups_by": "明年"})
    assert caught.value.errors == {"groups_by": "二级宣传群建成截止日期应为日期，如2024-03-05"}
    with pytest.raises(ValidationError) as caught:
        save_deadlines(engine, {"year": 2026, "roles_by": "2025-12-31"})
    assert caught.value.errors == {"roles_by": "四员报送截止日期应在2026年内"}
    assert deadlines_of(engine, 2026).roles_by == date(2026, 4, 15)  # the refused save kept none


def test_missing_people_and_groups_are_overdue_only_after_the_date(engine, town):
    save_deadlines(engine, {"year": 2026, "roles_by": "2026-03-31", "groups_by": "2026-04-30"})
    assert roles_overdue(engine, date(2026, 3, 31)) is None
    late = roles_overdue(engine, date(2026, 4, 1))
    assert late.due == date(2026, 3, 31) and late.units == ("东山村", "清溪派出所")
    assert groups_overdue(engine, date(2026, 4, 30)) is None
    assert groups_overdue(engine, date(2026, 5, 1)).units == ("东山村",)  # a tier-3 group is not it
    assert roles_overdue(engine, date(2027, 6, 1)) is None  # 2027 sets no date
    items = {i.key: i for i in overdue_items(engine, date(2026, 5, 2))}
    roles = items["roles_deadline"]
    assert roles.text == "东山村、清溪派出所单位（村居）超过2026年3月31日仍未报齐四员"
    assert (roles.count, roles.target.tab, roles.target.filters) == (
        2, "成员单位", {"roles": "incomplete"}
    )  # fmt: skip
    groups = items["groups_deadline"]
    assert groups.text == "东山村村居超过2026年4月30日仍未建立二级宣传群"
    assert (groups.target.tab, groups.target.subtab) == ("组织架构", "三级宣传群")
    with unit_of_work(engine) as s:
        s.add(PublicityGroup(name="东山村反诈群", tier=2, owner_unit_id=town["东山村"]))
    assert groups_overdue(engine, date(2026, 5, 1)).units == ()
    assert "groups_deadline" not in {i.key for i in overdue_items(engine, date(2026, 5, 2))}


def test_the_clerk_sets_the_dates_beside_the_missing_list(qtbot, engine, town):
    from ui.tabs.org.units_report import MissingRolesView

    view = MissingRolesView(engine, ask_pdf=lambda *_: None, ask_save_path=lambda *_: None,
                            open_file=lambda _p: None, inform=lambda *_: None)  # fmt: skip
    qtbot.addWidget(view)
    view.show()
    view.refresh(date(2026, 5, 1))
    assert view.deadline.text() == "2026年未设报送时限"
    view.deadline_button.click()
    view.dialog.set_values({"roles_by": date(2025, 3, 31)})
    view.dialog.save()
    assert view.dialog.isVisible()  # refused: not in 2026
    assert deadlines_of(engine, 2026).roles_by is None
    view.dialog.set_values({"roles_by": date(2026, 3, 31)})
    view.dialog.save()
    assert deadlines_of(engine, 2026).roles_by == date(2026, 3, 31)
    assert view.deadline.text() == "报送截止：2026年3月31日，已逾期"
    with unit_of_work(engine) as s:
        assert s.scalar(select(Unit.id).where(Unit.name == "东山村")) == town["东山村"]
