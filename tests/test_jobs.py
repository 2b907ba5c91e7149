"""Long jobs run on a pool thread: progress, result, cancel with rollback, and errors."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QPushButton, QWidget
from sqlalchemy import func, insert, select

from app.core.progress import Progress
from db.engine import unit_of_work
from db.models import Unit
from ui.jobs import run_job


@pytest.fixture
def pool():
    pool = QThreadPool()
    yield pool
    pool.waitForDone(5000)


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def count_units(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Unit)).scalar_one()


def test_a_job_reports_progress_and_its_result(qtbot, parent, pool):
    worker_threads: set[int] = set()

    def job():
        for i in range(1, 101):
            worker_threads.add(threading.get_ident())
            yield Progress(i, 100, f"第{i}步")
        return "完成"

    results = []
    running = run_job(parent, "测试任务", job, results.append, pool=pool, minimum_duration_ms=0)
    with qtbot.waitSignal(running.done, timeout=5000) as done:
        pass
    assert done.args == ["完成"]
    assert results == ["完成"]
    assert threading.get_ident() not in worker_threads  # the job never ran on the GUI thread
    assert running.last_progress == Progress(100, 100, "第100步")  # the last step always shows


def test_cancelling_rolls_back_what_the_job_wrote(qtbot, engine, parent, pool):
    reached_ten = threading.Event()
    may_go_on = threading.Event()
    closed = []

    def job():
        try:
            with unit_of_work(engine, "clerk") as session:
                for i in range(100):
                    session.execute(
                        insert(Unit).values(name=f"单位{i}", kind="other", uuid=f"u{i}")
                    )
                    if i == 10:
                        reached_ten.set()
                        assert may_go_on.wait(5)
                    yield Progress(i + 1, 100)
        except GeneratorExit:
            closed.append(True)
            raise
        return 100

    results, cancelled = [], []
    running = run_job(
        parent, "写入", job, results.append,
        on_cancelled=lambda: cancelled.append(True), pool=pool, minimum_duration_ms=0,
    )  # fmt: skip
    assert reached_ten.wait(5)
    cancel_button = running.dialog.findChild(QPushButton)
    assert cancel_button.text() == "取消"
    with qtbot.waitSignal(running.cancelled, timeout=5000):
        qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)
        may_go_on.set()
    assert cancelled == [True] and closed == [True] and results == []
    assert count_units(engine) == 0


def test_an_error_in_the_job_reaches_show_error(qtbot, parent, pool):
    def job():
        yield Progress(1, 2)
        raise RuntimeError("磁盘出错了")

    shown = []
    running = run_job(
        parent, "导出Excel", job, lambda _result: pytest.fail("not done"),
        show_error=lambda *args: shown.append(args), pool=pool,
    )  # fmt: skip
    with qtbot.waitSignal(running.failed, timeout=5000):
        pass
    ((where, message, details),) = shown
    assert where is parent
    assert "导出Excel没有完成" in message and "磁盘出错了" in message
    assert "RuntimeError" in details and "Traceback" in details


def test_a_file_error_is_explained_plainly(qtbot, parent, pool, tmp_path):
    def job():
        yield Progress(0, 1)
        (tmp_path / "no-such-folder" / "x.xlsx").write_bytes(b"")

    shown = []
    running = run_job(parent, "导出Excel", job, show_error=lambda *a: shown.append(a), pool=pool)
    with qtbot.waitSignal(running.failed, timeout=5000):
        pass
    assert shown[0][1].startswith("导出Excel没有完成：")
    assert "意外" not in shown[0][1]


def test_background_read_delivers_its_result_on_the_gui_thread(qtbot):
    import threading

    from PySide6.QtWidgets import QWidget

    from ui.jobs import BackgroundCall

    widget = QWidget()
    qtbot.addWidget(widget)
    got = []
    BackgroundCall(widget, lambda: threading.current_thread().name, got.append)
    qtbot.waitUntil(lambda: len(got) == 1)
    assert got[0].startswith("wuzha-read")
    assert threading.current_thread() is threading.main_thread()


def test_background_read_for_a_deleted_widget_is_dropped(qtbot):
    import threading

    from PySide6.QtWidgets import QWidget

    from ui.jobs import BackgroundCall

    release = threading.Event()
    finished = threading.Event()
    got = []

    def slow() -> int:
        release.wait(5)
        finished.set()
        return 42

    widget = QWidget()
    BackgroundCall(widget, slow, got.append)
    widget.deleteLater()
    qtbot.wait(20)  # the widget and its pending call are gone
    release.set()
    assert finished.wait(5)
    qtbot.wait(50)
    assert got == []


def test_background_reads_racing_their_widgets_deletion_never_crash(qtbot):
    """A result arriving while Qt deletes the widget that asked crashed the process (seen in CI):
    the worker emitted on a QObject being deleted. Race it many times; only live widgets get
    their result."""
    import random

    import shiboken6
    from PySide6.QtWidgets import QWidget

    from ui.jobs import BackgroundCall

    got: list[int] = []
    kept = []
    for i in range(200):
        widget = QWidget()
        BackgroundCall(widget, lambda i=i: i, got.append)
        if random.Random(i).random() < 0.5:
            shiboken6.delete(widget)  # at once, while its read may be finishing
        else:
            kept.append((i, widget))
    qtbot.waitUntil(lambda: len(got) >= len(kept), timeout=5000)
    qtbot.wait(50)
    assert sorted(got) == [i for i, _ in kept]


def test_emitting_signals_keeps_pythons_booleans_alive():
    """PySide6 6.12.0 returned True from emit() without a reference of its own: each emit cost
    True one reference, and a few hundred progress steps or background reads killed the program
    (Fatal Python error: bool_dealloc). pyproject.toml keeps such a binding out; this proves it."""
    import sys

    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        ping = Signal(object)

    emitter = Emitter()
    got: list[int] = []
    emitter.ping.connect(got.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for i in range(100):
        emitter.ping.emit(i)
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before
    assert got == list(range(100))
