"""A demo office database for the field package tests, and a dump of every table to compare.

The dump reads every table of a database with references turned into the referenced record's
uuid (integer keys differ between the office and a laptop), keyed by uuid where a table has one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from app.core.progress import run_to_end
from app.demo.township import build_demo
from app.field.checkout import export_package
from app.field.laptop import open_package, pack_return
from db.base import Base
from db.engine import make_engine, sqlite_url
from db.models import Grid, Household, Unit
from db.schema import prepare_database

PASSPHRASE = "田间地头-2026"
# Columns each side stamps for itself
STAMPS = frozenset({"id", "updated_at", "changed_by"})


def build_office(folder: Path, households: int = 160) -> Path:
    """A demo township in a file."""
    path = folder / "office-template.sqlite"
    prepare_database(sqlite_url(path))
    engine = make_engine(sqlite_url(path))
    try:
        run_to_end(build_demo(engine, households=households, seed=7))
    finally:
        engine.dispose()
    return path


def copy_database(template: Path, target: Path) -> Engine:
    """A copy of a template database, and an engine on it."""
    shutil.copy(template, target)
    return make_engine(sqlite_url(target))


def grid_labels(engine: Engine, least: int = 3) -> list[str]:
    """`村居/网格` of the grids with at least `least` live households, in order."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Unit.name, Grid.name)
            .join(Grid, Grid.village_id == Unit.id)
            .join(Household, Household.grid_id == Grid.id)
            .where(Household.deleted_at.is_(None))
            .group_by(Grid.id)
            .having(func.count(Household.id) >= least)
            .order_by(Grid.id)
        ).all()
    return [f"{village}/{grid}" for village, grid in rows]


def households_of(engine: Engine, label: str) -> list[int]:
    """The live household ids of a grid, in order."""
    village, grid = label.split("/")
    with engine.connect() as conn:
        return conn.scalars(
            select(Household.id)
            .join(Grid, Grid.id == Household.grid_id)
            .join(Unit, Unit.id == Grid.village_id)
            .where(Unit.name == village, Grid.name == grid, Household.deleted_at.is_(None))
            .order_by(Household.id)
        ).all()


def check_out(office: Engine, grids: list[str], folder: Path, name: str) -> tuple[Path, Engine]:
    """Export a package and open it as a laptop database; the package and the laptop engine."""
    package = folder / f"{name}.wzf"
    export_package(office, grids, package, PASSPHRASE, "clerk")
    laptop = folder / f"{name}.sqlite"
    open_package(package, laptop, PASSPHRASE)
    return package, make_engine(sqlite_url(laptop))


def give_back(laptop: Engine, folder: Path, name: str) -> Path:
    """The laptop's return package."""
    package = folder / f"{name}-return.wzf"
    pack_return(laptop, package, PASSPHRASE)
    return package


def dump(engine: Engine, skip_tables: frozenset[str] = frozenset()) -> dict[str, dict]:
    """Every table: key (uuid, else primary key) → values, references as uuids."""
    out: dict[str, dict] = {}
    with engine.connect() as conn:
        uuid_of: dict[str, dict[int, str]] = {}
        for table in Base.metadata.sorted_tables:
            if "uuid" in table.c:
                uuid_of[table.name] = dict(conn.execute(select(table.c.id, table.c.uuid)).all())
        for table in Base.metadata.sorted_tables:
            if table.name in skip_tables:
                continue
            refs = {
                fk.parent.name: fk.column.table.name
                for fk in table.foreign_keys
                if fk.column.table.name in uuid_of
            }
            rows = {}
            for row in conn.execute(select(table)):
                values = {}
                for column, value in row._mapping.items():
                    if column in STAMPS and "uuid" in table.c:
                        continue
                    if column in refs and value is not None:
                        value = uuid_of[refs[column]].get(value, f"missing:{value}")
                    values[column] = value
                key = (
                    values.pop("uuid")
                    if "uuid" in values
                    else tuple(values[c.name] for c in table.primary_key.columns)
                )
                rows[key] = values
            out[table.name] = rows
    return out


@pytest.fixture(scope="session")
def office_template(tmp_path_factory) -> Path:
    """The demo office, built once for every field test (copy it before writing)."""
    return build_office(tmp_path_factory.mktemp("field-office"))


@pytest.fixture
def office(office_template, tmp_path) -> Engine:
    """A fresh copy of the demo office."""
    engine = copy_database(office_template, tmp_path / "office.sqlite")
    yield engine
    engine.dispose()
