"""What the import, export and template commands of every area do alike.

An import previews with `--dry-run`, and otherwise writes all rows or none (or, with
`--skip-bad-rows`, the good ones) in one transaction; its bad rows are listed as
`第5行 联系电话：…`. An export or a printout writes its file and says what it wrote. A
template is written and named. Each area only says what to call and how to word the result.
"""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.cli.main import open_database_of, print_row_errors, progress_printer, write_error


def run_row_import(
    args: argparse.Namespace,
    preview: Callable[[Any], Any],
    run: Callable[[Any, str, str], Any],
    report: Callable[[Any], int] | None = None,
    describe_preview: Callable[[Any], str] | None = None,
    counter: str = "条",
) -> int:
    """Preview (`--dry-run`) or run an import in `all_or_nothing` or `good_rows` mode.

    `preview(engine)` gives an object with `creates`, `updates`, `errors` and `good_rows`;
    `run(engine, mode, user)` is the import job; `report(result)` prints the result and returns
    the exit code (by default: created and updated, counted with `counter`, e.g. 个). The exit
    code is 1 when the file's errors kept rows out.
    """
    from app.core.progress import run_to_end
    from app.sheets.reading import RowErrors

    database = open_database_of(args)
    try:
        if args.dry_run:
            planned = preview(database.engine)
            print(
                describe_preview(planned)
                if describe_preview
                else f"预览（未写入）：新增 {len(planned.creates)} {counter}，"
                f"更新 {len(planned.updates)} {counter}"
            )
            print_row_errors(planned.errors)
            blocked = planned.errors and (not args.skip_bad_rows or not planned.good_rows)
            return 1 if blocked else 0
        mode = "good_rows" if args.skip_bad_rows else "all_or_nothing"
        try:
            result = run_to_end(run(database.engine, mode, getpass.getuser()), progress_printer())
        except RowErrors as exc:
            print("未导入：文件中有错误，没有写入任何数据。")
            print_row_errors(exc.row_errors)
            return 1
    finally:
        database.close()
    return report(result) if report else report_created_updated(result, counter)


def report_created_updated(result: Any, counter: str = "条") -> int:
    """`已导入：新增 3 条，更新 1 条` and the rows skipped; 1 when nothing could be written."""
    print(f"已导入：新增 {result.created} {counter}，更新 {result.updated} {counter}")
    if result.errors:
        print("跳过了有错误的行。")
    print_row_errors(result.errors)
    return 1 if result.errors and not (result.created + result.updated) else 0


def write_file(
    args: argparse.Namespace,
    out: Path,
    write: Callable[[Any], Any],
    describe: Callable[[Any], str],
) -> int:
    """Write `out` from the database with `write(engine)` (a PDF, a workbook) and say what
    was written; a file that cannot be written is a plain message, not a traceback."""
    database = open_database_of(args)
    try:
        written = write(database.engine)
    except OSError as exc:
        return write_error(out, exc)
    finally:
        database.close()
    print(describe(written))
    return 0


def run_export(
    args: argparse.Namespace, job: Callable[[Any], Any], describe: Callable[[Any], str]
) -> int:
    """Run an export job into `args.file` and say what it wrote."""
    from app.core.progress import run_to_end

    return write_file(args, args.file, lambda engine: run_to_end(job(engine)), describe)


def write_template(args: argparse.Namespace, write: Callable[[Path], None], what: str) -> int:
    """Write an import template to `args.file`."""
    try:
        write(args.file)
    except OSError as exc:
        return write_error(args.file, exc)
    print(f"已写入{what}导入模板：{args.file}")
    return 0
