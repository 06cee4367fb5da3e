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

from .. import merge
from ..errors import CuratorError
from ..import_fixes import note_text, suggested_fix
from ..importers import ImportItem
from ..library import Library
from ..model import FIELD_LABELS, normalise
from ..vocab import vocabularies
from . import screen
from .merge_view import MergeView, plain
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


def _refused_name(entry: dict[str, Any]) -> str:
    """A refused record by its title (and where it came from), not by 'file#2'."""
    title = entry.get("title")
    return f"'{title}' ({entry['source']})" if title else entry["source"]


def _list(rows: list[str], name: str) -> QListWidget:
    widget = QListWidget()
    widget.setAccessibleName(name)
    widget.setWordWrap(True)
    for text in rows or ["(none)"]:
        widget.addItem(text)
    return widget


class ImportReportDialog(QDialog):
    resolved = Signal(int, str)  # duplicate index, outcome text
    openRecord = Signal(str)  # noqa: N815 - an imported record to open in the editor
    editRaw = Signal(dict)  # noqa: N815 - a refused record to finish in the editor
    refixed = Signal(int, str)  # refused index, outcome text

    def __init__(self, report: dict[str, Any], library: Library, runner: Runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # closed dialogs are freed (10.8)
        self.report, self.library, self.runner = report, library, runner
        self.outcomes: dict[int, str] = {}
        self.setWindowTitle("Import report")
        self.setAccessibleName("Import report")
        screen.fit(self, 1000, 620)  # never larger than the screen (issue 10)
        imported, refused = report.get("imported", []), report.get("refused", [])
        dups, warnings = report.get("duplicates", []), report.get("warnings", [])
        cancelled = (" The import was cancelled; nothing from it was kept (an import is saved whole or not at all)."
                     if report.get("cancelled") else "")
        self.headline = QLabel(f"Imported {len(imported)}, refused {len(refused)}, near-duplicates {len(dups)}, "
                               f"warnings {len(warnings)}.{cancelled}")
        self.headline.setWordWrap(True)
        self.tabs = QTabWidget()
        notes = report.get("notes", [])
        self.imported = _list([f"{r['id']}  {r['title']}   ({r['source']})" for r in imported], "Imported records")
        for row, record in enumerate(imported):
            self.imported.item(row).setData(INDEX_ROLE, record["id"])
            self.imported.item(row).setToolTip("Enter or double-click opens it in the editor")
        self.imported.itemActivated.connect(self._open_imported)
        self.refused = _list([f"{_refused_name(r)}: {r['error']}" for r in refused], "Refused records and why")
        for row, entry in enumerate(refused):
            self.refused.item(row).setData(INDEX_ROLE, row)
            self.refused.item(row).setToolTip(f"From {entry['source']}")
        self.warnings = _list([f"{w['source']}: {w['message']}" for w in warnings], "Warnings")
        self.notes = _list([f"{n.get('source', '')}: {note_text(n)}" for n in notes], "Where each part went")
        self.tabs.addTab(self.imported, f"Imported ({len(imported)})")
        self.tabs.addTab(self._refused_tab(), f"Refused ({len(refused)})")
        self.tabs.addTab(self._duplicates_tab(dups), f"Near-duplicates ({len(dups)})")
        self.tabs.addTab(self.warnings, f"Warnings ({len(warnings)})")
        self.tabs.addTab(self.notes, f"Where things went ({len(notes)})")
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

    def _open_imported(self, item: QListWidgetItem) -> None:
        case_id = item.data(INDEX_ROLE)
        if case_id:
            self.openRecord.emit(str(case_id))

    def _refused_tab(self) -> QWidget:
        """The refused list with, for the selected record, "Accept suggestion" (every problem a misspelt
        vocabulary value with a suggestion) or "Open in editor" (anything else)."""
        page = QWidget()
        self.fix_state = QLabel()
        self.fix_state.setWordWrap(True)
        self.accept_button = QPushButton("A&ccept suggestion")
        self.accept_button.setToolTip("Import this record with the suggested values (shown before you click)")
        self.edit_button = QPushButton("&Open in editor")
        self.edit_button.setToolTip("Finish this record in the editor; nothing is saved until you save there")
        self.accept_button.clicked.connect(self.accept_suggestion)
        self.edit_button.clicked.connect(self.open_refused_in_editor)
        self.refixes: dict[int, str] = {}
        row = QHBoxLayout()
        row.addWidget(self.fix_state, 1)
        row.addWidget(self.accept_button)
        row.addWidget(self.edit_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.refused, 1)
        layout.addLayout(row)
        self.refused.currentRowChanged.connect(lambda _r: self._show_fix())
        if self.report.get("refused"):
            self.refused.setCurrentRow(0)
        self._show_fix()
        return page

    def _refused_entry(self) -> tuple[int, dict[str, Any]] | None:
        item = self.refused.currentItem()
        index = item.data(INDEX_ROLE) if item is not None else None
        return (int(index), self.report["refused"][int(index)]) if index is not None else None

    def _show_fix(self) -> None:
        chosen = self._refused_entry()
        raw = chosen[1].get("raw") if chosen else None
        fix = suggested_fix(raw) if chosen and chosen[0] not in self.refixes else None
        self.accept_button.setEnabled(fix is not None)
        self.edit_button.setEnabled(isinstance(raw, dict) and chosen is not None and chosen[0] not in self.refixes)
        if chosen and chosen[0] in self.refixes:
            self.fix_state.setText(self.refixes[chosen[0]])
        elif fix is not None:
            self.fix_state.setText("Suggested: " + "; ".join(fix[1]))
        elif isinstance(raw, dict):
            self.fix_state.setText("No single fix to suggest: open it in the editor to finish it.")
        else:
            self.fix_state.setText("The file itself could not be read; fix it and import it again." if chosen
                                   else "")

    def accept_suggestion(self) -> None:
        chosen = self._refused_entry()
        fix = suggested_fix(chosen[1].get("raw")) if chosen else None
        if chosen is None or fix is None:
            return
        index, entry = chosen
        self.accept_button.setEnabled(False)
        self.runner.write(self.library.import_records, [ImportItem(entry["source"], fix[0])], on_duplicate="skip",
                          on_done=lambda report, i=index: self._refixed(i, report),
                          on_error=lambda err: self.fix_state.setText(f"Not done: {err}"))

    def _refixed(self, index: int, report: Any) -> None:
        if report.imported:
            text = f"Imported as {report.imported[0]['id']} with the suggested values."
        elif report.duplicates:
            text = f"Not imported: it closely matches {report.duplicates[0]['match_id']}."
        else:
            text = "Still refused: " + "; ".join(r["error"] for r in report.refused)
        self.refixes[index] = text
        item = self.refused.item(index)
        if item is not None:
            item.setText(item.text() + f"\n  → {text}")
        self._show_fix()
        self.refixed.emit(index, text)

    def open_refused_in_editor(self) -> None:
        chosen = self._refused_entry()
        if chosen is not None and isinstance(chosen[1].get("raw"), dict):
            self.editRaw.emit(dict(chosen[1]["raw"]))

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
        self.update_button = QPushButton("&Update the match…")
        self.update_button.setToolTip("Merge the file into the library's record, field by field: you see library | "
                                      "file | result and choose per field (undo reverts it)")
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
        if action == "update":  # field by field, never a wholesale replace (issue 10.4)
            self.runner.read(_merge_job, self.library, dup, on_done=lambda pair, i=index: self._merge(i, *pair),
                             on_error=lambda err, i=index: self._failed(i, err))
            return
        item = ImportItem(dup["source"], dup["raw"])
        self.runner.write(self.library.import_records, [item], on_duplicate=action,
                          on_done=lambda report, i=index, a=action: self._reimported(i, a, report),
                          on_error=lambda err, i=index: self._failed(i, err))

    def _merge(self, index: int, existing: dict[str, Any], given: dict[str, Any]) -> MergeDialog:
        """Show library | file | result for the fields that differ; Apply sends only the chosen changes."""
        dialog = MergeDialog(existing, given, self)
        self.merge_dialog = dialog
        dialog.accepted.connect(lambda i=index, d=dialog: self._apply_merge(i, existing["id"], d.view.changes()))
        dialog.rejected.connect(lambda i=index: self._set_buttons(i == self.current_index()))
        dialog.open()
        return dialog

    def _apply_merge(self, index: int, case_id: str, changes: dict[str, Any]) -> None:
        if not changes:
            self._done(index, f"No change: {case_id} already holds what you chose.")
            return
        names = ", ".join(FIELD_LABELS.get(f, f) for f in changes)
        self.runner.write(self.library.update, case_id, changes,
                          on_done=lambda _r: self._done(index, f"Updated {case_id}: {names} from the file; every "
                                                        "other field kept (undo reverts it)."),
                          on_error=lambda err: self._failed(index, err))

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


class MergeDialog(QDialog):
    """The near-duplicate's merge: library value | file value | result, per field a choice."""

    def __init__(self, existing: dict[str, Any], given: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(f"Update {existing['id']} from the file")
        self.setAccessibleName(self.windowTitle())
        self.resize(960, 520)
        note = QLabel("Each row is a field the file gives that differs from the library. By default what the file "
                      "gives replaces the library's value; everything else, and the status, stays. Choose per "
                      "field, then Apply.")
        note.setWordWrap(True)
        self.view = MergeView(f"In the library ({existing['id']})", "In the file", field_labels=FIELD_LABELS,
                              display=lambda field, value: plain(field, _readable(field, value)))
        self.view.set_records(existing, given)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = buttons.addButton("&Apply merge", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)


def _merge_job(library: Library, dup: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The match as held, and the fields the file gives (normalised), for the merge view."""
    incoming, _ = normalise(dup["raw"])
    return library.get(dup["match_id"]), merge.given_fields(dup["raw"], incoming)


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
