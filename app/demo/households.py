"""Households, residents, visits and letters of the demo township: the bulk of its rows.

Households are made a chunk at a time (see `demo_household_rows`) and each chunk is written
parents first (households, visits, residents, letters), so every foreign key is satisfied as
it is checked.
"""

from __future__ import annotations

import gc
import itertools
from collections.abc import Iterator
from contextlib import contextmanager

from app.demo.context import DemoContext, GridRef, VillageRef
from app.demo.household_rows import (
    HOUSEHOLD_COLUMNS,
    LETTER_COLUMNS,
    RESIDENT_COLUMNS,
    VISIT_COLUMNS,
    HouseholdFactory,
)
from app.demo.names import ROADS
from db.models import Household, Letter, Resident, Visit

CHUNK_HOUSEHOLDS = 4_000
# In the order they are written; also the tables whose indexes are rebuilt after the load.
TABLES = (Household.__table__, Visit.__table__, Resident.__table__, Letter.__table__)
COLUMNS = (HOUSEHOLD_COLUMNS, VISIT_COLUMNS, RESIDENT_COLUMNS, LETTER_COLUMNS)


def _addresses(village: VillageRef, index: int) -> Iterator[str]:
    """Unique addresses: 村 "桃源村3组15号", 社区 "清溪社区幸福路12弄3号"."""
    name, total = village.unit.name, village.households
    if not village.is_community:
        per_group = max(30, -(-total // 25))
        for i in range(total):
            yield f"{name}{i // per_group + 1}组{i % per_group + 1}号"
        return
    per_road = max(1, -(-total // 4))
    per_lane = max(6, -(-per_road // 60))
    for i in range(total):
        road = ROADS[(index + i // per_road) % len(ROADS)]
        k = i % per_road
        yield f"{name}{road}{k // per_lane + 1}弄{k % per_lane + 1}号"


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a chunk is made and written.

    A chunk is tens of thousands of fresh tuples without cycles; collecting them again and
    again costs about a fifth of the build. The previous state is restored before the job
    yields, so the rest of the program never runs with the collector off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _slots(ctx: DemoContext) -> Iterator[tuple[VillageRef, GridRef, str]]:
    """Where each household lives: village, grid and address, village by village."""
    for index, village in enumerate(ctx.villages):
        addresses = _addresses(village, index)
        for grid in village.grids:
            for _ in range(grid.households):
                yield village, grid, next(addresses)


def build_households(ctx: DemoContext, households: int) -> Iterator[int]:
    """Write every household with its residents, visits and letters; yields households done."""
    factory = HouseholdFactory(ctx, sample_every=max(1, households // 5000))
    slots = _slots(ctx)
    serial = 0
    while True:
        with _collector_paused():
            for village, grid, address in itertools.islice(slots, CHUNK_HOUSEHOLDS):
                factory.household(village, grid, address, serial)
                serial += 1
            if not factory.rows["household"]:
                return
            _write(ctx, factory)
        yield serial


def _write(ctx: DemoContext, factory: HouseholdFactory) -> None:
    for table, columns in zip(TABLES, COLUMNS, strict=True):
        ctx.write_rows(table, columns, factory.rows[table.name])
        factory.rows[table.name] = []
