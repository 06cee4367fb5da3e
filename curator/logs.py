"""Logging to the library's log file: unexpected errors go here, never to the user as a traceback.

The ``curator`` logger always has a handler (a file, or a null handler), so Python's last-resort handler never
prints a record, or its traceback, on stderr. The file is ``LIBRARY/logs/curator.log``; with no library (or one
on a read-only disk) it is the per-user log folder, never a file shared by every user such as /tmp/curator.log.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

_configured: Path | None = None
_logger = logging.getLogger("curator")
_null = logging.NullHandler()
_logger.addHandler(_null)
_logger.propagate = False  # nothing reaches the root logger's stderr handler either
logging.raiseExceptions = False  # a log write that fails (full disk) must not print a traceback


def user_log_dir() -> Path:
    """The per-user log folder (``CURATOR_LOG_DIR`` for tests and scripts)."""
    env = os.environ.get("CURATOR_LOG_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_log_dir as folder

    return Path(folder("Curator", appauthor=False))


def log_file_for(library_folder: Path | None) -> Path:
    """Send the ``curator`` logger to ``LIBRARY/logs/curator.log`` (the per-user log folder without a library)."""
    global _configured
    folder = (library_folder / "logs") if library_folder else user_log_dir()
    path = folder / "curator.log"
    if _configured == path:
        return path
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3,
                                                                        encoding="utf-8", delay=True)
        if not os.access(folder, os.W_OK):
            raise PermissionError(folder)
    except OSError:
        if library_folder is not None:
            return log_file_for(None)
        handler = logging.NullHandler()
    for old in list(_logger.handlers):
        if old is not _null:
            _logger.removeHandler(old)
            old.close()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    _logger.addHandler(handler)
    _logger.setLevel(logging.INFO)
    _configured = path
    return path
