"""Error types that carry a message a person can act on.

Every error the CLI or the UI shows to a user is a ``CuratorError``: its text says what went wrong and what
to do. Anything else reaching the top level is a bug and is logged, never shown as a traceback.
"""

from __future__ import annotations


class CuratorError(Exception):
    """A problem the user can fix; ``str(err)`` is the whole message."""


class ValidationError(CuratorError):
    """One field of one record is not acceptable."""

    def __init__(self, field: str, message: str, value: object = None) -> None:
        self.field = field
        self.value = value
        self.detail = message
        super().__init__(f"{field}: {message}")


class RecordErrors(CuratorError):
    """All the problems found in one record, so a user fixes them in one pass."""

    def __init__(self, errors: list[ValidationError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


class NotFound(CuratorError):
    """No record (or backup, or file) by that name."""


class TransitionRefused(CuratorError):
    """A status change the workflow does not allow."""


class NothingToUndo(CuratorError):
    """The history holds nothing that can be undone (or redone)."""


class FileRefused(CuratorError):
    """An input file that cannot be read; the message says why and what to do."""


#: how long a writer waits for another one before giving up (``store.BUSY_TIMEOUT_MS``), for messages
LOCK_WAIT_SECONDS = 10


def explain(err: BaseException, where: object = None) -> CuratorError | None:
    """The message for an *expected* condition that arrives as a low-level exception (a locked or damaged
    database, a full or read-only disk, input too deep or too big), or None when it is really a bug.

    The CLI and the window call this before they call anything "a bug in Curator"."""
    import csv
    import errno
    import sqlite3

    place = f" ({where})" if where else ""
    text = str(err).casefold()
    if isinstance(err, CuratorError):
        return err
    if isinstance(err, sqlite3.Error) or (isinstance(err, OSError) and err.errno is None):
        if "locked" in text or "busy" in text:
            return CuratorError(f"another Curator window or command is writing to this library and did not finish "
                                f"within {LOCK_WAIT_SECONDS} s; nothing was changed: wait for it to finish (an import "
                                "of thousands of records takes a while) and try again")
        if "full" in text:
            return CuratorError(f"the disk is full{place}; nothing was changed: free some space and try again")
        if "readonly" in text or "read-only" in text:
            return CuratorError(f"this library is read-only{place}: you can read and export it but not change it; "
                                "copy the library folder somewhere you can write to, or ask for write access")
        if any(w in text for w in ("not a database", "malformed", "disk image", "file is encrypted")):
            return CuratorError(f"the library's database is damaged or is not a database{place} ({err}); list the "
                                "backups with 'python -m curator backups' and put one back with "
                                "'python -m curator restore-backup FILE'")
        if "unable to open" in text:
            return CuratorError(f"cannot open the library's database{place} ({err}); check that the folder exists "
                                "and that you may read it, or choose another with --library DIR")
        if isinstance(err, sqlite3.OperationalError) and ("i/o" in text or "disk" in text):
            return CuratorError(f"the disk reported an error{place} ({err}); nothing was changed: check the disk "
                                "and run 'python -m curator check'")
        return None
    if isinstance(err, OSError):
        if err.errno == errno.ENOSPC:
            return CuratorError(f"the disk is full{place}; nothing was changed: free some space and try again")
        if err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            name = f" {err.filename}" if err.filename else ""
            return CuratorError(f"cannot write{name}: the folder is read-only or you may not write there; choose "
                                "another place, or copy the library somewhere you can write to")
        if err.errno == errno.ENOENT:
            return CuratorError(f"no such file or folder: {err.filename}; check the path")
        return None
    if isinstance(err, RecursionError):
        return CuratorError("the data is nested too deeply to read (lists or objects inside each other hundreds of "
                            "levels down); a case study is a flat object: check the file")
    if isinstance(err, ValueError) and "integer string conversion" in text:
        return CuratorError("a number in the data has thousands of digits, which no case study field holds; check "
                            "the file")
    if isinstance(err, csv.Error):
        return CuratorError(f"the CSV file cannot be read ({err}); check its quoting, or split very long cells")
    if isinstance(err, MemoryError):
        return CuratorError("there was not enough memory for this; split the file into smaller ones and try again")
    return None
