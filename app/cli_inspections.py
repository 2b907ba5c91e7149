"""Commands of 督导考核: `stats dual-decline`."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import TYPE_CHECKING

from app.cli import open_database_of

if TYPE_CHECKING:
    from app.cli import CommandGroups


def add_commands(groups: CommandGroups) -> None:
    """`wuzha stats dual-decline [--json] [--year Y]`."""
    dual = groups.add("stats", "dual-decline", "双降：今年与去年同期的发案数和案损（按村居）")
    dual.add_argument("--json", action="store_true", help="以JSON输出")
    dual.add_argument("--year", type=int, default=None, help="年份（默认今年）")
    dual.set_defaults(handler=cmd_dual_decline)


def cmd_dual_decline(args: argparse.Namespace) -> int:
    """Print the 双降 comparison of a year."""
    from app.dual_decline import STATUSES, as_json, dual_decline, percent

    database = open_database_of(args)
    try:
        view = dual_decline(database.engine, args.year or date.today().year)
    finally:
        database.close()
    if args.json:
        print(json.dumps(as_json(view), ensure_ascii=False, indent=2))
        return 0
    print(f"{view.year}年1—{view.through_month}月与上年同期对比")
    print(f"{'村居':<10}{'发案':>6}{'去年':>6}{'增幅':>9}{'案损（元）':>14}{'去年':>14}{'状态':>8}")
    for c in (*view.villages, view.total):
        print(
            f"{c.name:<10}{c.cases:>6}{c.cases_last:>6}{percent(c.case_change):>9}"
            f"{c.loss_fen / 100:>14,.2f}{c.loss_last_fen / 100:>14,.2f}  {STATUSES[c.status]}"
        )
    return 0
