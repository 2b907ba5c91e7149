"""Commands of 宣传活动: `import publicity-plan`, `template publicity-plan`."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import run_row_import, write_template

if TYPE_CHECKING:
    from app.cli.main import CommandGroups


def add_commands(groups: CommandGroups) -> None:
    """`wuzha import publicity-plan FILE [--year Y] [--dry-run]`, `template publicity-plan`."""
    plan = groups.add(
        "import", "publicity-plan", "导入反诈宣传计划表（序号、月份、牵头单位、反诈宣传工作）"
    )
    plan.add_argument("file", type=Path, help="Excel文件（.xlsx）")
    plan.add_argument("--year", type=int, default=None, help="计划年度（默认今年）")
    plan.add_argument("--dry-run", action="store_true", help="只检查并预览，不写入")
    plan.add_argument("--skip-bad-rows", action="store_true", help="跳过有错误的行")
    plan.set_defaults(handler=cmd_import_plan)
    template = groups.add("template", "publicity-plan", "反诈宣传计划表模板")
    template.add_argument("file", type=Path, help="要写入的Excel文件（.xlsx）")
    template.set_defaults(handler=cmd_template_plan)


def cmd_import_plan(args: argparse.Namespace) -> int:
    """Import a plan table; exit 1 when nothing was written because of errors."""
    from app.publicity.plan import import_plan, preview_plan_import

    year = args.year or date.today().year

    def report(count: int) -> int:
        print(f"已导入 {count} 条{year}年宣传计划")
        return 0

    return run_row_import(
        args,
        lambda engine: preview_plan_import(engine, args.file, year),
        lambda engine, mode, user: import_plan(engine, args.file, year, user, mode),
        report,
        lambda preview: f"预览（未写入）：{year}年新增 {len(preview.creates)} 条",
    )


def cmd_template_plan(args: argparse.Namespace) -> int:
    """Write an empty plan table."""
    from app.publicity.plan import write_plan_template

    return write_template(args, write_plan_template, "宣传计划表")
