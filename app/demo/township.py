"""The demo township 清溪镇: a generated, reproducible database to try the program on.

`build_demo` fills an empty database with a fictional township: member units and villages with
their four named people, grids, households and residents with valid ID numbers, two years of
visits and letters, dissuasion cases, awards, meetings, publicity, inspections and monthly
figures. The same seed and `today` give the same rows, uuids and timestamps included.

Everything is written in one transaction, so a cancelled job leaves the database empty. The
steps live in the package's `org`, `households` (with `household_rows`), `cases`, `work` and
`inspections` modules; the pools of names and texts in `names` and `texts`.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Engine, select

from app.core.progress import Job, Progress
from app.core.validation import ValidationError
from app.demo import cases as demo_cases
from app.demo import centre as demo_centre
from app.demo import deadlines as demo_deadlines
from app.demo import households as demo_households
from app.demo import incidents as demo_incidents
from app.demo import inspections as demo_inspections
from app.demo import instructions as demo_instructions
from app.demo import org as demo_org
from app.demo import work as demo_work
from app.demo.context import DemoContext
from app.demo.names import TOWNSHIP
from app.letters.printing import PREFIX_KEY
from db import household_index
from db.models import FraudType, Household, LetterTemplate, Setting, Unit, User

NOT_EMPTY = "数据库中已有数据，演示数据只能生成到空数据库中。"
NO_FRAUD_TYPES = "数据库中没有诈骗类型，无法生成劝阻案例。"
# SQLite page cache during the build (KiB, as PRAGMA cache_size takes negative numbers).
BUILD_CACHE_KIB = 256 * 1024


@dataclass(frozen=True)
class Existing:
    """What an otherwise empty database may already hold that the demo must not duplicate."""

    templates: dict[str, int]  # current letter template id by kind
    usernames: set[str]
    settings: set[str]
    letter_prefix: str | None = None  # app.letters.printing.number_prefix, when already made


@dataclass(frozen=True)
class DemoSummary:
    """What a demo build wrote: rows per table, and the parameters that reproduce it."""

    township: str
    households: int
    seed: int
    today: date
    counts: dict[str, int]

    @property
    def total_rows(self) -> int:
        """Rows written in all tables together."""
        return sum(self.counts.values())


def _check_empty(conn: Connection) -> None:
    for model in (Unit, Household):
        if conn.scalar(select(model.id).limit(1)) is not None:
            raise ValidationError({"": NOT_EMPTY})


def _read_reference(conn: Connection, ctx: DemoContext) -> Existing:
    """The fraud types to use, and what the database already has that the demo adds to."""
    ctx.fraud_types = [
        (row.id, row.name)
        for row in conn.execute(
            select(FraudType.id, FraudType.name)
            .where(FraudType.deleted_at.is_(None), FraudType.active.is_(True))
            .order_by(FraudType.sort_order, FraudType.id)
        )
    ]
    if not ctx.fraud_types:
        raise ValidationError({"": NO_FRAUD_TYPES})
    templates = conn.execute(
        select(LetterTemplate.kind, LetterTemplate.id)
        .where(LetterTemplate.is_current.is_(True), LetterTemplate.deleted_at.is_(None))
        .order_by(LetterTemplate.id)
    )
    return Existing(
        templates={row.kind: row.id for row in templates},
        usernames=set(conn.scalars(select(User.username))),
        settings=set(conn.scalars(select(Setting.key))),
        letter_prefix=conn.scalar(select(Setting.value).where(Setting.key == PREFIX_KEY)),
    )


def letter_prefix(seed: int) -> str:
    """The demo's letter-number prefix: 4 hex digits like `app.letters.printing.number_prefix`
    makes,
    drawn from the seed, so the same seed gives the same numbers."""
    return f"{random.Random(f'wuzha-demo-letters:{seed}').getrandbits(16):04X}"


@contextmanager
def _page_cache(conn: Connection, kib: int) -> Iterator[None]:
    """A larger SQLite page cache for this connection while the block runs."""
    if conn.dialect.name != "sqlite":
        yield
        return
    previous = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{kib}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {previous}")


def build_demo(
    engine: Engine, households: int = 3000, seed: int = 1, today: date | None = None
) -> Job[DemoSummary]:
    """Fill an empty database with the demo township; a job yielding `Progress`.

    Raises `ValidationError` before writing anything when the database already has a unit or
    a household. Data covers the 24 months up to `today` (default: the real today). All is
    written in one transaction: closing the job before its end leaves the database as it was.
    """
    today = today or date.today()
    if households < 1:
        raise ValidationError({"households": "住户数必须大于0"})
    total = households + _rest_of_work(households)
    with engine.begin() as conn:
        _check_empty(conn)
        ctx = DemoContext(conn, seed, today)
        existing = _read_reference(conn, ctx)
        ctx.letter_prefix = existing.letter_prefix or letter_prefix(seed)
        with _page_cache(conn, BUILD_CACHE_KIB):
            yield from _fill(ctx, households, existing)
        conn.exec_driver_sql("ANALYZE")  # the planner's statistics: searches start from matches
        yield Progress(total, total, "正在保存……")
    return DemoSummary(TOWNSHIP, households, seed, today, dict(sorted(ctx.counts.items())))


def _rest_of_work(households: int) -> int:
    """Indexes and the smaller registers, in households' worth of time (measured: a quarter)."""
    return max(10, households // 3)


def _fill(ctx: DemoContext, households: int, existing: Existing) -> Iterator[Progress]:
    """Every step of the build, parents before children, with progress in between."""
    rest = _rest_of_work(households)
    total = households + rest
    demo_org.build_units(ctx, households)
    demo_org.build_leading_group(ctx)
    demo_org.build_publicity_groups(ctx)
    demo_org.build_letter_templates(ctx, existing.templates)
    demo_org.build_employees(ctx)
    ctx.flush()
    yield Progress(0, total, "已生成成员单位、村居和网格，正在生成住户……")

    index_sql = ctx.drop_indexes(demo_households.TABLES)
    # per-row triggers would make this 40 times slower: the search index is built once, after
    with household_index.suspended_triggers(ctx.conn):
        for done in demo_households.build_households(ctx, households):
            yield Progress(
                done, total, f"正在生成住户、居民、走访和告知书（{done}/{households}户）……"
            )
        for k, sql in enumerate(index_sql):
            yield Progress(households + rest * k // (2 * len(index_sql)), total, "正在建立索引……")
            ctx.conn.exec_driver_sql(sql)
        yield Progress(households + rest // 2, total, "正在建立住户搜索索引……")

    yield Progress(households + rest // 2, total, "正在生成劝阻案例、奖励和通报……")
    credited = demo_cases.build_cases(ctx, households)
    clues = demo_cases.build_clues(ctx, households)
    demo_cases.build_awards(ctx, credited, clues)
    demo_cases.build_commendations(ctx)
    case_losses = demo_cases.build_case_stats(ctx)
    demo_cases.build_titles(ctx)
    ctx.flush()

    yield Progress(households + rest * 3 // 4, total, "正在生成会议、宣传和督导记录……")
    demo_work.build_meetings(ctx)
    demo_work.build_publicity(ctx)
    demo_inspections.build_inspections(ctx)
    demo_work.build_system(ctx, existing.usernames, existing.settings)
    ctx.flush()
    # the plans' registers last: the earlier steps draw the same rows as before they existed
    demo_incidents.build_incidents(ctx, case_losses)
    demo_incidents.build_handovers(ctx, clues)
    demo_instructions.build_instructions(ctx)
    demo_deadlines.build_deadlines(ctx, existing.settings)
    demo_centre.build_centre(ctx)
    ctx.flush()
