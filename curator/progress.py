"""Progress reporting and cancellation for long work, without Qt.

Core functions take ``progress`` and ``cancel`` arguments; the CLI passes nothing (or a printer) and the UI
passes callbacks that post to the UI thread and a token its Cancel button sets.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

ProgressFn = Callable[[int, int, str], None]


def no_progress(done: int, total: int, message: str) -> None:
    """The default: long work reports to nobody."""


class Cancelled(Exception):
    """Raised inside long work when the user asked it to stop."""


class CancelToken:
    """Set from any thread; checked by the worker between items."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()
