"""Logging to the library's log file: unexpected errors go here, never to the user as a traceback."""

from __future__ import annotations

import logging
import logging.handlers
import tempfile
from pathlib import Path

_configured: Path | None = None


def log_file_for(library_folder: Path | None) -> Path:
    """Send the ``curator`` logger to ``LIBRARY/logs/curator.log`` (a temp file without a library)."""
    global _configured
    folder = (library_folder / "logs") if library_folder else Path(tempfile.gettempdir())
    path = folder / "curator.log"
    if _configured == path:
        return path
    logger = logging.getLogger("curator")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3,
                                                                        encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    _configured = path
    return path
