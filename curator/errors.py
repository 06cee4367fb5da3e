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
