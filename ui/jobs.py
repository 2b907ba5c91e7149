"""Run a long job (a generator yielding `Progress`) off the GUI thread, with a cancel button.

The worker only iterates the generator and emits signals; every widget is touched on the GUI
thread by `RunningJob`, which the signals reach queued (TagStudio's runnable, Anki's rule that
the background part never touches widgets). Cancelling stops asking for the next step and closes
the generator, so its open transaction rolls back.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.core.progress import Job, Progress

log = logging.getLogger(__name__)

JobFactory = Callable[[], Job[Any]]
ShowError = Callable[[QWidget | None, str, str], None]

# Progress is passed to the GUI at most this often; the last step always is.
PROGRESS_INTERVAL_S = 0.05


class JobSignals(QObject):
    """What a worker reports. Emitted on the worker thread, delivered queued on the GUI thread."""

    progress = Signal(object)  # Progress
    finished = Signal(object)  # the job's return value
    failed = Signal(object, str)  # the exception and its traceback text
    cancelled = Signal()


class JobRunner(QRunnable):
    """Iterates a job on a pool thread; checks the cancel flag between steps."""

    def __init__(self, job_factory: JobFactory) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.job_factory = job_factory
        self.signals = JobSignals()
        self.cancel_requested = threading.Event()

    def cancel(self) -> None:
        """Ask the worker to stop before the next step (thread-safe)."""
        self.cancel_requested.set()

    def run(self) -> None:
        """Drive the job to its end, a cancel or an error, reporting each through a signal."""
        try:
            job = self.job_factory()
            last_report = 0.0
            while True:
                if self.cancel_requested.is_set():
                    job.close()  # GeneratorExit in the job: its transaction rolls back
                    self.signals.cancelled.emit()
                    return
                try:
                    step = next(job)
                except StopIteration as stop:
                    self.signals.finished.emit(stop.value)
                    return
                now = time.monotonic()
                if now - last_report >= PROGRESS_INTERVAL_S or step.done >= step.total:
                    last_report = now
                    self.signals.progress.emit(step)
        except Exception as exc:  # reported to the GUI, which logs and shows it
            self.signals.failed.emit(exc, traceback.format_exc())


def _default_show_error(parent: QWidget | None, message: str, details: str) -> None:
    from ui.errors import show_error_dialog

    show_error_dialog(parent, message, details)


class RunningJob(QObject):
    """A job on a pool thread and its progress dialog; lives on the GUI thread.

    Emits `done(result)`, `failed(message)` or `cancelled()` once, after the dialog is closed.
    It is a child of `parent` (kept alive by it); without a parent, keep the handle yourself.
    """

    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        job_factory: JobFactory,
        on_done: Callable[[Any], None] | None = None,
        *,
        show_error: ShowError | None = None,
        on_cancelled: Callable[[], None] | None = None,
        pool: QThreadPool | None = None,
        minimum_duration_ms: int = 400,
    ) -> None:
        super().__init__(parent)
        self.title = title
        self.parent_widget = parent
        self.on_done = on_done
        self.on_cancelled = on_cancelled
        self.show_error = show_error or _default_show_error
        self.pool = pool or QThreadPool.globalInstance()
        self.runner = JobRunner(job_factory)
        self.finished_running = False
        self.last_progress: Progress | None = None

        self.dialog = QProgressDialog(f"{title}…", "取消", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(minimum_duration_ms)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)

        if parent is not None:
            # a closed window (or another database opened) stops its job at the next step
            parent.destroyed.connect(self.runner.cancel)
        signals = self.runner.signals
        signals.progress.connect(self._on_progress)
        signals.finished.connect(self._on_finished)
        signals.failed.connect(self._on_failed)
        signals.cancelled.connect(self._on_cancelled)

    def start(self) -> None:
        """Put the job on the thread pool."""
        self.pool.start(self.runner)

    def cancel(self) -> None:
        """Stop the job before its next step; it reports `cancelled` when it has rolled back."""
        if not self.finished_running:
            self.runner.cancel()
            self.dialog.setLabelText("正在取消…")
            self.dialog.setCancelButtonText("")  # a second click would do nothing more

    @Slot(object)
    def _on_progress(self, step: Progress) -> None:
        if self.finished_running or self.runner.cancel_requested.is_set():
            return
        self.last_progress = step
        self.dialog.setMaximum(max(step.total, 0))
        self.dialog.setValue(min(step.done, step.total) if step.total > 0 else 0)
        if step.message:
            self.dialog.setLabelText(step.message)

    def _finish(self) -> None:
        self.finished_running = True
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.close()
        self.dialog.deleteLater()

    @Slot(object)
    def _on_finished(self, result: Any) -> None:
        self._finish()
        if self.on_done is not None:
            self.on_done(result)
        self.done.emit(result)

    @Slot(object, str)
    def _on_failed(self, exc: BaseException, details: str) -> None:
        self._finish()
        log.error("job %r failed: %s", self.title, details)
        if isinstance(exc, OSError):
            # expected trouble (file open in Excel, disk full): a plain message is enough
            message = f"{self.title}没有完成：{exc.strerror or exc}"
        else:
            message = f"{self.title}没有完成，出现了意外错误，已记录到日志文件。\n{exc}"
        self.show_error(self.parent_widget, message, details)
        self.failed.emit(message)

    @Slot()
    def _on_cancelled(self) -> None:
        self._finish()
        log.info("job %r cancelled", self.title)
        if self.on_cancelled is not None:
            self.on_cancelled()
        self.cancelled.emit()


def run_job(
    parent: QWidget | None,
    title: str,
    job_factory: JobFactory,
    on_done: Callable[[Any], None] | None = None,
    *,
    show_error: ShowError | None = None,
    on_cancelled: Callable[[], None] | None = None,
    pool: QThreadPool | None = None,
    minimum_duration_ms: int = 400,
) -> RunningJob:
    """Run `job_factory()` on a pool thread with a 取消-able progress dialog; returns the handle.

    `on_done(result)` runs on the GUI thread when the job ends normally; an error is logged and
    shown with `show_error(parent, message, details)`. Keep the handle to cancel or wait on it.
    """
    running = RunningJob(
        parent,
        title,
        job_factory,
        on_done,
        show_error=show_error,
        on_cancelled=on_cancelled,
        pool=pool,
        minimum_duration_ms=minimum_duration_ms,
    )
    running.start()
    return running


class _Relay(QObject):
    """Carries background results to the GUI thread. It is never deleted, so a worker thread can
    always emit on it; the BackgroundCall a result is for may be gone by then, and only the GUI
    thread, where Qt deletes objects, looks at that."""

    arrived = Signal(object, object, object)  # the BackgroundCall, its signal's name, the args


_relay: _Relay | None = None


def _deliver(call: BackgroundCall, name: str, args: tuple) -> None:
    if shiboken6.isValid(call):  # the widget that asked (and so the call) may have been deleted
        getattr(call, name).emit(*args)


class BackgroundCall(QObject):
    """A short read (figures, counts) on a worker thread with no dialog; lives on the GUI thread.

    `on_done(result)` runs on the GUI thread; a failure is logged and `on_failed()` runs, so a
    slow or broken figure never blocks or breaks the window. If the widget that asked is gone
    by the time the result arrives (another database opened, the program closing), the result
    is dropped. The reads share one small executor; its threads are joined when Python exits.
    The worker never touches this object: it emits on a relay that lives as long as the program
    (emitting on a QObject deleted meanwhile crashed the process, not only raised).
    """

    done = Signal(object)
    failed = Signal()
    _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="wuzha-read")

    def __init__(
        self,
        parent: QObject,
        function: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        global _relay
        if _relay is None:  # made on the GUI thread, where every BackgroundCall is made
            _relay = _Relay()
            _relay.arrived.connect(_deliver)
        self.done.connect(on_done)
        self.done.connect(self.deleteLater)
        if on_failed is not None:
            self.failed.connect(on_failed)
        self.failed.connect(self.deleteLater)
        self._executor.submit(_read, self, _relay, function)


def _read(call: BackgroundCall, relay: _Relay, function: Callable[[], Any]) -> None:
    """On a worker thread: run the read and hand the outcome to the relay (not to `call`)."""
    try:
        result = function()
    except Exception:
        log.exception("background read failed")
        relay.arrived.emit(call, "failed", ())
    else:
        relay.arrived.emit(call, "done", (result,))
