"""The import report: what was imported, what was refused and why, and near-duplicates compared side by side
with Keep (add as a new record), Skip, or Update (replace the match). Keep and Update re-import the one record
through ``Library.import_records``, so the same rules and history apply as for any import.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..errors import CuratorError
from ..importers import ImportItem
from ..library import Library
from ..model import FIELD_LABELS, normalise
from ..vocab import vocabularies
from . import screen
from .workers import Runner

COMPARE_FIELDS = ("title", "organisation", "ics", "year", "programme", "clinical_areas", "population_groups",
                  "summary", "outcomes", "contact", "status", "updated")
INDEX_ROLE = Qt.ItemDataRole.UserRole


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "<br>".join(html.escape(", ".join(f"{v}" for v in item.values()) if isinstance(item, dict)
                                       else str(item)) for item in value)
    if isinstance(value, dict):
        return html.escape(", ".join(str(v) for v in value.values() if v not in ("", None)))
    return html.escape("" if value is None else str(value))


def _readable(field: str, value: Any) -> Any:
    """Codes and ids as the labels people know (the comparison is for reading, not for storing)."""
    vocab = vocabularies()
    if field == "ics" and isinstance(value, str) and value in vocab.ics.by_id:
        return f"{vocab.ics.by_id[value].label} ({value})"
    vocabulary = {"clinical_areas": vocab.areas, "population_groups": vocab.groups}.get(field)
    if vocabulary is not None and isinstance(value, list):
        return [vocabulary.by_id[v].short_label if v in vocabulary.by_id else v for v in value]
    return value


def compare_html(incoming: dict[str, Any], existing: dict[str, Any]) -> str:
    """A two-column table of the fields that tell records apart; differing rows are highlighted."""
    rows = []
    for field in COMPARE_FIELDS:
        a, b = _readable(field, incoming.get(field)), _readable(field, existing.get(field))
        if a in (None, "", [], {}) and b in (None, "", [], {}):
            continue
        style = " style='background:#fff4c2'" if a != b and field != "updated" else ""
        rows.append(f"<tr{style}><td><b>{html.escape(FIELD_LABELS.get(field, field.title()))}</b></td>"
                    f"<td>{_cell(a)}</td><td>{_cell(b)}</td></tr>")
    return ("<table border='1' cellpadding='4' style='border-collapse:collapse' width='100%'>"
            "<tr><th align='left' width='20%'>Field</th><th align='left'>In the file</th>"
            f"<th align='left'>In the library ({html.escape(str(existing.get('id', '')))})</th></tr>"
            + "".join(rows) + "</table>")


def _list(rows: list[str], name: str) -> QListWidget:
    widget = QListWidget()
    widget.setAccessibleName(name)
    widget.setWordWrap(True)
    for text in rows or ["(none)"]:
        widget.addItem(text)
    return widget


class ImportReportDialog(QDialog):
    resolved = Signal(int, str)  # duplicate index, outcome text

    def __init__(self, report: dict[str, Any], library: Library, runner: Runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.report, self.library, self.runner = report, library, runner
        self.outcomes: dict[int, str] = {}
        self.setWindowTitle("Import report")
        self.setAccessibleName("Import report")
        screen.fit(self, 1000, 620)  # never larger than the screen (issue 10)
        imported, refused = report.get("imported", []), report.get("refused", [])
        dups, warnings = report.get("duplicates", []), report.get("warnings", [])
        cancelled = " The import was cancelled; the records listed were kept." if report.get("cancelled") else ""
        self.headline = QLabel(f"Imported {len(imported)}, refused {len(refused)}, near-duplicates {len(dups)}, "
                               f"warnings {len(warnings)}.{cancelled}")
        self.headline.setWordWrap(True)
        self.tabs = QTabWidget()
        self.imported = _list([f"{r['id']}  {r['title']}   ({r['source']})" for r in imported], "Imported records")
        self.refused = _list([f"{r['source']}: {r['error']}" for r in refused], "Refused records and why")
        self.warnings = _list([f"{w['source']}: {w['message']}" for w in warnings], "Warnings")
        self.tabs.addTab(self.imported, f"Imported ({len(imported)})")
        self.tabs.addTab(self.refused, f"Refused ({len(refused)})")
        self.tabs.addTab(self._duplicates_tab(dups), f"Near-duplicates ({len(dups)})")
        self.tabs.addTab(self.warnings, f"Warnings ({len(warnings)})")
        if dups:
            self.tabs.setCurrentIndex(2)
        elif refused:
            self.tabs.setCurrentIndex(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        if dups:
            self.dup_list.setCurrentRow(0)

    def _duplicates_tab(self, dups: list[dict[str, Any]]) -> QWidget:
        page = QWidget()
        self.dup_list = QListWidget()
        self.dup_list.setAccessibleName("Near-duplicates")
        self.dup_list.setWordWrap(True)
        self.dup_list.setSpacing(2)
        for i, dup in enumerate(dups):
            item = QListWidgetItem(f"{dup['title']}\n≈ {dup['match_id']}: {dup['match_title']}")
            item.setData(INDEX_ROLE, i)
            item.setToolTip(dup["source"])
            self.dup_list.addItem(item)
        self.compare = QTextBrowser()
        self.compare.setAccessibleName("Side-by-side comparison")
        self.compare.setOpenLinks(False)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.keep = QPushButton("&Keep as new")
        self.keep.setToolTip("Add the record from the file as a separate case study")
        self.skip = QPushButton("&Skip")
        self.skip.setToolTip("Leave the library as it is and do not import this record")
        self.update_button = QPushButton("&Update the match")
        self.update_button.setToolTip("Replace the library's record with the one from the file (undo reverts it)")
        self.keep.clicked.connect(lambda: self.resolve("keep"))
        self.skip.clicked.connect(lambda: self.resolve("skip"))
        self.update_button.clicked.connect(lambda: self.resolve("update"))
        buttons = QHBoxLayout()
        for button in (self.keep, self.skip, self.update_button):
            button.setAccessibleName(button.text().replace("&", ""))
            buttons.addWidget(button)
        buttons.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.compare, 1)
        right_layout.addWidget(self.state)
        right_layout.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.dup_list)
        split.addWidget(right)
        split.setSizes([340, 660])
        layout = QVBoxLayout(page)
        layout.addWidget(split)
        self.dup_list.currentRowChanged.connect(self._show_duplicate)
        self._set_buttons(False)
        return page

    def _set_buttons(self, enabled: bool) -> None:
        for button in (self.keep, self.skip, self.update_button):
            button.setEnabled(enabled)

    def current_index(self) -> int:
        item = self.dup_list.currentItem()
        return int(item.data(INDEX_ROLE)) if item is not None else -1

    def _show_duplicate(self, _row: int) -> None:
        index = self.current_index()
        if index < 0:
            return
        dup = self.report["duplicates"][index]
        self.state.setText(self.outcomes.get(index, f"Closely matches {dup['match_id']}. Choose what to do."))
        self._set_buttons(index not in self.outcomes)
        self.runner.read(_compare_job, self.library, dup, on_done=lambda text, i=index: self._compared(i, text))

    def _compared(self, index: int, text: str) -> None:
        if index == self.current_index():
            self.compare.setHtml(text)

    def resolve(self, action: str) -> None:
        index = self.current_index()
        if index < 0 or index in self.outcomes:
            return
        dup = self.report["duplicates"][index]
        self._set_buttons(False)
        if action == "skip":
            self._done(index, f"Skipped: {dup['match_id']} is unchanged.")
            return
        item = ImportItem(dup["source"], dup["raw"])
        self.runner.write(self.library.import_records, [item], on_duplicate=action,
                          on_done=lambda report, i=index, a=action: self._reimported(i, a, report),
                          on_error=lambda err, i=index: self._failed(i, err))

    def _reimported(self, index: int, action: str, report: Any) -> None:
        if report.imported:
            new_id = report.imported[0]["id"]
            text = f"Kept as a new case study, {new_id}." if action == "keep" else f"Updated {new_id} from the file."
        else:
            text = "Not imported: " + "; ".join(r["error"] for r in report.refused)
        self._done(index, text)

    def _failed(self, index: int, err: BaseException) -> None:
        self.state.setText(f"Not done: {err}" if isinstance(err, CuratorError) else "Not done: an unexpected error "
                           "(details in the library's log).")
        self._set_buttons(index == self.current_index())

    def _done(self, index: int, text: str) -> None:
        self.outcomes[index] = text
        item = self.dup_list.item(index)
        if item is not None:
            item.setText(item.text() + f"\n  → {text}")
        if index == self.current_index():
            self.state.setText(text)
        self.resolved.emit(index, text)


def _compare_job(library: Library, dup: dict[str, Any]) -> str:
    try:
        incoming, _ = normalise(dup["raw"])
    except CuratorError:
        incoming = dict(dup["raw"]) if isinstance(dup["raw"], dict) else {}
    try:
        existing = library.get(dup["match_id"])
    except CuratorError:
        existing = {"id": dup["match_id"], "title": dup["match_title"]}
    return compare_html(incoming, existing)
