"""How long jobs report progress and are cancelled, independent of any GUI.

A long job is a generator that yields `Progress` now and then and returns its result. The GUI
runs it on a worker thread and stops asking for the next step when the user cancels; closing
the generator raises GeneratorExit inside it, so an open transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Progress:
    """A step of a long job: `done` of `total` units, and what it is doing, in Chinese."""

    done: int
    total: int
    message: str = ""


Job = Generator[Progress, None, T]


class Cancelled(Exception):
    """The user cancelled a job; nothing it was writing has been kept."""


def run_to_end(job: Job[T], on_progress=None) -> T:
    """Drive a job to completion on this thread (the CLI and tests use this)."""
    while True:
        try:
            step = next(job)
        except StopIteration as stop:
            return stop.value
        if on_progress is not None:
            on_progress(step)
