"""What every step of a demo build shares: the random stream, the calendar, ids and the writer.

Ids are assigned here, not by the database, so a child row can name its parent before either
is written. Small tables are buffered as dicts and written with Core (`add`, `flush`); the four
big tables are written as tuples in one `executemany` per chunk (`write_rows`), with dates as
the text SQLAlchemy's SQLite dialect itself stores ("2025-03-05", "2025-03-05 09:30:00.000000"),
so rows written either way read back and compare alike.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Table, func, select

import db.models  # noqa: F401 - every table on the metadata
from app.core.idnumber import make_id_number
from app.letters.printing import KIND_CODES
from db.base import Base

WINDOW_DAYS = 730  # the demo covers the 24 months up to `today`
CORE_CHUNK_ROWS = 5_000
CHANGED_BY = "demo"

# uuid.UUID(int=n, version=4) clears these bits and sets the version and variant.
_UUID_CLEAR = ((1 << 128) - 1) ^ ((0xF000 << 64) | (0xC000 << 48))
_UUID_SET = (4 << 76) | (0x8000 << 48)
_CHECK_CHARS = "10X98765432"
# GB 11643 weights of the three sequence digits (positions 15-17) of an ID number.
_SEQUENCE_WEIGHTS = tuple(8 * (s // 100) + 4 * (s // 10 % 10) + 2 * (s % 10) for s in range(1000))


@dataclass
class UnitRef:
    """A unit written by the build, with the people it named for its four roles."""

    id: int
    name: str
    short_name: str
    kind: str
    # role -> (person id, name, post); a unit may lack some roles
    people: dict[str, tuple[int, str, str]] = field(default_factory=dict)


@dataclass
class GridRef:
    """A grid with its staff and how many households it gets."""

    id: int
    village_id: int
    name: str
    worker_id: int
    police_id: int
    households: int


@dataclass
class VillageRef:
    """A village (also a unit) with its grids, cadres and volunteers."""

    unit: UnitRef
    is_community: bool
    households: int
    station: str
    grids: list[GridRef] = field(default_factory=list)
    volunteer_ids: list[int] = field(default_factory=list)
    companion: str = ""  # "name（村干部）", who sometimes joins a visit


class UuidStream:
    """The build's uuids: `str(uuid.UUID(int=rng.getrandbits(128), version=4))` for successive
    draws of its own seeded `random.Random`, made a block at a time (which is quicker).

    `getrandbits(128 * n)` holds the n successive 128-bit draws, the first one lowest, so the
    block's hex text is cut from the end.
    """

    BLOCK = 2048

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"wuzha-demo-uuid:{seed}")
        self._clear = int.from_bytes(_UUID_CLEAR.to_bytes(16, "big") * self.BLOCK, "big")
        self._set = int.from_bytes(_UUID_SET.to_bytes(16, "big") * self.BLOCK, "big")
        self._ready: list[str] = []

    def __call__(self) -> str:
        """The next uuid."""
        if not self._ready:
            bits = self._rng.getrandbits(128 * self.BLOCK) & self._clear | self._set
            h = f"{bits:0{32 * self.BLOCK}x}"
            self._ready = [
                f"{h[i : i + 8]}-{h[i + 8 : i + 12]}-{h[i + 12 : i + 16]}-{h[i + 16 : i + 20]}-"
                f"{h[i + 20 : i + 32]}"
                for i in range(0, 32 * self.BLOCK, 32)
            ]
        return self._ready.pop()


class IdNumbers:
    """Valid ID numbers, unique within the build, at a third of `make_id_number`'s cost.

    The region-and-birth part and its check sum come from `make_id_number` once per day of
    birth; only the three sequence digits are added here.
    """

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._days: dict[tuple[str, int], list[Any]] = {}

    def make(self, region: str, birth_ordinal: int, male: bool) -> str:
        """A number for a person born on that day; odd sequence for a man, even for a woman."""
        day = self._days.get((region, birth_ordinal))
        if day is None:
            base = make_id_number(region, date.fromordinal(birth_ordinal), 0)
            day = [base[:14], _CHECK_CHARS.index(base[17]), int(self._rng.random() * 120)]
            self._days[(region, birth_ordinal)] = day
        step = day[2]
        day[2] = step + 1 + int(self._rng.random() * 3)
        sequence = (2 * step + male) % 1000
        return f"{day[0]}{sequence:03d}{_CHECK_CHARS[(day[1] + _SEQUENCE_WEIGHTS[sequence]) % 11]}"


def _iso_parser(column_type: Any) -> Callable[[str], Any] | None:
    if isinstance(column_type, DateTime):
        return datetime.fromisoformat
    if isinstance(column_type, Date):
        return date.fromisoformat
    return None


class DemoContext:
    """The state of one build inside one transaction on `conn`."""

    def __init__(self, conn: Connection, seed: int, today: date) -> None:
        self.conn = conn
        self.rng = random.Random(seed)
        self.uuid = UuidStream(seed)
        self.today = today
        self.start = today - timedelta(days=WINDOW_DAYS)
        self.day_iso = [
            (self.start + timedelta(days=i)).isoformat() for i in range(WINDOW_DAYS + 1)
        ]
        self.ids = IdNumbers(self.rng)
        self.counts: Counter[str] = Counter()
        self.units: list[UnitRef] = []
        self.villages: list[VillageRef] = []
        self.by_short: dict[str, UnitRef] = {}
        self.people: dict[str, tuple[int, str]] = {}  # leader, chair, clerk … -> (id, name)
        self.fraud_types: list[tuple[int, str]] = []
        self.templates: dict[str, int] = {}
        self.resident_samples: list[tuple[Any, ...]] = []
        self.activities: list[tuple[str, int]] = []  # (uuid, day) of publicity activities
        # this database's letter-number prefix (app.letters.printing.number_prefix), set before
        # letters
        self.letter_prefix = ""
        self._letter_numbers: dict[str, Iterator[int]] = {}
        self._id_counters: dict[str, Iterator[int]] = {}
        self._pending: dict[str, list[dict[str, Any]]] = {}
        self._defaults: dict[str, dict[str, Any]] = {}

    # --- random values and the calendar ---------------------------------------------------
    def day(self, index: int) -> date:
        """The date `index` days after the start of the window (index WINDOW_DAYS is today)."""
        return self.start + timedelta(days=index)

    def moment(self, index: int, minute: int = 540) -> datetime:
        """A datetime on day `index` at `minute` minutes after midnight (default 09:00)."""
        return datetime.combine(self.day(index), time(minute // 60 % 24, minute % 60))

    def random_day(self, low: int = 0, high: int = WINDOW_DAYS) -> int:
        """A day index in [low, high]."""
        return low + int(self.rng.random() * (high - low + 1))

    def letter_number(self, kind: str, year: str) -> str:
        """The next number of a letter kind in a year as the program numbers it
        (`app.letters.printing.Numbering`): GZ2025-7F3A-000123, so the letters printed later go on
        from
        the demo's last number."""
        stem = f"{KIND_CODES[kind]}{year}-{self.letter_prefix}-"
        series = self._letter_numbers.get(stem)
        if series is None:
            series = self._letter_numbers[stem] = itertools.count(1)
        return f"{stem}{next(series):06d}"

    # --- ids and writing ------------------------------------------------------------------
    def id_counter(self, table: Table) -> Iterator[int]:
        """The ids of `table`: `next()` gives the next free one (1 in an empty table)."""
        counter = self._id_counters.get(table.name)
        if counter is None:
            highest = self.conn.scalar(select(func.max(table.c.id)))
            counter = self._id_counters[table.name] = itertools.count((highest or 0) + 1)
        return counter

    def next_id(self, table: Table) -> int:
        """The next free id of `table`."""
        return next(self.id_counter(table))

    def add(self, model: type, when: date | datetime | None = None, **values: Any) -> Any:
        """Buffer one row of a small table; fills id, uuid and change stamps; returns the id.

        `when` stamps created_at and updated_at unless the values give them.

        Every row of a table carries every column (defaults filled in), as one Core
        executemany requires.
        """
        table: Table = model.__table__
        row = dict(self._row_defaults(table))
        row.update(values)
        if "id" in table.c and table.c.id.primary_key and "id" not in values:
            row["id"] = self.next_id(table)
        if "uuid" in table.c and "uuid" not in values:
            row["uuid"] = self.uuid()
        if when is not None:
            moment = when if isinstance(when, datetime) else datetime.combine(when, time(9))
            for key in ("created_at", "updated_at"):
                if key in table.c and values.get(key) is None:
                    row[key] = moment
        if "changed_by" in table.c:
            row["changed_by"] = CHANGED_BY
        self._pending.setdefault(table.name, []).append(row)
        return row.get("id")

    def _row_defaults(self, table: Table) -> dict[str, Any]:
        if table.name not in self._defaults:
            self._defaults[table.name] = {
                c.key: c.default.arg if c.default is not None and c.default.is_scalar else None
                for c in table.columns
            }
        return self._defaults[table.name]

    def flush(self) -> None:
        """Write every buffered row, parents before children."""
        for table in Base.metadata.sorted_tables:
            rows = self._pending.pop(table.name, None)
            for start in range(0, len(rows or ()), CORE_CHUNK_ROWS):
                self.conn.execute(table.insert(), rows[start : start + CORE_CHUNK_ROWS])
            if rows:
                self.counts[table.name] += len(rows)

    def write_rows(self, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Insert tuples given in `columns` order; dates and datetimes are ISO strings."""
        if not rows:
            return
        if self.conn.dialect.name == "sqlite":
            names = ", ".join(columns)
            marks = ", ".join("?" * len(columns))
            self.conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)
        else:  # another database: let Core bind real dates
            parsers = [_iso_parser(table.c[name].type) for name in columns]
            self.conn.execute(
                table.insert(),
                [
                    {
                        name: parse(value) if parse and value is not None else value
                        for name, parse, value in zip(columns, parsers, row, strict=True)
                    }
                    for row in rows
                ],
            )
        self.counts[table.name] += len(rows)

    def drop_indexes(self, tables: Sequence[Table]) -> list[str]:
        """Drop the named indexes of `tables` (SQLite); returns their CREATE statements.

        Filling a table and then building each index once, sorted, is much quicker than
        updating it row by row; DDL is transactional in SQLite, so a cancelled build
        gets its indexes back with the rollback.
        """
        if self.conn.dialect.name != "sqlite":
            return []
        names = [t.name for t in tables]
        marks = ", ".join("?" * len(names))
        rows = self.conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks}) ORDER BY name",
            tuple(names),
        ).all()
        for name, _ in rows:
            self.conn.exec_driver_sql(f'DROP INDEX "{name}"')
        return [sql for _, sql in rows]
