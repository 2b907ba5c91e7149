"""三级宣传群: tiers that hang together, their people, pushes, and the tree."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.core.registers import RegisterQuery
from app.core.validation import ValidationError
from app.org.publicity_groups import GroupRegister, GroupService, group_tree, record_push
from app.org.units import UnitService
from db.engine import unit_of_work
from db.models import Person, PublicityGroup


@pytest.fixture
def groups(engine):
    units = UnitService(engine, "clerk")
    office = units.create({"name": "清溪镇平安办", "kind": "institution"})
    village = units.create({"name": "溪口村", "kind": "village"})
    service = GroupService(engine, "clerk")
    top = service.create(
        {"name": "清溪镇反诈宣传指挥群", "tier": 1, "owner_unit_id": office,
         "pusher_name": "韩涛", "pusher_mobile": "13800000001",
         "supervisor_name": "蔡慧婷", "member_count": 58, "last_push_on": date.today()}
    )  # fmt: skip
    middle = service.create(
        {"name": "溪口村反诈宣传群", "tier": 2, "parent_id": top, "owner_unit_id": village,
         "pusher_name": "郭洋国", "supervisor_name": "武丽玉", "supervisor_mobile": "13800000002",
         "member_count": 18}
    )  # fmt: skip
    bottom = service.create(
        {"name": "溪口村第1网格反诈群", "tier": 3, "parent_id": middle, "owner_unit_id": village,
         "pusher_name": "李芳", "supervisor_name": "武丽玉", "supervisor_mobile": "13800000002",
         "member_count": 90, "last_push_on": date.today() - timedelta(days=45)}
    )  # fmt: skip
    return {"top": top, "middle": middle, "bottom": bottom, "village": village}


def test_the_tree_has_three_tiers(engine, groups):
    (root,) = group_tree(engine)
    assert (root.name, root.tier, root.pusher, root.supervisor) == (
        "清溪镇反诈宣传指挥群", 1, "韩涛", "蔡慧婷",
    )  # fmt: skip
    (middle,) = root.children
    (bottom,) = middle.children
    assert (middle.tier, bottom.tier, bottom.member_count) == (2, 3, 90)
    assert root.count() == 3
    with unit_of_work(engine) as session:
        # the same supervisor of two groups is one contact
        assert session.scalar(select(func.count()).where(Person.name == "武丽玉")) == 1


def test_tiers_must_hang_together(engine, groups):
    service = GroupService(engine, "clerk")
    with pytest.raises(ValidationError) as refused:
        service.create({"name": "村民群", "tier": 3})
    assert refused.value.errors == {"parent_id": "请选择三级群的上级群（二级群）"}
    with pytest.raises(ValidationError) as refused:
        service.create({"name": "村民群", "tier": 3, "parent_id": groups["top"]})
    assert refused.value.errors == {"parent_id": "三级群的上级群应为二级群"}
    with pytest.raises(ValidationError) as refused:
        service.create({"name": "另一指挥群", "tier": 1, "parent_id": groups["top"]})
    assert refused.value.errors == {"parent_id": "一级群没有上级群"}
    with pytest.raises(ValidationError) as refused:
        service.create({"name": "", "tier": 2, "parent_id": groups["top"], "member_count": 501})
    assert refused.value.errors == {
        "name": "群名称不能为空",
        "member_count": "群成员人数不能大于500",
    }
    with pytest.raises(ValidationError) as refused:
        service.create(
            {"name": "村民群", "tier": 2, "parent_id": groups["top"],
             "last_push_on": date.today() + timedelta(days=1), "pusher_mobile": "13800000009"}
        )  # fmt: skip
    assert refused.value.errors == {
        "last_push_on": "最近推送日期不能晚于今天",
        "pusher_name": "填了手机，但没有填姓名",
    }
    values = service.load(groups["middle"])
    with pytest.raises(ValidationError) as refused:
        service.update(groups["middle"], {**values, "tier": 1, "parent_id": None})
    assert refused.value.errors == {"tier": "该群下还有1个下级群，不能改变层级"}


def test_a_group_with_groups_under_it_is_not_deleted(engine, groups):
    service = GroupService(engine, "clerk")
    with pytest.raises(ValidationError) as refused:
        service.delete(groups["middle"])
    assert "下还有1个下级群" in refused.value.errors[""]
    service.delete(groups["bottom"])
    service.delete(groups["middle"])
    with unit_of_work(engine) as session:
        assert session.get(PublicityGroup, groups["middle"]).deleted_at is not None


def test_pushes_and_the_stale_filter(engine, groups):
    register = GroupRegister(engine)
    stale = RegisterQuery(filters={"push": "stale"})
    assert [r.values[1] for r in register.fetch(stale, 0, 9)] == [
        "溪口村反诈宣传群", "溪口村第1网格反诈群",
    ]  # fmt: skip
    record_push(engine, groups["bottom"], user="clerk")
    assert [r.values[1] for r in register.fetch(stale, 0, 9)] == ["溪口村反诈宣传群"]
    record_push(engine, groups["top"], date.today() - timedelta(days=9))  # never backwards
    with unit_of_work(engine) as session:
        assert session.get(PublicityGroup, groups["top"]).last_push_on == date.today()
    with pytest.raises(ValidationError):
        record_push(engine, groups["top"], date.today() + timedelta(days=1))
    rows = register.fetch(RegisterQuery(filters={"tier": 2}), 0, 9)
    assert [(r.values[0], r.values[2], r.values[3]) for r in rows] == [
        ("二级", "清溪镇反诈宣传指挥群", "溪口村"),
    ]
