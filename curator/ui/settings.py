"""Remembered desktop state (QSettings): window geometry, splitter positions, last and recent libraries.

Tests and the screenshot mode pass their own ``QSettings`` (an INI file in a temporary folder) so they never
read or change a person's real settings.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORG, APP = "Curator", "Curator"
MAX_RECENT = 8


def default_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG, APP)


def ini_settings(path: Path) -> QSettings:
    return QSettings(str(path), QSettings.Format.IniFormat)


class Settings:
    """Typed access to the few things Curator remembers between runs."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.q = qsettings if qsettings is not None else default_settings()

    def state(self, key: str) -> QByteArray | None:
        value = self.q.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_state(self, key: str, value: QByteArray) -> None:
        self.q.setValue(key, value)

    @property
    def last_library(self) -> str | None:
        value = self.q.value("library/last")
        return str(value) if value else None

    def recent_libraries(self) -> list[str]:
        value = self.q.value("library/recent") or []
        items = [value] if isinstance(value, str) else list(value)
        return [str(v) for v in items if v]

    def remember_library(self, folder: Path | str) -> None:
        folder = str(folder)
        recent = [folder] + [f for f in self.recent_libraries() if f != folder]
        self.q.setValue("library/last", folder)
        self.q.setValue("library/recent", recent[:MAX_RECENT])

    def sync(self) -> None:
        self.q.sync()
