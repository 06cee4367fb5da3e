"""Showing problems: a ``CuratorError`` in a dialog with its own message (what happened, what to do); anything
else is a bug, logged with its traceback to the library's log and shown as a short apology with the log path.

Dialogs are opened non-blocking (``open()``), so a worker's error never stalls the event loop, and tests can
read ``last_dialog``.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from ..errors import CuratorError, explain
from ..logs import log_file_for

logger = logging.getLogger("curator")


class ErrorReporter:
    """One per window: knows the library folder for the log and the parent for dialogs."""

    def __init__(self, parent: QWidget | None, library_folder: Path | None) -> None:
        self.parent = parent
        self.log_path = log_file_for(library_folder)
        self.last_dialog: QMessageBox | None = None
        self.last_message = ""

    def report(self, err: BaseException, doing: str = "") -> None:
        err = explain(err) or err  # a locked database, a full or read-only disk: a message, not an apology
        if isinstance(err, CuratorError):
            self._show(QMessageBox.Icon.Warning, "Curator", str(err), doing)
            return
        self.log_unexpected(err)
        self._show(QMessageBox.Icon.Critical, "Curator: sorry",
                   "Sorry, something went wrong inside Curator. Your saved work is safe and nothing was "
                   f"half-written. The details are in {self.log_path}; please send that file to whoever "
                   "supports Curator for you.", doing)

    def log_unexpected(self, err: BaseException) -> None:
        text = "".join(traceback.format_exception(type(err), err, err.__traceback__))
        logger.error("unexpected error in the desktop app\n%s", text)

    def _show(self, icon: QMessageBox.Icon, title: str, text: str, doing: str) -> None:
        self.last_message = f"{doing}: {text}" if doing else text
        box = QMessageBox(icon, title, self.last_message, QMessageBox.StandardButton.Ok, self.parent)
        box.setAccessibleName(title)
        box.open()
        self.last_dialog = box

    def excepthook(self, kind: type[BaseException], err: BaseException, tb: TracebackType | None) -> None:
        """Installed as ``sys.excepthook``: an exception escaping a Qt slot becomes the apology, not a crash."""
        if err.__traceback__ is None:
            err = err.with_traceback(tb)
        try:
            self.report(err)
        except Exception:  # noqa: BLE001 - last resort while reporting a bug
            sys.__excepthook__(kind, err, tb)
