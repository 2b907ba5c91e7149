"""Setting up a township from seed 004's member units and duties."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.validation import ValidationError
from app.org.township_template import (
    apply_township,
    available_templates,
    clean_villages,
    load_template,
    plan_township,
)
from app.org.units import UnitService
from db.engine import unit_of_work
from db.models import LeadingGroup, Unit
from tests.test_cli import wuzha


def test_the_template_is_seed_004s_list():
    template = load_template()
    shorts = [u.short_name for u in template.units]
    assert shorts[:4] == ["平安办", "党群办", "派出所", "经发办"]
    for short in ("规建办", "社发办", "社建办", "人口办", "财政所", "司法所", "市场监管所",
                  "融媒体中心", "党群服务中心", "城运中心", "城运总队", "文体中心", "受理中心",
                  "团委", "妇联", "工会", "投资公司", "资产公司", "工业园区"):  # fmt: skip
        assert short in shorts
    kinds = {u.short_name: u.kind for u in template.units}
    assert (kinds["派出所"], kinds["妇联"], kinds["工业园区"]) == (
        "police",
        "mass_org",
        "enterprise",
    )
    police = next(u for u in template.units if u.short_name == "派出所")
    assert police.duties.startswith("推动行业源头治理，大力开展“全警反诈”")
    assert "入户宣传" in template.village_duties
    assert [t.key for t in available_templates()] == ["seed-004"]


def test_villages_typed_every_which_way():
    assert clean_villages("东山村\n西山村、南湖社区，北村,东山村\n\n") == [
        "东山村", "西山村", "南湖社区", "北村",
    ]  # fmt: skip


def test_set_up_fills_an_empty_database_and_keeps_what_is_there(engine):
    UnitService(engine, "clerk").create(
        {"name": "白鹤镇平安办", "kind": "institution", "duties": "本镇自己写的职责"}
    )
    template = load_template()
    plan = plan_township(engine, template, "白鹤镇", ["东山村", "西山村"])
    assert (len(plan.units), plan.villages, plan.existing) == (
        22,
        ["东山村", "西山村"],
        ["白鹤镇平安办"],
    )
    assert plan.describe().startswith("将新增22个成员单位、2个村居。")
    apply_township(engine, template, "白鹤镇", ["东山村", "西山村"], "clerk")
    with unit_of_work(engine) as session:
        units = session.scalars(select(Unit).order_by(Unit.sort_order)).all()
        names = [u.name for u in units]
        assert names[:3] == ["白鹤镇平安办", "白鹤镇党群办", "白鹤镇派出所"]
        assert names[-2:] == ["东山村", "西山村"]
        assert "共青团白鹤镇委员会" in names and "白鹤镇妇女联合会" in names
        assert units[0].duties == "本镇自己写的职责"  # left as it was
        village = units[-1]
        assert village.kind == "village" and "入户宣传" in village.duties
        assert all("{乡镇}" not in (u.duties or "") + u.name for u in units)
        (group,) = session.scalars(select(LeadingGroup)).all()
        assert group.name == "白鹤镇打击治理电信网络新型违法犯罪工作领导小组"
        assert group.office_location == "白鹤镇平安办"
    again = plan_township(engine, template, "白鹤镇", ["东山村"])
    assert again.count == 0 and again.group_name is None  # a second run adds nothing


def test_a_township_name_is_needed(engine):
    with pytest.raises(ValidationError) as refused:
        plan_township(engine, load_template(), "  ")
    assert refused.value.errors == {"township": "请填写乡镇（街道）名称"}
    with pytest.raises(ValidationError):
        load_template("seed-999")


def test_cli_sets_up_a_township(database_url):
    db = database_url.removeprefix("sqlite:///")
    dry = wuzha("--db", db, "import", "township", "--township", "白鹤镇", "--dry-run",
                "--villages", "东山村、西山村")  # fmt: skip
    assert dry.returncode == 0 and "预览（未写入）：将新增23个成员单位、2个村居。" in dry.stdout
    done = wuzha("--db", db, "import", "township", "--township", "白鹤镇",
                 "--villages", "东山村、西山村")  # fmt: skip
    assert done.returncode == 0 and "已新增23个成员单位、2个村居。" in done.stdout
    assert "青白府〔2023〕17号" in done.stdout
