# ruff: noqa: F811  (the fixtures imported from field_town are used as arguments)
"""Field packages: check-out, the laptop's work, check-in with conflicts, and refused files.

Everything runs on real SQLite files: a demo office, packages written to disk, a laptop
database opened from the package and changed through the program's own services.
"""

from __future__ import annotations

import copy
import io
import json
from datetime import date

import pytest
from field_town import (  # noqa: F401
    PASSPHRASE,
    check_out,
    copy_database,
    dump,
    give_back,
    grid_labels,
    households_of,
    office,
    office_template,
)
from PIL import Image, ImageDraw
from sqlalchemy import func, select

from app.core.registers import RegisterQuery
from app.field import container
from app.field.checkin import import_package
from app.field.checkout import export_package
from app.field.identity import TOWNSHIP_KEY_KEY, township
from app.field.laptop import field_info, open_package, pack_return
from app.households.records import HouseholdService, ResidentService
from app.households.register import HouseholdRegister
from app.households.visits import save_visit
from app.letters.status import sign_letter
from db.base import utcnow
from db.engine import make_engine, sqlite_url, unit_of_work
from db.models import (
    Attachment,
    AuditLog,
    ConfidentialReporter,
    Household,
    Letter,
    Person,
    ReportClue,
    Resident,
    Setting,
    Visit,
)
from db.schema import prepare_database

TODAY = date.today()


def signature_png() -> bytes:
    image = Image.new("RGB", (300, 100), "white")
    ImageDraw.Draw(image).line([(10, 50), (290, 60)], fill="black", width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def edit(engine, model, record_id, **values):
    with unit_of_work(engine, "clerk") as session:
        obj = session.get(model, record_id)
        for key, value in values.items():
            setattr(obj, key, value)


def uuid_of(engine, model, record_id):
    with engine.connect() as conn:
        return conn.scalar(select(model.uuid).where(model.id == record_id))


def id_of(engine, model, uuid):
    with engine.connect() as conn:
        return conn.scalar(select(model.id).where(model.uuid == uuid))


def household_service_update(engine, household_id, **changes):
    service = HouseholdService(engine, "worker")
    values = service.load(household_id)
    values.update(changes)
    service.update(household_id, values)


def signable_letter(engine, household_ids):
    with engine.connect() as conn:
        return conn.scalar(
            select(Letter.id).where(
                Letter.household_id.in_(household_ids), Letter.status.in_(["printed", "delivered"]),
                Letter.deleted_at.is_(None),
            ).order_by(Letter.id).limit(1)
        )  # fmt: skip


def unchanged_since(before: dict, after: dict, tables: set[str]) -> None:
    for table in tables:
        assert after[table] == before[table], table


# ---------------------------------------------------------------- check-out


def test_package_holds_its_grids_only_and_no_secret(office, tmp_path):
    grid = grid_labels(office)[0]
    package, laptop = check_out(office, [grid], tmp_path, "one")
    with laptop.connect() as conn:
        laptop_households = set(conn.scalars(select(Household.uuid)))
        settings = dict(conn.execute(select(Setting.key, Setting.value)).all())
        people = conn.execute(select(Person.id_number, Person.mobile)).all()
        assert conn.scalar(select(func.count()).select_from(ReportClue)) == 0
        assert conn.scalar(select(func.count()).select_from(ConfidentialReporter)) == 0
        assert conn.scalar(select(func.count()).select_from(Attachment)) == 0
        laptop_residents = conn.scalar(select(func.count()).select_from(Resident))
    with office.connect() as conn:
        wanted = {uuid_of(office, Household, i) for i in households_of(office, grid)}
        office_residents = conn.scalar(
            select(func.count())
            .select_from(Resident)
            .where(
                Resident.household_id.in_(households_of(office, grid)),
                Resident.deleted_at.is_(None),
            )
        )
        office_settings = dict(conn.execute(select(Setting.key, Setting.value)).all())
    assert laptop_households == wanted and len(wanted) >= 3
    assert laptop_residents == office_residents
    assert TOWNSHIP_KEY_KEY not in settings  # the office's key stays at the office
    assert office_settings[TOWNSHIP_KEY_KEY] not in package.read_bytes().hex()
    assert settings["letter_number_prefix"] != office_settings["letter_number_prefix"]
    assert people and all(p == (None, None) for p in people)
    info = field_info(laptop)
    assert info.grids == (grid,) and "外勤模式" in info.notice
    assert field_info(office) is None
    laptop.dispose()


def test_laptop_database_has_the_programs_schema_and_search(office, tmp_path):
    grid = grid_labels(office)[0]
    _, laptop = check_out(office, [grid], tmp_path, "laptop")
    fresh = tmp_path / "fresh.sqlite"
    prepare_database(sqlite_url(fresh))
    fresh_engine = make_engine(sqlite_url(fresh))

    def schema(engine):
        with engine.connect() as conn:
            return set(conn.exec_driver_sql("SELECT type, name, sql FROM sqlite_master").all())

    assert schema(laptop) == schema(fresh_engine)
    fresh_engine.dispose()
    with laptop.connect() as conn:
        head = conn.scalar(select(Household.head_name).order_by(Household.id).limit(1))
    register = HouseholdRegister(laptop)
    found = register.fetch(RegisterQuery(text=head), 0, 50)  # the search index was filled
    assert head in [row.values[register.column_index("head_name")] for row in found]
    laptop.dispose()


def test_package_is_encrypted(office, tmp_path):
    grid = grid_labels(office)[0]
    with office.connect() as conn:
        head, number = conn.execute(
            select(Household.head_name, Household.head_id_number).where(
                Household.id == households_of(office, grid)[0]
            )
        ).one()
    package = tmp_path / "out.wzf"
    export_package(office, [grid], package, PASSPHRASE)
    data = package.read_bytes()
    assert number and number.encode() not in data
    assert head.encode("utf-8") not in data
    assert b"SQLite format 3" not in data
    with pytest.raises(container.FieldPackageError, match="口令不对"):
        open_package(package, tmp_path / "laptop.sqlite", "wrong passphrase")
    assert not (tmp_path / "laptop.sqlite").exists()
    with pytest.raises(container.FieldPackageError, match="口令至少"):
        export_package(office, [grid], tmp_path / "short.wzf", "short")


def test_unknown_and_ambiguous_grids_are_refused(office, tmp_path):
    with pytest.raises(container.FieldPackageError, match="没有名为“月亮村/第9网格”"):
        export_package(office, ["月亮村/第9网格"], tmp_path / "x.wzf", PASSPHRASE)
    with pytest.raises(container.FieldPackageError, match="有多个网格"):
        export_package(office, ["第1网格"], tmp_path / "x.wzf", PASSPHRASE)
    assert not (tmp_path / "x.wzf").exists()


# ---------------------------------------------------------------- round trip


def test_round_trip_gives_exactly_the_expected_database(office, tmp_path):
    grid = grid_labels(office)[0]
    h = households_of(office, grid)
    _, laptop = check_out(office, [grid], tmp_path, "laptop")
    checked_out = dump(laptop)

    # in the field: a visit with a photo, a signature, a new resident, corrections
    photo = tmp_path / "photo.png"
    Image.new("RGB", (40, 30), "green").save(photo)
    save_visit(
        laptop, h[2],
        {"visited_on": TODAY, "mode": "in_person", "outcome": "visited",
         "notice_delivered": True, "commitment_result": "signed", "topics": ["刷单返利"]},
        photos=[photo], user="worker",
    )  # fmt: skip
    letter = signable_letter(laptop, [h[3], h[4], h[5], h[6]] if len(h) > 6 else h[3:])
    assert letter is not None
    sign_letter(laptop, letter, "户主", TODAY, signature_png=signature_png(), user="worker")
    ResidentService(laptop, "worker", h[3]).create({"name": "新生儿", "relation": "child"})
    household_service_update(laptop, h[0], notes="外勤：常年外出务工")
    household_service_update(laptop, h[1], size=7)

    # at the office meanwhile: the same field of h[0] (a conflict), another field of h[1]
    edit(office, Household, h[0], notes="办公室：已搬迁")
    edit(office, Household, h[1], notes="办公室备注")
    office_before = dump(office)

    result = import_package(office, give_back(laptop, tmp_path, "laptop"), PASSPHRASE,
                            user="clerk")  # fmt: skip
    after = dump(office)
    field_now = dump(laptop)

    assert [(c.kind, c.table, c.diffs[0].column) for c in result.conflicts] == [
        ("both_changed", "household", "notes")
    ]
    assert result.added == {"visit": 1, "resident": 1, "attachment": 1}
    assert result.updated["household"] == 1 and result.updated["letter"] >= 1

    # expected: the office as it was, with every field the laptop changed since check-out
    # (except the conflict, which keeps the office's value), and the laptop's new records
    conflict = {("household", uuid_of(office, Household, h[0]), "notes")}
    expected = copy.deepcopy(office_before)
    for table in ("household", "visit", "resident", "attachment", "letter"):
        for uuid, values in field_now[table].items():
            if uuid not in checked_out[table]:
                expected[table][uuid] = values
                continue
            for column, value in values.items():
                changed = value != checked_out[table][uuid][column]
                if changed and (table, uuid, column) not in conflict:
                    expected[table][uuid][column] = value
    for table in expected:
        if table != "audit_log":
            assert after[table] == expected[table], table
    # the audit log grew by entries naming records, never a person
    new_entries = [e for k, e in after["audit_log"].items() if k not in office_before["audit_log"]]
    assert {e["action"] for e in new_entries} == {"create", "update", "import"}
    details = " ".join(str(e["detail"]) for e in new_entries)
    assert "新生儿" not in details and "常年" not in details
    # the household visited in the field counts as visited at the office
    with office.connect() as conn:
        assert conn.scalar(select(Household.last_visited_on).where(Household.id == h[2])) == TODAY
    laptop.dispose()


def test_importing_twice_changes_nothing(office, tmp_path):
    grid = grid_labels(office)[1]
    h = households_of(office, grid)
    _, laptop = check_out(office, [grid], tmp_path, "laptop")
    save_visit(laptop, h[0], {"visited_on": TODAY, "mode": "in_person", "outcome": "visited",
                              "notice_delivered": True, "commitment_result": "not_offered"},
               user="worker")  # fmt: skip
    ResidentService(laptop, "worker", h[1]).create({"name": "新居民", "relation": "other"})
    household_service_update(laptop, h[2], address="新地址1号")
    returned = give_back(laptop, tmp_path, "laptop")
    first = import_package(office, returned, PASSPHRASE)
    assert first.changed and first.added["visit"] == 1 and first.added["resident"] == 1
    once = dump(office)
    second = import_package(office, returned, PASSPHRASE)
    assert not second.changed and second.conflicts == []
    assert sum(second.skipped.values()) >= 3
    assert dump(office) == once  # audit log included: a no-op writes nothing at all
    laptop.dispose()


def test_dry_run_writes_nothing(office, tmp_path):
    grid = grid_labels(office)[0]
    h = households_of(office, grid)
    _, laptop = check_out(office, [grid], tmp_path, "laptop")
    household_service_update(laptop, h[0], address="改过的地址")
    before = dump(office)
    result = import_package(office, give_back(laptop, tmp_path, "laptop"), PASSPHRASE,
                            dry_run=True)  # fmt: skip
    assert result.updated["household"] == 1 and result.dry_run
    assert dump(office) == before
    laptop.dispose()


# ---------------------------------------------------------------- conflicts


def test_every_kind_of_conflict_is_reported_and_the_office_value_kept(office, tmp_path):
    grid = grid_labels(office)[0]
    h = households_of(office, grid)
    _, laptop = check_out(office, [grid], tmp_path, "laptop")
    with office.connect() as conn:
        resident = conn.scalar(
            select(Resident.id).where(Resident.household_id == h[1], Resident.relation != "head")
            .order_by(Resident.id).limit(1)
        )  # fmt: skip
        if resident is None:
            resident = conn.scalar(select(Resident.id).where(Resident.household_id == h[1]))
    resident_uuid = uuid_of(office, Resident, resident)
    laptop_resident = id_of(laptop, Resident, resident_uuid)

    # both changed the same field
    household_service_update(laptop, h[0], phone="13900001111")
    household_service_update(office, h[0], phone="13700002222")
    # deleted in the field, changed at the office
    ResidentService(laptop, "worker", h[1]).delete(laptop_resident)
    edit(office, Resident, resident, notes="办公室核实过")
    # deleted at the office, changed in the field; and a new resident under it
    household_service_update(laptop, h[2], notes="外勤补充")
    ResidentService(laptop, "worker", h[2]).create({"name": "外勤新增", "relation": "child"})
    edit(office, Household, h[2], deleted_at=utcnow())
    before = dump(office)

    result = import_package(office, give_back(laptop, tmp_path, "laptop"), PASSPHRASE)
    kinds = {c.kind: c for c in reversed(result.conflicts)}  # the household's phone first
    assert set(kinds) == {"both_changed", "deleted_in_field", "deleted_at_office",
                          "parent_deleted"}  # fmt: skip
    phone = kinds["both_changed"].diffs[0]
    # side by side, masked: the summary is read by whoever imports
    assert (phone.label, phone.office, phone.field) == ("电话", "137****2222", "139****1111")
    assert "13900001111" not in repr(result.lines())
    assert kinds["deleted_in_field"].uuid == resident_uuid
    assert kinds["deleted_at_office"].table == "household"
    assert kinds["parent_deleted"].table == "resident"
    # the head's phone follows the household's on both sides: a conflict of its own
    assert [(c.table, c.diffs[0].column) for c in result.conflicts if c.kind == "both_changed"] == [
        ("household", "phone"),
        ("resident", "phone"),
    ]
    assert not result.changed
    assert dump(office) == before  # nothing overwritten, nothing added under the deleted one

    # the clerk takes the field's phone: only that changes
    again = import_package(office, give_back(laptop, tmp_path, "laptop2"), PASSPHRASE,
                           take_field=[kinds["both_changed"].number])  # fmt: skip
    assert again.taken_from_field == 1
    with office.connect() as conn:
        assert conn.scalar(select(Household.phone).where(Household.id == h[0])) == "13900001111"
        assert conn.scalar(select(Resident.deleted_at).where(Resident.id == resident)) is None
    with pytest.raises(container.FieldPackageError, match="没有编号为99的冲突"):
        import_package(office, give_back(laptop, tmp_path, "laptop3"), PASSPHRASE,
                       take_field=[99])  # fmt: skip
    laptop.dispose()


def test_a_new_record_changed_at_the_office_after_import_is_a_conflict(office, tmp_path):
    grid = grid_labels(office)[0]
    h = households_of(office, grid)
    _, laptop = check_out(office, [grid], tmp_path, "laptop")
    new_id = ResidentService(laptop, "worker", h[0]).create({"name": "王小明", "relation": "child"})
    returned = give_back(laptop, tmp_path, "laptop")
    import_package(office, returned, PASSPHRASE)
    edit(office, Resident, id_of(office, Resident, uuid_of(laptop, Resident, new_id)),
         name="王晓明")  # fmt: skip
    result = import_package(office, returned, PASSPHRASE)
    assert [(c.kind, c.diffs[0].office, c.diffs[0].field) for c in result.conflicts] == [
        ("changed_after_import", "王晓明", "王小明")
    ]
    assert not result.changed
    laptop.dispose()


# ---------------------------------------------------------------- several laptops


def test_two_laptops_on_the_same_grid_and_one_on_another(office, tmp_path):
    first, second = grid_labels(office)[:2]
    h1, h2 = households_of(office, first), households_of(office, second)
    _, a = check_out(office, [first], tmp_path, "a")
    _, b = check_out(office, [first], tmp_path, "b")
    _, c = check_out(office, [second], tmp_path, "c")
    for laptop, household in ((a, h1[0]), (b, h1[1]), (c, h2[0])):
        save_visit(laptop, household, {"visited_on": TODAY, "mode": "in_person",
                                       "outcome": "visited", "notice_delivered": True,
                                       "commitment_result": "not_offered"})  # fmt: skip
    household_service_update(a, h1[2], notes="A写的")
    household_service_update(b, h1[2], notes="B写的")
    household_service_update(b, h1[3], size=5)
    with office.connect() as conn:
        visits_before = conn.scalar(select(func.count()).select_from(Visit))

    ra = import_package(office, give_back(a, tmp_path, "a"), PASSPHRASE)
    rc = import_package(office, give_back(c, tmp_path, "c"), PASSPHRASE)
    rb = import_package(office, give_back(b, tmp_path, "b"), PASSPHRASE)
    assert ra.conflicts == [] and rc.conflicts == []
    # B changed what A had already brought back: the clerk decides, A's value stays
    assert [(x.kind, x.diffs[0].office, x.diffs[0].field) for x in rb.conflicts] == [
        ("both_changed", "A写的", "B写的")
    ]
    with office.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Visit)) == visits_before + 3
        assert conn.scalar(select(Household.size).where(Household.id == h1[3])) == 5
        numbers = conn.scalars(select(Letter.number)).all()
    assert len(numbers) == len(set(numbers))
    for laptop in (a, b, c):
        laptop.dispose()


# ---------------------------------------------------------------- refused packages


@pytest.fixture
def returned(office, tmp_path):
    """A return package with one change, and the office's dump before it is imported."""
    grid = grid_labels(office)[0]
    h = households_of(office, grid)
    _, laptop = check_out(office, [grid], tmp_path, "laptop")
    household_service_update(laptop, h[0], notes="外勤改的")
    package = give_back(laptop, tmp_path, "laptop")
    laptop.dispose()
    return package


def refused(office, package, match, passphrase=PASSPHRASE):
    before = dump(office)
    with pytest.raises(container.FieldPackageError, match=match):
        import_package(office, package, passphrase)
    assert dump(office) == before


def test_an_edited_package_is_refused(office, returned, tmp_path):
    data = bytearray(returned.read_bytes())
    for where in (len(data) // 2, len(data) - 40, len(data) - 1):  # payload, tag, MAC
        edited = tmp_path / f"edited-{where}.wzf"
        changed = bytearray(data)
        changed[where] ^= 0x01
        edited.write_bytes(bytes(changed))
        refused(office, edited, "校验失败")


def test_an_edited_header_is_refused(office, returned, tmp_path):
    data = returned.read_bytes()
    edited = tmp_path / "header.wzf"
    edited.write_bytes(data.replace("清溪".encode(), "白鹤".encode(), 1))
    assert edited.read_bytes() != data
    refused(office, edited, "校验失败")


@pytest.mark.parametrize("keep", [0, 5, 12, 200, 0.5, 0.99, -1])
def test_a_truncated_or_half_written_package_is_refused(office, returned, tmp_path, keep):
    data = returned.read_bytes()
    size = int(len(data) * keep) if isinstance(keep, float) else (keep % len(data))
    cut = tmp_path / "cut.wzf"
    cut.write_bytes(data[:size])
    refused(office, cut, "不完整|不是无诈台账的外勤包|校验失败")


def test_a_package_killed_while_written_leaves_no_file(office, tmp_path, monkeypatch):
    import os

    def killed(_fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", killed)
    target = tmp_path / "killed.wzf"
    with pytest.raises(KeyboardInterrupt):
        export_package(office, [grid_labels(office)[0]], target, PASSPHRASE)
    assert list(tmp_path.glob("*.wzf*")) == [] and list(tmp_path.glob(".*part")) == []


def test_a_package_of_another_township_is_refused(office, office_template, returned, tmp_path):
    other = copy_database(office_template, tmp_path / "other.sqlite")
    export_package(other, [grid_labels(other)[0]], tmp_path / "other.wzf", PASSPHRASE)
    try:
        refused(other, returned, "来自其他乡镇")
    finally:
        other.dispose()
    # a database that never checked anything out cannot take a return either
    never = copy_database(office_template, tmp_path / "never.sqlite")
    try:
        refused(never, returned, "从未导出过外勤包")
    finally:
        never.dispose()


def test_a_package_of_a_newer_program_is_refused(office, returned, tmp_path):
    header = container.read_header(returned)
    with unit_of_work(office) as session:
        key = township(session, create=False).key
    from app.field.identity import return_key

    newer = tmp_path / "newer.wzf"
    opened = container.read_package(returned, PASSPHRASE, return_key(key, header["package_id"]))
    header = {k: v for k, v in header.items() if k not in ("kdf", "nonce", "cipher", "format")}
    signing = return_key(key, header["package_id"])
    future = {**header, "schema_revision": "0099_from_the_future"}
    container.write_package(newer, future, opened.database, PASSPHRASE, signing)
    refused(office, newer, "较新版本的程序")


def test_wrong_passphrase_and_wrong_kind_are_refused(office, returned, tmp_path):
    refused(office, returned, "口令不对", passphrase="not the passphrase")
    checkout = tmp_path / "checkout.wzf"
    export_package(office, [grid_labels(office)[0]], checkout, PASSPHRASE)
    refused(office, checkout, "出库包")
    with pytest.raises(container.FieldPackageError, match="返回包"):
        open_package(returned, tmp_path / "new-laptop.sqlite", PASSPHRASE)


def test_a_laptop_database_cannot_check_out_or_in(office, tmp_path):
    grid = grid_labels(office)[0]
    package, laptop = check_out(office, [grid], tmp_path, "laptop")
    with pytest.raises(container.FieldPackageError, match="外勤笔记本上的数据库"):
        export_package(laptop, [grid], tmp_path / "again.wzf", PASSPHRASE)
    returned_package = give_back(laptop, tmp_path, "laptop")
    with pytest.raises(container.FieldPackageError, match="外勤笔记本上的数据库"):
        import_package(laptop, returned_package, PASSPHRASE)
    with pytest.raises(container.FieldPackageError, match="不是外勤笔记本"):
        pack_return(office, tmp_path / "office-return.wzf", PASSPHRASE)
    with pytest.raises(container.FieldPackageError, match="已存在"):
        open_package(package, tmp_path / "laptop.sqlite", PASSPHRASE)
    laptop.dispose()


def test_check_out_is_recorded_at_the_office(office, tmp_path):
    grid = grid_labels(office)[0]
    export_package(office, [grid], tmp_path / "p.wzf", PASSPHRASE, "clerk")
    header = container.read_header(tmp_path / "p.wzf")
    with office.connect() as conn:
        record = conn.scalar(
            select(Setting.value).where(Setting.key == f"field_checkout:{header['package_id']}")
        )
        actions = conn.scalars(select(AuditLog.action).where(AuditLog.action == "export")).all()
    assert json.loads(record)["grids"] == [grid] and actions
