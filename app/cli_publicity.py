"""Commands of 宣传活动: `import publicity-plan`, `template publicity-plan`."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli import open_database_of, print_row_errors, write_error

if TYPE_CHECKING:
    from app.cli import CommandGroups


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
    import getpass

    from app.progress import run_to_end
    from app.publicity_plan import import_plan, preview_plan_import
    from app.spreadsheet import RowErrors

    year = args.year or date.today().year
    database = open_database_of(args)
    try:
        if args.dry_run:
            preview = preview_plan_import(database.engine, args.file, year)
            print(f"预览（未写入）：{year}年新增 {len(preview.creates)} 条")
            print_row_errors(preview.errors)
            return 1 if preview.errors and not args.skip_bad_rows else 0
        mode = "good_rows" if args.skip_bad_rows else "all_or_nothing"
        try:
            count = run_to_end(
                import_plan(database.engine, args.file, year, getpass.getuser(), mode)
            )
        except RowErrors as exc:
            print("未导入：文件中有错误，没有写入任何数据。")
            print_row_errors(exc.row_errors)
            return 1
    finally:
        database.close()
    print(f"已导入 {count} 条{year}年宣传计划")
    return 0


def cmd_template_plan(args: argparse.Namespace) -> int:
    """Write an empty plan table."""
    from app.publicity_plan import write_plan_template

    try:
        write_plan_template(args.file)
    except OSError as exc:
        return write_error(args.file, exc)
    print(f"已写入宣传计划表模板：{args.file}")
    return 0
