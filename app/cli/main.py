"""The command line: one parser for the GUI start and every subcommand.

`wuzha` starts the GUI (see ui/entry.py); `wuzha --db FILE <command>` runs a command.
The core commands (demo, check, backup) live here. Each area of the program adds its own
commands from its own module (`app/cli_*.py`, listed in `AREAS`) through `CommandGroups`, so
`import units`, `import households`, `print minutes` … each sit next to their domain code.
Area modules import nothing heavy at module level: parsing must stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app import APP_TITLE, __version__

if TYPE_CHECKING:
    from app.core.progress import Progress
    from app.sheets.reading import RowError
    from app.storage.database import Database

log = logging.getLogger(__name__)

Handler = Callable[[argparse.Namespace], int]

# Modules with `add_commands(groups: CommandGroups)`, in the order their commands are listed.
AREAS: tuple[str, ...] = (
    "app.cli.units",
    "app.cli.org",
    "app.cli.letters",
    "app.cli.cases",
    "app.cli.meetings",
    "app.cli.publicity",
    "app.cli.inspections",
    "app.cli.households",
    "app.cli.coverage",
    "app.cli.field",
)

# The nested command groups and their help: `wuzha import units …`, `wuzha print minutes …`
GROUPS = {
    "import": "从Excel导入",
    "export": "导出到Excel",
    "template": "生成导入模板",
    "print": "打印（生成PDF）",
    "stats": "统计数字",
    "field": "外勤包：网格带到笔记本，走访记录带回",
}


class CommandGroups:
    """The nested command groups (`import`, `export`, `template`, `print`, `stats`).

    `add(group, name, help)` returns the parser of `wuzha <group> <name>`; set its `handler`
    with `set_defaults(handler=…)`. `stats` is also a command of its own (`wuzha stats`): its
    parser is `stats_parser`, and `wuzha stats cases …` is `add("stats", "cases", …)`.
    """

    def __init__(self, commands: argparse._SubParsersAction) -> None:
        self._parsers: dict[str, argparse.ArgumentParser] = {}
        self._subparsers: dict[str, argparse._SubParsersAction] = {}
        for group, help_text in GROUPS.items():
            parser = commands.add_parser(group, help=help_text)
            required = group != "stats"
            self._parsers[group] = parser
            self._subparsers[group] = parser.add_subparsers(
                dest=f"{group}_what", metavar="WHAT", required=required
            )

    @property
    def stats_parser(self) -> argparse.ArgumentParser:
        """The parser of `wuzha stats` itself (without a WHAT)."""
        return self._parsers["stats"]

    def add(self, group: str, name: str, help_text: str) -> argparse.ArgumentParser:
        """The parser of `wuzha <group> <name>`."""
        return self._subparsers[group].add_parser(name, help=help_text)


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

    groups = CommandGroups(commands)
    for area in AREAS:
        importlib.import_module(area).add_commands(groups)
    return parser


def open_database_of(args: argparse.Namespace) -> Database:
    """The database named by `--db` (or the default), opened and checked."""
    from app.storage.database import open_database

    return open_database(args.db)


def progress_printer() -> Callable[[Progress], None]:
    """Print a job's progress to stderr every ten per cent."""
    last = [-1]

    def report(step: Progress) -> None:
        percent = step.done * 100 // max(step.total, 1)
        if percent // 10 != last[0]:
            last[0] = percent // 10
            print(f"{percent:3d}% {step.message}", file=sys.stderr)

    return report


def print_row_errors(errors: Sequence[RowError]) -> None:
    """List an import's row errors (`第5行 联系电话：…`) under a count."""
    if errors:
        print(f"有{len(errors)}处错误：")
    for error in errors:
        print(f"  {error}")


def write_error(path: Path, exc: OSError) -> int:
    """Say that a file could not be written; the exit code of that failure."""
    print(f"错误：无法写入“{path}”：{exc.strerror or exc}", file=sys.stderr)
    return 1


def cmd_demo(args: argparse.Namespace) -> int:
    """Build the demo township into an empty database."""
    from app.core.progress import run_to_end
    from app.demo.township import build_demo

    if args.households < 1:
        print("住户数必须大于0", file=sys.stderr)
        return 2
    database = open_database_of(args)
    try:
        summary = run_to_end(
            build_demo(database.engine, households=args.households, seed=args.seed),
            progress_printer(),
        )
    finally:
        database.close()
    print(f"演示乡镇已生成：{database.display_name}")
    for table, count in summary.counts.items():
        print(f"{table}\t{count}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Print the table counts and every problem found; exit 1 when there is one."""
    from app.storage.integrity import check_database

    database = open_database_of(args)
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
    from app.storage.backup import backup_database

    database = open_database_of(args)
    try:
        if database.path is None:
            print("服务器数据库请用数据库自带的工具备份", file=sys.stderr)
            return 2
        target = backup_database(database.path, args.destination)
    finally:
        database.close()
    print(f"已备份到：{target}")
    return 0


def run_command(args: argparse.Namespace) -> int:
    """Run the chosen subcommand; known failures print their Chinese message and exit 1."""
    from app.core.validation import ValidationError
    from db.errors import DatabaseOpenError

    if getattr(args, "handler", None) is None:
        build_parser().parse_args([args.command, "--help"])
    try:
        return args.handler(args)
    except (DatabaseOpenError, ValidationError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
