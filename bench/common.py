"""Shared by the benchmarks: demo databases cached between runs (they take a while to build)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as `python bench/x.py`, the script's folder comes first on sys.path: put the checkout first.
sys.path.insert(0, str(ROOT))
CACHE = Path(os.environ.get("WUZHA_BENCH_CACHE", Path(tempfile.gettempdir()) / "wuzha-bench"))


def demo_database(households: int, seed: int = 1) -> Path:
    """A demo database of `households`, built once with the real `wuzha demo` command."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"demo-{households}-{seed}.sqlite"
    if not path.exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "ui.entry",
                "--db",
                str(path),
                "demo",
                "--households",
                str(households),
                "--seed",
                str(seed),
            ],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return path


def machine() -> str:
    """A one-line description of this machine for RESULTS.md."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {sys.version.split()[0]}"
