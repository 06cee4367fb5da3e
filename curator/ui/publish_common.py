"""Small pieces the Publish, library-management and Help screens share: opening files and folders, asking where
to save, asking for a reason, the "Open file / Open folder" result box, and sizing dialogs to the screen.

``open_path`` and ``ask_save_path`` are module functions so tests can replace them (no file browser or desktop
application is opened in a test); everything that writes goes through the core.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

#: The smallest screen Curator is used on (NHS laptops); every dialog must fit it.
SMALL_SCREEN = (1366, 768)


def open_path(path: Path | str) -> bool:
    """Open a file or folder with the desktop's default application (Word for .docx, the file manager …)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def ask_save_path(parent: QWidget | None, title: str, suggested: Path | str, file_filter: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), file_filter)
    return Path(name) if name else None


def ask_folder(parent: QWidget | None, title: str, start: Path | str = "") -> Path | None:
    folder = QFileDialog.getExistingDirectory(parent, title, str(start or Path.home()))
    return Path(folder) if folder else None


def ask_open_path(parent: QWidget | None, title: str, start: Path | str, file_filter: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, str(start), file_filter)
    return Path(name) if name else None


def fit_to_screen(dialog: QWidget, width: int, height: int) -> None:
    """Size a dialog to ``width`` × ``height`` but never beyond the available screen (or 1366×768 offscreen)."""
    screen = dialog.screen() or QGuiApplication.primaryScreen()
    room = screen.availableGeometry() if screen is not None else None
    max_w = min(room.width() if room else SMALL_SCREEN[0], SMALL_SCREEN[0]) - 40
    max_h = min(room.height() if room else SMALL_SCREEN[1], SMALL_SCREEN[1]) - 60
    dialog.resize(min(width, max_w), min(height, max_h))


class ReasonDialog(QDialog):
    """Asks why (non-blocking: ``open()``); ``reasonGiven`` carries the text. OK stays disabled while empty."""

    reasonGiven = Signal(str)  # noqa: N815 - Qt naming

    def __init__(self, title: str, question: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        label = QLabel(question)
        label.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("e.g. a service telephone number published on the trust's website")
        label.setBuddy(self.reason)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.reason.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())

    def _accept(self) -> None:
        text = self.reason.text().strip()
        if text:
            self.accept()
            self.reasonGiven.emit(text)


class ResultBox(QMessageBox):
    """'Wrote …' with Open file / Open folder / Close; the buttons call ``open_path`` (replaced in tests)."""

    def __init__(self, parent: QWidget | None, title: str, text: str, path: Path | str,
                 open_text: str = "Open file") -> None:
        super().__init__(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Close, parent)
        self.setAccessibleName(title)
        self.path = Path(path)
        self.open_file = QPushButton(open_text)
        self.open_file.setAccessibleName(open_text)
        self.open_folder = QPushButton("Open folder")
        self.open_folder.setAccessibleName("Open folder")
        self.addButton(self.open_file, QMessageBox.ButtonRole.ActionRole)
        self.addButton(self.open_folder, QMessageBox.ButtonRole.ActionRole)
        self.open_file.clicked.connect(lambda: open_path(self.path))
        self.open_folder.clicked.connect(lambda: open_path(self.path if self.path.is_dir() else self.path.parent))


def show_result(parent: QWidget, title: str, text: str, path: Path | str, open_text: str = "Open file") -> ResultBox:
    box = ResultBox(parent, title, text, path, open_text)
    box.open()
    parent.result_box = box  # type: ignore[attr-defined]  # kept alive, and found by tests
    return box
