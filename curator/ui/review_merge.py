"""Review › Merge returned files… (and .curatorpack / .xlsx files dropped on the main window): each returned pack
or sheet merged whole or refused whole by ``merge.merge_files`` on a worker, with a report of what was merged and
what was refused and why, as the import report does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..library import Library
from ..progress import CancelToken, ProgressFn
from ..review import merge
from ..review.packs import SUFFIX
from .review_common import button, table
from .review_menu import returned_paths
from .workers import Runner, long_job

COLUMNS = ["File", "Reviewer", "Result", "Why / what"]


def outcome_words(report: dict[str, Any]) -> str:
    counts: dict[str, int] = {}
    for m in report["merged"]:
        counts[m["outcome"]] = counts.get(m["outcome"], 0) + 1
    text = ", ".join(f"{n} {word}" for word, n in counts.items())
    if report["not_scored"]:
        text += f"; not scored yet: {len(report['not_scored'])}"
    return text


def _merge_job(library: Library, paths: list[str], *, progress: ProgressFn, cancel: CancelToken) -> dict[str, Any]:
    return merge.merge_files(library, paths, progress=progress, cancel=cancel)


class MergeDialog(QDialog):
    """Files to merge (chosen or dropped), Merge, and the report."""

    merged = Signal(dict)

    def __init__(self, library: Library, runner: Runner, parent: QWidget | None = None,
                 open_chair: Any = None) -> None:
        super().__init__(parent)
        self.library, self.runner = library, runner
        self.open_chair = open_chair
        self.result: dict[str, Any] | None = None
        self.progress_dialog: Any = None
        self.setWindowTitle("Merge returned reviews")
        self.setAccessibleName("Merge returned reviews")
        self.setAcceptDrops(True)
        self.files = QListWidget()
        self.files.setAccessibleName("Returned files to merge")
        self.files.setMaximumHeight(120)
        files_label = QLabel("&Returned files (review packs or Excel sheets; drop them here too):")
        files_label.setBuddy(self.files)
        self.add_button = button("&Add files…", "Add returned files")
        self.add_button.clicked.connect(self.choose)
        self.merge_button = button("&Merge", "Merge the returned files")
        self.merge_button.clicked.connect(self.start)
        self.merge_button.setEnabled(False)
        self.report = table(COLUMNS, "Merge report: what was merged and what was refused", stretch=3)
        self.report.setWordWrap(True)
        self.summary = QLabel("Each file is merged whole or not at all; a refused file changes nothing.")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Merge summary")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.add_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.merge_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.chair_button = button("Open the panel &summary", "Open the panel summary and decisions")
        self.chair_button.clicked.connect(lambda: self.open_chair and self.open_chair())
        self.chair_button.setEnabled(False)
        self.buttons.addButton(self.chair_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(files_label)
        box.addWidget(self.files)
        box.addWidget(self.report, 2)
        box.addWidget(self.summary)
        box.addWidget(self.buttons)
        self.resize(1000, 560)
        runner.idle.connect(self._idle)  # a failed job reports through the runner: Merge comes back

    def _idle(self) -> None:
        self.merge_button.setEnabled(self.files.count() > 0)

    def add_paths(self, paths: list[Path | str]) -> None:
        shown = {self.files.item(r).text() for r in range(self.files.count())}
        for path in paths:
            if str(path) not in shown:
                self.files.addItem(str(path))
        self.merge_button.setEnabled(self.files.count() > 0)

    def paths(self) -> list[str]:
        return [self.files.item(r).text() for r in range(self.files.count())]

    def choose(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Returned review files", "",
                                                f"Returned reviews (*{SUFFIX} *.xlsx);;All files (*)")
        self.add_paths(paths)

    def start(self) -> None:
        paths = self.paths()
        if not paths:
            return
        self.merge_button.setEnabled(False)
        self.summary.setText("Merging…")
        self.progress_dialog = long_job(self, self.runner, "Merging returned reviews", _merge_job, self.library,
                                        paths, on_done=self._done)

    def _done(self, result: dict[str, Any] | None) -> None:
        if result is None:
            self.summary.setText("Cancelled. Files merged before Cancel stay merged; the rest were not touched.")
            self.merge_button.setEnabled(True)
            return
        self.result = result
        rows = [(Path(m["file"]).name, m["name"], "✓ Merged", outcome_words(m)) for m in result["merged"]]
        rows += [(r["name"], "", "✗ Refused", r["error"]) for r in result["refused"]]
        self.report.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.report.setItem(r, c, item)
        self.report.resizeRowsToContents()
        merged, refused = len(result["merged"]), len(result["refused"])
        self.summary.setText(f"{merged} file{'s' if merged != 1 else ''} merged, {refused} refused (nothing from a "
                             "refused file was merged).")
        self.files.clear()
        self.chair_button.setEnabled(merged > 0)
        self.merged.emit(result)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if returned_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = returned_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)

