"""A small township for the household tests: two villages, one grid with its worker and officer."""

from __future__ import annotations

from db.engine import unit_of_work
from db.models import Grid, Person, Unit


def two_villages_one_grid(engine) -> dict[str, int]:
    """白鹤村 with 第一网格 (王网格, 李民警) and 青山村 without grids; their ids by name."""
    with unit_of_work(engine) as s:
        village, other = Unit(name="白鹤村", kind="village"), Unit(name="青山村", kind="village")
        worker, officer = Person(name="王网格", post="网格员"), Person(name="李民警", post="民警")
        s.add_all([village, other, worker, officer])
        s.flush()
        grid = Grid(village_id=village.id, name="第一网格", grid_worker_id=worker.id,
                    police_officer_id=officer.id)  # fmt: skip
        s.add(grid)
        s.flush()
        return {"village": village.id, "other": other.id, "grid": grid.id,
                "worker": worker.id, "officer": officer.id}  # fmt: skip
