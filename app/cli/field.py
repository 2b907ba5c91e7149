"""`wuzha field …`: field packages taken out to laptops and brought back.

At the office: `field export --grid G [--grid G2] --out PKG`, `field import PKG [--dry-run]`.
On the laptop: `field open PKG` (the `--db` file becomes the laptop's database) and
`field return --out PKG`. The passphrase comes from `--passphrase-file`, from the environment
variable WUZHA_FIELD_PASSPHRASE, or is asked for (twice when a package is written).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.main import open_database_of

if TYPE_CHECKING:
    from app.cli.main import CommandGroups
    from app.field.checkin import CheckinResult

PASSPHRASE_ENV = "WUZHA_FIELD_PASSPHRASE"


def add_commands(groups: CommandGroups) -> None:
    """The field package commands."""
    export = groups.add("field", "export", "办公室：把网格的住户、居民、文书和走访记录导出为外勤包")
    export.add_argument("--grid", action="append", required=True, metavar="G",
                        help="网格（“村居/网格”、网格编码或唯一的网格名称），可重复")  # fmt: skip
    export.add_argument("--out", type=Path, required=True, help="外勤包文件")
    _passphrase_option(export)
    export.set_defaults(handler=cmd_export)

    imp = groups.add("field", "import", "办公室：导入笔记本交回的返回包（一次事务，冲突逐项列出）")
    imp.add_argument("package", type=Path, help="返回包文件")
    imp.add_argument("--dry-run", action="store_true", help="只检查并列出结果，不写入")
    imp.add_argument("--take-field", type=int, action="append", default=[], metavar="N",
                     help="第N处冲突采用外勤的值（可重复；其余冲突保留办公室的值）")  # fmt: skip
    _passphrase_option(imp)
    imp.set_defaults(handler=cmd_import)

    opener = groups.add(
        "field", "open", "笔记本：把外勤包打开为本机的外勤数据库（--db 指定新文件）"
    )
    opener.add_argument("package", type=Path, help="外勤包文件")
    _passphrase_option(opener)
    opener.set_defaults(handler=cmd_open)

    back = groups.add("field", "return", "笔记本：把外勤数据库打包为返回包，交回办公室")
    back.add_argument("--out", type=Path, required=True, help="返回包文件")
    _passphrase_option(back)
    back.set_defaults(handler=cmd_return)


def _passphrase_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--passphrase-file", type=Path, metavar="FILE",
                        help=f"从文件第一行读取口令（或环境变量 {PASSPHRASE_ENV}）")  # fmt: skip


def _passphrase(args: argparse.Namespace, confirm: bool) -> str:
    if args.passphrase_file is not None:
        lines = args.passphrase_file.read_text(encoding="utf-8").splitlines()
        return lines[0] if lines else ""
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    passphrase = getpass.getpass("外勤包口令：")
    if confirm and getpass.getpass("再输入一次口令：") != passphrase:
        raise _Refused("两次输入的口令不一致")
    return passphrase


class _Refused(Exception):
    pass


def _run(action) -> int:
    from app.field.container import FieldPackageError

    try:
        return action()
    except (FieldPackageError, _Refused) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1


def cmd_export(args: argparse.Namespace) -> int:
    """Write the field package of the grids."""
    from app.field.checkout import export_package

    def action() -> int:
        passphrase = _passphrase(args, confirm=True)
        database = open_database_of(args)
        try:
            result = export_package(
                database.engine, args.grid, args.out, passphrase, getpass.getuser()
            )
        finally:
            database.close()
        print(f"外勤包已写入：{result.path}（{result.size / 1e6:.1f} MB）")
        print(f"网格：{'、'.join(result.grids)}")
        print(f"住户{result.counts['household']}、居民{result.counts['resident']}、"
              f"文书{result.counts['letter']}、走访记录{result.counts['visit']}")  # fmt: skip
        return 0

    return _run(action)


def print_result(result: CheckinResult) -> None:
    """The summary, then every conflict with the office's and the field's values side by side."""
    print(("检查结果（未写入）：" if result.dry_run else "已导入：") + "、".join(result.grids))
    for line in result.lines():
        print(f"  {line}")
    for reason in result.skip_reasons:
        print(f"  跳过：{reason}")
    for conflict in result.conflicts:
        print(f"冲突{conflict.number}：{conflict.title}（{conflict.kind_text}）")
        for diff in conflict.diffs:
            sides = f"出库时 {diff.checkout} | 办公室 {diff.office} | 外勤 {diff.field}"
            print(f"    {diff.label}：{sides}")
    if result.conflicts:
        print("冲突处保留了办公室的值；要采用外勤的值，用 --take-field N 再导入一次。")


def cmd_import(args: argparse.Namespace) -> int:
    """Merge a return package, or with --dry-run say what it would do."""
    from app.field.checkin import import_package

    def action() -> int:
        passphrase = _passphrase(args, confirm=False)
        database = open_database_of(args)
        try:
            result = import_package(
                database.engine, args.package, passphrase, dry_run=args.dry_run,
                take_field=args.take_field, user=getpass.getuser(),
            )  # fmt: skip
        finally:
            database.close()
        print_result(result)
        return 0

    return _run(action)


def cmd_open(args: argparse.Namespace) -> int:
    """Make the --db file the laptop's database of a check-out package."""
    from app.field.laptop import open_package

    def action() -> int:
        if args.db is None:
            raise _Refused("请用 --db 指定外勤数据库文件（一个新文件）")
        info = open_package(args.package, args.db, _passphrase(args, confirm=False))
        print(f"外勤数据库：{args.db}")
        print(info.notice)
        return 0

    return _run(action)


def cmd_return(args: argparse.Namespace) -> int:
    """Pack the laptop's database as the return package."""
    from app.field.laptop import pack_return

    def action() -> int:
        passphrase = _passphrase(args, confirm=True)
        database = open_database_of(args)
        try:
            size = pack_return(database.engine, args.out, passphrase)
        finally:
            database.close()
        print(f"返回包已写入：{args.out}（{size / 1e6:.1f} MB），请交回办公室导入")
        return 0

    return _run(action)
