"""Publish → Guide editions: every guide exported from this library, with its change log against the one before,
and "Export this edition again" (the same content, through ``export_guide(edition=N)``)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..errors import CuratorError
from ..library import Library, plural
from ..word.editions import change_log, contents, list_editions, load_edition
from .guide_dialog import GROUP_LABELS, guide_job
from .publish_common import ask_save_path, fit_to_screen, show_result
from .timefmt import local_time
from .workers import Runner, long_job

COLUMNS = ("Edition", "Date", "Case studies", "Who", "Title")


def edition_details(library: Library, number: int) -> dict[str, Any]:
    """The change log of one edition and the titles in it (read off the UI thread)."""
    edition = load_edition(library, number)
    shown = contents(library, number)  # the versions that went in, as 'guide editions --show N' lists them
    return {"number": number, "log": change_log(library, edition), "titles": [r["title"] for r in edition.records],
            "options": edition.options, "note": shown["note"], "records": shown["records"]}


def log_html(details: dict[str, Any]) -> str:
    log = details["log"]
    parts = [f"<h3>Edition {details['number']}</h3>"]
    if details.get("note"):
        parts.append(f"<p><i>{html.escape(details['note'])}</i></p>")
    parts += [f"<p>Sections by {html.escape(GROUP_LABELS.get(details['options'].get('group_by'), '?'))}; statuses "
             f"{html.escape(', '.join(details['options'].get('statuses') or []))}.</p>"]
    if log["previous"] is None:
        parts.append("<p>The first edition: every case study is new.</p>")
    else:
        parts.append(f"<p>Changes since edition {log['previous']}:</p>")
        for key, heading in (("added", "Added"), ("removed", "Removed"), ("revised", "Revised")):
            items = log[key]
            parts.append(f"<p><b>{heading}</b> ({len(items)})</p>")
            if items:
                parts.append("<ul>" + "".join(f"<li>{html.escape(t)}</li>" for t in items) + "</ul>")
    def version(r: dict[str, Any]) -> str:
        team = f", team version {r['team_version']}" if r.get("team_version") else ""
        return f" (version {r['version']}{team})" if r.get("version") else (f" ({team[2:]})" if team else "")

    records = details.get("records") or [{"title": t} for t in details["titles"]]
    parts.append(f"<p><b>In this edition</b> ({len(records)})</p><ul>"
                 + "".join(f"<li>{html.escape(r['title'])}{html.escape(version(r))}</li>" for r in records)
                 + "</ul>")
    return "".join(parts)


class EditionsDialog(QDialog):
    loaded = Signal()
    exported = Signal(dict)

    def __init__(self, library: Library, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.runner = library, runner
        self.editions: list[dict[str, Any]] = []
        self.details: dict[str, Any] | None = None
        self.progress_dialog: Any = None
        self.setWindowTitle("Guide editions")
        self.setAccessibleName("Guide editions")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Guide editions, newest first")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)
        self.log = QTextBrowser()
        self.log.setAccessibleName("Change log of the selected edition")
        self.empty = QLabel("No guide has been exported from this library yet: use Publish → Export the guide….")
        self.empty.setWordWrap(True)
        self.again = QPushButton("&Export this edition again…")
        self.again.setAccessibleName("Export this edition again")
        self.again.setToolTip("Write the selected edition again with exactly the content it had")
        self.again.setEnabled(False)
        self.again.clicked.connect(lambda: self.export_again())
        close = QPushButton("&Close")
        close.setAccessibleName("Close")
        close.clicked.connect(self.close)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(self.log)
        split.setSizes([520, 380])
        buttons = QHBoxLayout()
        buttons.addWidget(self.again)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 980, 560)
        self.refresh()

    def refresh(self) -> None:
        self.runner.read(list_editions, self.library, on_done=self._show)

    def _show(self, editions: list[dict[str, Any]]) -> None:
        self.editions = list(reversed(editions))
        self.empty.setVisible(not editions)
        self.table.setRowCount(len(self.editions))
        for r, e in enumerate(self.editions):
            for c, text in enumerate((str(e["edition"]), local_time(e["created"]), str(e["records"]),
                                      e["user"], e["title"])):
                item = QTableWidgetItem(text)
                item.setToolTip(e.get("path") or text)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        if self.editions:
            self.table.selectRow(0)
        else:
            self.loaded.emit()

    def selected_number(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.editions[rows[0].row()]["edition"] if rows else None

    def _selected(self) -> None:
        number = self.selected_number()
        self.again.setEnabled(number is not None)
        if number is not None:
            self.runner.read(edition_details, self.library, number, on_done=self._details)

    def _details(self, details: dict[str, Any]) -> None:
        if details["number"] != self.selected_number():
            return
        self.details = details
        self.log.setHtml(log_html(details))
        self.loaded.emit()

    def export_again(self, path: Path | None = None) -> None:
        number = self.selected_number()
        if number is None:
            return
        if path is None:
            path = ask_save_path(self, f"Save edition {number} as", Path.home() / f"guide-edition-{number}.docx",
                                 "Word (*.docx)")
            if path is None:
                return
        if path.suffix.lower() != ".docx":
            path = path.with_suffix(".docx")
        self.progress_dialog = long_job(self, self.runner, f"Writing edition {number} again", guide_job,
                                        self.library, path, {"edition": number}, on_done=self._exported)

    def _exported(self, result: dict[str, Any] | None) -> None:
        if result is None:
            return
        if "pii" in result:
            self.runner.on_error(_PiiMessage(result["message"]))
            return
        if "error" in result:
            self.runner.on_error(CuratorError(result["error"]))
            return
        self.exported.emit(result)
        show_result(self, "Guide written", f"Wrote edition {result['edition']} again "
                    f"({plural(result['records'], 'case study', 'case studies')}) to {result['path']}.",
                    result["path"], "Open guide")


class _PiiMessage(CuratorError):
    """Shown as the error dialog's text: an old edition holds text the PII gate now stops."""

    def __str__(self) -> str:
        return f"{self.args[0]} (use Publish → Check for personal data… to see and dismiss the findings)"
