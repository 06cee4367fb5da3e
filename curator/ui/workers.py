"""Work off the UI thread: reads on a small pool, writes on a one-thread pool (one writer at a time).

Results come back as Qt signals, which Qt queues to the UI thread, so widgets are only touched there. Searches
go through ``SearchController``: typing is debounced and every request carries a serial number, so a slow
answer to an old query never overwrites the answer to the newest one. Long work shows a progress dialog whose
Cancel sets the core's ``CancelToken``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from ..errors import CuratorError
from ..library import Library
from ..progress import Cancelled, CancelToken
from .queries import page_size, row_details, run_search

ErrorHandler = Callable[[BaseException], None]


def _alive(slot: Callable[..., Any]) -> bool:
    """False when ``slot`` is a method of a widget already deleted (a dialog closed while its read ran)."""
    owner = getattr(slot, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


def _released() -> None:
    """What a task holds after its answer was delivered (nothing)."""


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int, str)


class Task:
    """One call of ``fn`` on a pool thread; ``signals.done``/``failed`` deliver the outcome to the UI thread.

    The pool is given the bound ``run`` (Qt wraps and owns its own runnable), never a Python-owned QRunnable:
    the pool still touches a runnable after ``run`` returns, and freeing one from Python then corrupts memory.
    """

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.signals = _Signals()
        self.fn, self.args, self.kwargs = fn, args, kwargs

    def release(self) -> None:
        """Drop the callable, its arguments and the answer's slots once the answer is delivered: the pool keeps
        a reference to ``run`` (so to this task) after it returns, and through those slots it kept every window
        whose method was a slot, e.g. each closed editor (issue 10.8)."""
        self.fn, self.args, self.kwargs = _released, (), {}
        for signal in (self.signals.done, self.signals.failed):
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect()

    def run(self) -> None:
        try:
            result = self.fn(*self.args, **self.kwargs)
        except BaseException as err:  # noqa: BLE001 - handed to the UI thread, which reports it
            self.signals.failed.emit(err)
        else:
            self.signals.done.emit(result)


class Runner(QObject):
    """The window's two pools. ``busy`` counts writes in flight (the status bar and tests watch it)."""

    idle = Signal()

    def __init__(self, on_error: ErrorHandler, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reads = QThreadPool(self)
        self.reads.setMaxThreadCount(2)
        self.writes = QThreadPool(self)
        self.writes.setMaxThreadCount(1)
        self.on_error = on_error
        self._live: set[Task] = set()
        self.pending_writes = 0
        self.closed = False  # after shutdown: no new work starts and late answers are dropped

    def _start(self, pool: QThreadPool, task: Task, on_done: Callable[[Any], None] | None,
               on_error: ErrorHandler | None, write: bool) -> Task:
        if self.closed:
            return self._refuse(task, on_error, write)
        self._live.add(task)

        def finish() -> None:
            self._live.discard(task)
            task.release()
            if write:
                self.pending_writes -= 1
                if not self.pending_writes:
                    self.idle.emit()

        def done(result: Any) -> None:
            try:
                if on_done is not None and not self.closed and _alive(on_done):
                    on_done(result)
            finally:
                finish()

        def failed(err: BaseException) -> None:
            try:
                handler = on_error or self.on_error
                if not self.closed and _alive(handler):
                    handler(err)
            finally:
                finish()

        task.signals.done.connect(done, Qt.ConnectionType.QueuedConnection)
        task.signals.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
        if write:
            self.pending_writes += 1
        pool.start(task.run)
        return task

    def read(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
             on_error: ErrorHandler | None = None) -> Task:
        return self._start(self.reads, Task(fn, *args), on_done, on_error, write=False)

    def write(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
              on_error: ErrorHandler | None = None, **kwargs: Any) -> Task:
        return self._start(self.writes, Task(fn, *args, **kwargs), on_done, on_error, write=True)

    def _refuse(self, task: Task, on_error: ErrorHandler | None, write: bool) -> Task:
        """Work asked of a shut-down runner never runs; a write says so loudly (a caller waiting for its answer,
        e.g. a greyed Save button or "Submitting…", must never wait for ever)."""
        if write:
            err = CuratorError("nothing was written: this window's connection to the library has been closed; "
                               "copy what you typed, then open the library again (File → Open recent)")
            QTimer.singleShot(0, lambda: (on_error or self.on_error)(err))
        return task

    def scope(self, owner: QObject) -> ScopedRunner:
        """A view of these pools for a window that borrows them: closing that window drops its late answers
        and never stops the pools, which belong to the window that made this runner."""
        return ScopedRunner(self, owner)

    def shutdown(self) -> None:
        """Let running work finish (a write is never cut half-way) before the library closes. Only the owner
        of the runner calls this; a borrowing window shuts its ``ScopedRunner`` instead."""
        self.closed = True
        self.reads.waitForDone()
        self.writes.waitForDone()


class ScopedRunner:
    """A borrowed ``Runner``: the same pools (one writer for the whole app), with its own ``closed`` flag and
    write count. ``shutdown`` only stops delivering answers to the closed window; work already queued still
    finishes, and the owner's pools keep serving every other window.

    A plain Python object, not a QObject: answers may arrive after the borrowing window has been deleted, and
    the flags checked then must still be readable.
    """

    def __init__(self, base: Runner, owner: QObject | None = None) -> None:
        self.base = base
        self.on_error = base.on_error
        self.closed = False
        self.pending_writes = 0
        self.owner = owner

    def _wrap(self, fn: Callable[[Any], None] | None, write: bool) -> Callable[[Any], None]:
        def deliver(value: Any) -> None:
            if write:
                self.pending_writes -= 1
            if fn is not None and not self.closed:
                fn(value)
        return deliver

    def read(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
             on_error: ErrorHandler | None = None) -> Task:
        return self.base.read(fn, *args, on_done=self._wrap(on_done, False),
                              on_error=self._wrap(on_error or self.on_error, False))

    def write(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
              on_error: ErrorHandler | None = None, **kwargs: Any) -> Task:
        if self.closed:
            return self.base._refuse(Task(fn), on_error or self.on_error, True)
        self.pending_writes += 1
        return self.base.write(fn, *args, on_done=self._wrap(on_done, True),
                               on_error=self._wrap(on_error or self.on_error, True), **kwargs)

    def shutdown(self) -> None:
        """Stop delivering answers to the borrowing window; the shared pools go on."""
        self.closed = True


def long_job(parent: QWidget, runner: Runner, title: str, fn: Callable[..., Any], *args: Any,
             on_done: Callable[[Any], None] | None = None, **kwargs: Any) -> QProgressDialog:
    """Run ``fn(*args, progress=, cancel=)`` as a write with a progress dialog; Cancel sets the token."""
    token = CancelToken()
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setAccessibleName(title)
    dialog.canceled.connect(token.cancel)
    signals = _Signals()

    def report(done: int, total: int, message: str) -> None:
        signals.progress.emit(done, total, message)

    def show_progress(done: int, total: int, message: str) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))
        dialog.setLabelText(message)

    signals.progress.connect(show_progress, Qt.ConnectionType.QueuedConnection)

    def finished(result: Any) -> None:
        dialog.close()
        if on_done is not None:
            on_done(result)

    def failed(err: BaseException) -> None:
        dialog.close()
        if isinstance(err, Cancelled):
            if on_done is not None:
                on_done(None)
            return
        runner.on_error(err)

    runner.write(fn, *args, progress=report, cancel=token, on_done=finished, on_error=failed, **kwargs)
    dialog.token = token  # type: ignore[attr-defined]
    return dialog


class SearchController(QObject):
    """Debounced as-you-type searches on the read pool; only the newest request's answer is delivered.

    Each keystroke asks for one page (``queries.PAGE`` rows, the exact total and facet counts; a longer page
    when the box is empty and the library is browsed newest first); ``more()`` asks
    for the next page of the same answer and delivers it through ``more_results`` (rows to append).
    """

    results = Signal(object)  # the search dict plus "details" (row_details) and "filters"
    more_results = Signal(object)  # the next page: the search dict (hits and details of that page only)
    failed = Signal(object)

    def __init__(self, library: Library, runner: Runner, delay_ms: int = 180, parent: QObject | None = None):
        super().__init__(parent)
        self.library = library
        self.runner = runner
        self.serial = 0
        self.discarded = 0  # stale answers thrown away (for tests and the curious)
        self.query = ""
        self.filters: dict[str, list[str]] = {}
        self.shown = 0  # rows delivered for the newest answer
        self.total = 0
        self._paging = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.run_now)

    def request(self, query: str | None = None, filters: dict[str, list[str]] | None = None,
                immediate: bool = False) -> None:
        if query is not None:
            self.query = query
        if filters is not None:
            self.filters = {k: list(v) for k, v in filters.items() if v}
        if immediate:
            self._timer.stop()
            self.run_now()
        else:
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def run_now(self) -> None:
        self.serial += 1
        self._paging = False
        serial, query, filters = self.serial, self.query, dict(self.filters)
        self.runner.read(_search_job, self.library, query, filters,
                         on_done=lambda result: self._deliver(serial, result),
                         on_error=lambda err: self._fail(serial, err))

    def more(self) -> bool:
        """Ask for the next page of the newest answer (no-op while one is coming or when all are shown)."""
        if self._paging or self._timer.isActive() or self.shown >= self.total:
            return False
        self._paging = True
        serial, query, filters, offset = self.serial, self.query, dict(self.filters), self.shown
        self.runner.read(_search_job, self.library, query, filters, offset,
                         on_done=lambda result: self._deliver_more(serial, result),
                         on_error=lambda err: self._fail(serial, err))
        return True

    def _deliver(self, serial: int, result: dict[str, Any]) -> None:
        if serial != self.serial:
            self.discarded += 1
            return
        self.shown, self.total = len(result.get("hits", [])), result.get("total", 0)
        self.results.emit(result)

    def _deliver_more(self, serial: int, result: dict[str, Any]) -> None:
        self._paging = False
        if serial != self.serial:
            self.discarded += 1
            return
        self.shown += len(result.get("hits", []))
        self.more_results.emit(result)

    def _fail(self, serial: int, err: BaseException) -> None:
        self._paging = False
        if serial == self.serial:
            self.failed.emit(err)


def _search_job(library: Library, query: str, filters: dict[str, list[str]], offset: int = 0) -> dict[str, Any]:
    """One page through the as-you-type path; facet counts come with the first page only."""
    result = run_search(library, query, filters, limit=page_size(query), offset=offset, facets=offset == 0)
    result["details"] = row_details(library, [h["id"] for h in result["hits"]])
    result["filters"] = filters
    return result
