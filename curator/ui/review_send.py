"""Review › Send to reviewers…, Panel report… and Export scores…: files written on a worker with progress and
Cancel (``send.send``, ``report.write_report``, ``report.export``), ending with "Open file" / "Open folder"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..library import Library
from ..progress import CancelToken, ProgressFn
from ..review import assign as assign_mod
from ..review import report, send
from ..review import reviewers as reviewers_mod
from .review_common import button, done_box, warn
from .workers import Runner, long_job


def load_panel(library: Library) -> list[dict[str, Any]]:
    """Each reviewer with the number of case studies they would be sent."""
    counts: dict[str, int] = {}
    for a in assign_mod.assignments(library):
        counts[a["reviewer"]] = counts.get(a["reviewer"], 0) + 1
    return [{"id": r.id, "name": r.name, "cases": counts.get(r.id, 0)} for r in reviewers_mod.list_reviewers(library)]


def sent_words(result: dict[str, Any]) -> str:
    lines = []
    for f in result["files"]:
        names = ", ".join(Path(f[k]).name for k in ("pack", "sheet", "word_pack") if k in f)
        lines.append(f"{f['name']} ({len(f['cases'])} case studies): {names}")
    lines += [f"Not sent to {s['name']}: {s['reason']}" for s in result["skipped"]]
    return "\n".join(lines)


class SendDialog(QDialog):
    """Who gets what, and where it goes."""

    sent = Signal(dict)

    def __init__(self, library: Library, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.runner = library, runner
        self.progress_dialog: Any = None
        self.result_box: Any = None
        self.setWindowTitle("Send to reviewers")
        self.setAccessibleName("Send to reviewers")
        self.people = QListWidget()
        self.people.setAccessibleName("Reviewers to send files to (Space ticks)")
        people_label = QLabel("&Reviewers (tick who to send to):")
        people_label.setBuddy(self.people)
        what = QGroupBox("What to write for each reviewer")
        inner = QVBoxLayout(what)
        self.packs = QCheckBox("Review &pack (.curatorpack), for reviewers who have Curator")
        self.sheets = QCheckBox("E&xcel scoring sheet with a Word file of the case studies, for reviewers without it")
        for box_ in (self.packs, self.sheets):
            box_.setChecked(True)
            inner.addWidget(box_)
        self.folder = QLineEdit()
        self.folder.setAccessibleName("Folder to write the files to")
        self.folder.setPlaceholderText("Choose a folder…")
        folder_label = QLabel("&Folder:")
        folder_label.setBuddy(self.folder)
        browse = button("&Browse…", "Choose the folder")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(folder_label)
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setAccessibleName("What was written")
        self.report.setTabChangesFocus(True)
        self.report.setPlaceholderText("The files written appear here. Attach each reviewer's files to an e-mail to "
                                       "them; they return the pack or the sheet, and you merge it back.")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.write_button = self.buttons.addButton("&Write files", QDialogButtonBox.ButtonRole.ActionRole)
        self.write_button.setAccessibleName("Write the files")
        self.write_button.clicked.connect(self.write)
        self.buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(people_label)
        box.addWidget(self.people, 1)
        box.addWidget(what)
        box.addLayout(row)
        box.addWidget(self.report, 1)
        box.addWidget(self.buttons)
        self.resize(720, 600)
        runner.idle.connect(self._idle)  # a refused job reports through the runner: the button comes back
        runner.read(load_panel, library, on_done=self._loaded)

    def _idle(self) -> None:
        self.write_button.setEnabled(True)

    def _loaded(self, panel: list[dict[str, Any]]) -> None:
        self.people.clear()
        for person in panel:
            item = QListWidgetItem(f"{person['name']} — {person['cases']} case stud"
                                   f"{'y' if person['cases'] == 1 else 'ies'}")
            item.setData(Qt.ItemDataRole.UserRole, person["id"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if person["cases"] else Qt.CheckState.Unchecked)
            self.people.addItem(item)
        if not panel:
            self.report.setPlainText("There are no reviewers yet: add them in Review › Reviewers…, then assign "
                                     "case studies in Review › Assign reviewers….")

    def browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Write the reviewers' files to", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def chosen(self) -> list[str]:
        return [self.people.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.people.count())
                if self.people.item(r).checkState() == Qt.CheckState.Checked]

    def write(self) -> None:
        kinds = tuple(k for k, box_ in (("pack", self.packs), ("sheet", self.sheets)) if box_.isChecked())
        chosen = self.chosen()
        if not chosen:
            warn(self, "Nothing to send", "Tick at least one reviewer.")
            return
        if not self.folder.text().strip():
            self.browse()
            if not self.folder.text().strip():
                return
        self.write_button.setEnabled(False)
        self.progress_dialog = long_job(self, self.runner, "Writing the reviewers' files", _send_job, self.library,
                                        self.folder.text().strip(), kinds, chosen, on_done=self._written)

    def _written(self, result: dict[str, Any] | None) -> None:
        self.write_button.setEnabled(True)
        if result is None:
            self.report.setPlainText("Cancelled. Files already written are complete and can be sent and merged.")
            return
        self.report.setPlainText(sent_words(result))
        count = sum(len([k for k in ("pack", "sheet", "word_pack") if k in f]) for f in result["files"])
        self.result_box = done_box(self, "Files written", f"Wrote {count} files for {len(result['files'])} "
                                   f"reviewer{'s' if len(result['files']) != 1 else ''} to {result['folder']}.",
                                   folder=result["folder"], details=sent_words(result))
        self.sent.emit(result)


def _send_job(library: Library, folder: str, kinds: tuple[str, ...], chosen: list[str], *, progress: ProgressFn,
              cancel: CancelToken) -> dict[str, Any]:
    return send.send(library, folder, kinds=kinds, reviewers=chosen, progress=progress, cancel=cancel)


def _report_job(library: Library, out: str, *, progress: ProgressFn, cancel: CancelToken) -> dict[str, Any]:
    progress(0, 1, "Writing the panel report…")
    return report.write_report(library, out)


def _export_job(library: Library, out: str, *, progress: ProgressFn, cancel: CancelToken) -> dict[str, Any]:
    progress(0, 1, "Exporting the scores…")
    return report.export(library, out)


def write_report(main_window: Any, out: str | None = None) -> Any:
    """Panel report…: ask where (unless given), write on a worker, then offer Open file / Open folder."""
    if out is None:
        out, _ = QFileDialog.getSaveFileName(main_window, "Save the panel report", "panel report.docx",
                                             "Word documents (*.docx)")
        if not out:
            return None
        if not out.lower().endswith(".docx"):
            out += ".docx"

    def done(result: dict[str, Any] | None) -> None:
        if result is not None:
            main_window.review_result = done_box(main_window, "Panel report written",
                                                 f"Wrote the panel report ({result['cases']} case studies) to "
                                                 f"{result['file']}.", file=result["file"])

    return long_job(main_window, main_window.runner, "Writing the panel report", _report_job, main_window.library,
                    out, on_done=done)


def export_scores(main_window: Any, out: str | None = None) -> Any:
    """Export scores…: every review to .csv or .xlsx."""
    if out is None:
        out, chosen = QFileDialog.getSaveFileName(main_window, "Export every score", "scores.xlsx",
                                                  "Excel workbooks (*.xlsx);;CSV files (*.csv)")
        if not out:
            return None
        if Path(out).suffix.lower() not in (".csv", ".xlsx"):
            out += ".csv" if "csv" in chosen.lower() else ".xlsx"

    def done(result: dict[str, Any] | None) -> None:
        if result is not None:
            main_window.review_result = done_box(main_window, "Scores exported",
                                                 f"Wrote {result['rows']} reviews to {result['file']}.",
                                                 file=result["file"])

    return long_job(main_window, main_window.runner, "Exporting the scores", _export_job, main_window.library, out,
                    on_done=done)
