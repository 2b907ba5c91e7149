"""The `wuzha` entry point: a subcommand runs without Qt; no command starts the GUI."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run it. Imports stay lazy: start-up time is a feature."""
    from app.cli.main import build_parser, run_command
    from app.core.logs import setup_logging

    args = build_parser().parse_args(argv)
    setup_logging()
    if args.command is None:
        from ui.application import run_gui

        return run_gui(args.db)
    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
