"""Library → Backups…: back up now, the list of backups (date, reason, size), restore one (the current state
is backed up first, as in the CLI), and the integrity check with its result in words. Backing up and restoring
run as long jobs on the write pool; everything is a ``Library`` call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..library import Library, plural
from ..progress import CancelToken, ProgressFn
from .publish_common import fit_to_screen, open_path
from .workers import Runner, long_job

COLUMNS = ("Taken", "Reason", "Size", "File")
REASONS = {"manual": "Backed up by hand", "daily": "Daily, on first open", "before-import": "Before an import",
           "before-restore": "Before a restore"}


def reason_text(reason: str) -> str:
    if reason.startswith("before-migration"):
        return "Before a database upgrade"
    return REASONS.get(reason, reason.replace("-", " ").capitalize())


def size_text(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{max(1, round(n / 1024))} KB"


def backup_job(library: Library, progress: ProgressFn, cancel: CancelToken) -> dict[str, Any]:
    progress(0, 1, "Backing up the library…")
    return library.backup("manual").as_json()


def restore_job(library: Library, path: Path, progress: ProgressFn, cancel: CancelToken) -> dict[str, Any]:
    cancel.check()  # Cancel works until the restore starts; a restore is never stopped half-way
    progress(0, 1, f"Restoring {path.name} (the current state is backed up first)…")
    return library.restore_backup(path)


def check_words(result: dict[str, Any]) -> str:
    if result["ok"]:
        return (f"The library is sound: the database passed SQLite's integrity check and all "
                f"{plural(result['records'], 'case study', 'case studies')} read back whole.")
    shown = "; ".join(result["problems"][:3])
    more = f" and {len(result['problems']) - 3} more" if len(result["problems"]) > 3 else ""
    return (f"The check found {plural(len(result['problems']), 'problem', 'problems')}: {shown}{more}. Restore "
            "the newest backup taken before the problem appeared, or send the log to whoever supports Curator.")


class BackupsDialog(QDialog):
    loaded = Signal()
    restored = Signal(dict)
    checked = Signal(dict)

    def __init__(self, library: Library, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.runner = library, runner
        self.backups: list[dict[str, Any]] = []
        self.confirm: QMessageBox | None = None
        self.progress_dialog: Any = None
        self.setWindowTitle("Backups")
        self.setAccessibleName("Backups")
        intro = QLabel("Curator backs the library up every day on first open, before imports and restores, and "
                       "when you ask. The newest ten are kept, plus the newest of each month.")
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Backups, newest first")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(lambda: self.restore_button.setEnabled(self.selected() is not None))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Backup status")
        self.backup_button = QPushButton("&Back up now")
        self.backup_button.setAccessibleName("Back up now")
        self.backup_button.clicked.connect(self.back_up)
        self.restore_button = QPushButton("&Restore…")
        self.restore_button.setAccessibleName("Restore the selected backup")
        self.restore_button.setToolTip("Replace the library with the selected backup (the current state is backed "
                                       "up first)")
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(lambda: self.restore_selected())
        self.check_button = QPushButton("Chec&k integrity")
        self.check_button.setAccessibleName("Check integrity")
        self.check_button.clicked.connect(self.check)
        folder = QPushButton("Open &folder")
        folder.setAccessibleName("Open the backups folder")
        folder.clicked.connect(lambda: open_path(self.library.backups_dir))
        close = QPushButton("&Close")
        close.setAccessibleName("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        for button in (self.backup_button, self.restore_button, self.check_button, folder):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        fit_to_screen(self, 860, 480)
        self.refresh()

    def refresh(self) -> None:
        self.runner.read(lambda: [b.as_json() for b in reversed(self.library.backups())], on_done=self._show)

    def _show(self, backups: list[dict[str, Any]]) -> None:
        self.backups = backups
        self.table.setRowCount(len(backups))
        for r, b in enumerate(backups):
            for c, text in enumerate((b["taken"].replace("T", " "), reason_text(b["reason"]), size_text(b["bytes"]),
                                      Path(b["path"]).name)):
                item = QTableWidgetItem(text)
                item.setToolTip(b["path"])
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        if backups:
            self.table.selectRow(0)
        elif not self.status.text():
            self.status.setText("No backups yet: press Back up now.")
        self.loaded.emit()

    def selected(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def back_up(self) -> None:
        self.status.setText("Backing up…")
        self.progress_dialog = long_job(self, self.runner, "Backing up", backup_job, self.library,
                                        on_done=self._backed_up)

    def _backed_up(self, info: dict[str, Any] | None) -> None:
        if info is None:
            self.status.setText("Cancelled.")
            return
        self.status.setText(f"Backed up to {info['path']} ({size_text(info['bytes'])}).")
        self.refresh()

    def restore_selected(self, confirmed: bool = False) -> QMessageBox | None:
        chosen = self.selected()
        if chosen is None:
            return None
        if confirmed:
            self.status.setText("Restoring…")
            self.progress_dialog = long_job(self, self.runner, "Restoring a backup", restore_job, self.library,
                                            Path(chosen["path"]), on_done=self._restored)
            return None
        box = QMessageBox(QMessageBox.Icon.Question, "Restore a backup",
                          f"Replace the library with the backup taken {chosen['taken'].replace('T', ' ')} "
                          f"({reason_text(chosen['reason']).lower()})? The library as it is now is backed up first, "
                          "so this can be reversed by restoring that backup.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setAccessibleName("Restore a backup")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText("&Restore")
        box.accepted.connect(lambda: self.restore_selected(confirmed=True))
        box.open()
        self.confirm = box
        return box

    def _restored(self, result: dict[str, Any] | None) -> None:
        if result is None:
            self.status.setText("Cancelled: the library was not changed.")
            return
        self.status.setText(f"Restored {Path(result['restored']).name}: the library now holds "
                            f"{plural(result['records'], 'case study', 'case studies')}. The state before is kept "
                            f"in {Path(result['safety_backup']).name}.")
        self.restored.emit(result)
        self.refresh()

    def check(self) -> None:
        self.status.setText("Checking…")
        self.check_button.setEnabled(False)

        def done(result: dict[str, Any]) -> None:
            self.check_button.setEnabled(True)
            self.status.setText(check_words(result))
            self.checked.emit(result)

        def failed(err: BaseException) -> None:
            self.check_button.setEnabled(True)
            self.status.setText("The check did not finish.")
            self.runner.on_error(err)

        self.runner.write(self.library.check, on_done=done, on_error=failed)  # one connection user at a time
