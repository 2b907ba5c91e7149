"""`wuzha stats`: the coverage of the household work per village (and, in JSON, per grid)."""

from __future__ import annotations

import argparse
import json
import unicodedata
from typing import TYPE_CHECKING

from app.cli.main import open_database_of

if TYPE_CHECKING:
    from app.cli.main import CommandGroups


def add_commands(groups: CommandGroups) -> None:
    """`wuzha stats [--json]` itself (other `stats …` commands are its subcommands)."""
    stats = groups.stats_parser
    stats.description = (
        "不带子命令：今年的走访覆盖情况（住户、已走访、告知书送达、承诺书签订、已装APP居民），"
        "按村居列出；--json 时另含每个网格。"
    )
    stats.add_argument("--json", action="store_true", help="以JSON输出（含每个网格）")
    stats.set_defaults(handler=cmd_stats_coverage)


def _pad(text: str, width: int) -> str:
    """Left-aligned in `width` terminal columns (a Han character takes two)."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - used, 1)


def _percent(value) -> str:
    return "—" if value is None else f"{value}%"


def cmd_stats_coverage(args: argparse.Namespace) -> int:
    """Print this year's coverage as a table or as JSON."""
    from app.households.coverage import coverage

    database = open_database_of(args)
    try:
        cov = coverage(database.engine)
    finally:
        database.close()
    if args.json:
        print(json.dumps(cov.as_json(), ensure_ascii=False, indent=2))
        return 0
    print(f"{cov.year}年走访覆盖情况")
    print(_pad("村居", 14) + "    住户  已走访  告知书  承诺书    居民 已装APP")
    for row in [*cov.villages, cov.total]:
        s = row.shares()
        print(
            f"{_pad(row.name, 14)}{row.households:>8}"
            f"{_percent(s['visited']):>8}{_percent(s['notice_delivered']):>8}"
            f"{_percent(s['commitment_signed']):>8}{row.residents:>8}"
            f"{_percent(s['app_installed']):>8}"
        )
    return 0
