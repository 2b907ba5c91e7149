"""Files written whole or not at all: a temporary name beside the target, renamed at the end."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A temporary file beside `target` that replaces it when the block ends normally.

    An error or a cancel (GeneratorExit) inside the block leaves `target` as it was and no
    temporary file behind, so a clerk never finds a half-written workbook.
    """
    fd, name = tempfile.mkstemp(
        prefix=f".{target.stem}-", suffix=f"{target.suffix}.part", dir=target.parent
    )
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        os.replace(temp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
