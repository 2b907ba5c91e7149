"""The command line: one parser for the GUI start and every subcommand.

`wuzha` starts the GUI (see ui/entry.py); `wuzha --db FILE <command>` runs a command.
Later issues add subcommands here, with `add_command`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app import APP_TITLE, __version__

if TYPE_CHECKING:
    from app.progress import Progress
    from app.spreadsheet import RowError

log = logging.getLogger(__name__)

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    """The whole command line of the program."""
    parser = argparse.ArgumentParser(
        prog="wuzha",
        description=f"{APP_TITLE}：乡镇反电信网络诈骗工作台账。不带命令时启动图形界面。",
    )
    parser.add_argument("--db", type=Path, metavar="FILE", help="数据库文件（默认：用户数据目录）")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser("demo", help="在空数据库中生成演示乡镇")
    demo.add_argument("--households", type=int, default=3000, help="住户数（默认 3000）")
    demo.add_argument("--seed", type=int, default=1, help="随机种子（相同种子生成相同数据）")
    demo.set_defaults(handler=cmd_demo)

    check = commands.add_parser("check", help="检查数据库完整性并列出各表记录数")
    check.set_defaults(handler=cmd_check)

    backup = commands.add_parser("backup", help="把数据库备份到文件或文件夹")
    backup.add_argument("destination", type=Path, help="备份文件或文件夹")
    backup.set_defaults(handler=cmd_backup)

    # nested: later issues add `import staff`, `export grids` … next to `units`
    imports = commands.add_parser("import", help="从Excel导入").add_subparsers(
        dest="what", metavar="WHAT", required=True
    )
    import_units = imports.add_parser("units", help="导入成员单位及四员（按单位名称新增或更新）")
    import_units.add_argument("file", type=Path, help="Excel文件（.xlsx）")
    import_units.add_argument("--dry-run", action="store_true", help="只检查并预览，不写入")
    import_units.add_argument(
        "--skip-bad-rows", action="store_true", help="跳过有错误的行，导入其余的行"
    )
    import_units.set_defaults(handler=cmd_import_units)

    exports = commands.add_parser("export", help="导出到Excel").add_subparsers(
        dest="what", metavar="WHAT", required=True
    )
    export_units = exports.add_parser("units", help="导出成员单位及四员")
    export_units.add_argument("file", type=Path, help="要写入的Excel文件（.xlsx）")
    export_units.set_defaults(handler=cmd_export_units)

    templates = commands.add_parser("template", help="生成导入模板").add_subparsers(
        dest="what", metavar="WHAT", required=True
    )
    template_units = templates.add_parser("units", help="成员单位导入模板")
    template_units.add_argument("file", type=Path, help="要写入的Excel文件（.xlsx）")
    template_units.set_defaults(handler=cmd_template_units)
    return parser


def _open(args: argparse.Namespace):
    from app.database import open_database

    return open_database(args.db)


def _progress_printer() -> Callable[[Progress], None]:
    """Print a job's progress to stderr every ten per cent."""
    last = [-1]

    def report(step: Progress) -> None:
        percent = step.done * 100 // max(step.total, 1)
        if percent // 10 != last[0]:
            last[0] = percent // 10
            print(f"{percent:3d}% {step.message}", file=sys.stderr)

    return report


def cmd_demo(args: argparse.Namespace) -> int:
    """Build the demo township into an empty database."""
    from app.demo import build_demo
    from app.progress import run_to_end

    if args.households < 1:
        print("住户数必须大于0", file=sys.stderr)
        return 2
    database = _open(args)
    try:
        summary = run_to_end(
            build_demo(database.engine, households=args.households, seed=args.seed),
            _progress_printer(),
        )
    finally:
        database.close()
    print(f"演示乡镇已生成：{database.display_name}")
    for table, count in summary.counts.items():
        print(f"{table}\t{count}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Print the table counts and every problem found; exit 1 when there is one."""
    from app.integrity import check_database

    database = _open(args)
    try:
        report = check_database(database.engine)
    finally:
        database.close()
    print(f"数据库：{database.display_name}")
    print(f"{'表':<24}{'记录数':>10}{'已删除':>10}")
    for c in report.counts:
        print(f"{c.table:<24}{c.live:>10}{c.deleted:>10}")
    if report.ok:
        print("检查结果：正常")
        return 0
    print("检查结果：发现问题")
    for problem in report.problems:
        print(f"  - {problem}")
    return 1


def cmd_backup(args: argparse.Namespace) -> int:
    """Copy the database to a file or a folder."""
    from app.backup import backup_database

    database = _open(args)
    try:
        if database.path is None:
            print("服务器数据库请用数据库自带的工具备份", file=sys.stderr)
            return 2
        target = backup_database(database.path, args.destination)
    finally:
        database.close()
    print(f"已备份到：{target}")
    return 0


def _print_row_errors(errors: Sequence[RowError]) -> None:
    if errors:
        print(f"有{len(errors)}处错误：")
    for error in errors:
        print(f"  {error}")


def cmd_import_units(args: argparse.Namespace) -> int:
    """Import units from an .xlsx; exit 1 when there are errors and nothing was written."""
    import getpass

    from app.progress import run_to_end
    from app.spreadsheet import RowErrors
    from app.unit_exchange import import_units, preview_units_import

    database = _open(args)
    try:
        if args.dry_run:
            preview = preview_units_import(database.engine, args.file)
            print(f"预览（未写入）：新增 {len(preview.creates)} 个，更新 {len(preview.updates)} 个")
            _print_row_errors(preview.errors)
            blocked = preview.errors and (not args.skip_bad_rows or not preview.good_rows)
            return 1 if blocked else 0
        mode = "good_rows" if args.skip_bad_rows else "all_or_nothing"
        try:
            result = run_to_end(
                import_units(database.engine, args.file, getpass.getuser(), mode),
                _progress_printer(),
            )
        except RowErrors as exc:
            print("未导入：文件中有错误，没有写入任何数据。")
            _print_row_errors(exc.row_errors)
            return 1
    finally:
        database.close()
    written = result.created + result.updated
    print(f"已导入：新增 {result.created} 个，更新 {result.updated} 个")
    if result.errors:
        print("跳过了有错误的行。")
    _print_row_errors(result.errors)
    return 1 if result.errors and not written else 0


def cmd_export_units(args: argparse.Namespace) -> int:
    """Export every unit with its four people to an .xlsx."""
    from app.progress import run_to_end
    from app.unit_exchange import export_units_xlsx

    database = _open(args)
    try:
        count = run_to_end(export_units_xlsx(database.engine, args.file))
    except OSError as exc:
        print(f"错误：无法写入“{args.file}”：{exc.strerror or exc}", file=sys.stderr)
        return 1
    finally:
        database.close()
    print(f"已导出 {count} 个成员单位到：{args.file}")
    return 0


def cmd_template_units(args: argparse.Namespace) -> int:
    """Write the import template of member units."""
    from app.unit_exchange import write_template_xlsx

    try:
        write_template_xlsx(args.file)
    except OSError as exc:
        print(f"错误：无法写入“{args.file}”：{exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"已写入成员单位导入模板：{args.file}")
    return 0


def run_command(args: argparse.Namespace) -> int:
    """Run the chosen subcommand; known failures print their Chinese message and exit 1."""
    from app.validation import ValidationError
    from db.errors import DatabaseOpenError

    try:
        return args.handler(args)
    except (DatabaseOpenError, ValidationError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
