"""Review › Rubric…: the criteria, their weights and the five level descriptors, editable.

Saving calls ``rubric.set_rubric``, which checks the whole rubric (the CLI's messages) and stores it as a new
version; reviews keep the version they were scored against, and the dialog shows which versions existing scores
use (``rubric.versions``), so nobody edits the rubric believing old scores change with it.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..library import Library
from ..review import rubric as rubric_mod
from .review_common import button, enter_presses, warn
from .workers import Runner


def load_rubric(library: Library) -> dict[str, Any]:
    return {"rubric": rubric_mod.current(library), "versions": rubric_mod.versions(library)}


def versions_words(current: int, versions: list[dict[str, Any]]) -> str:
    used = [f"version {v['version']}: {v['reviews']} review{'s' if v['reviews'] != 1 else ''}"
            for v in versions if v["reviews"]]
    return (f"Reviewers score against version {current}. "
            + ("Existing scores use " + "; ".join(used) + " (they keep their version)." if used
               else "No scores yet.")
            + " Saving a change makes a new version.")


class RubricDialog(QDialog):
    loaded = Signal()
    saved = Signal(dict)

    def __init__(self, library: Library, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.runner = library, runner
        self.criteria: list[dict[str, Any]] = []
        self.version = 0
        self._shown = -1
        self._note = ""
        self.setWindowTitle("Rubric")
        self.setAccessibleName("Rubric")
        self.info = QLabel("Loading…")
        self.info.setWordWrap(True)
        self.info.setAccessibleName("Rubric version in use")
        self.list = QListWidget()
        self.list.setAccessibleName("Criteria")
        self.list.currentRowChanged.connect(self._show)
        self.add_button = button("Add &criterion", "Add a criterion")
        self.remove_button = button("Remo&ve criterion", "Remove the selected criterion")
        self.add_button.clicked.connect(self.add_criterion)
        self.remove_button.clicked.connect(self.remove_criterion)
        left = QWidget()
        lbox = QVBoxLayout(left)
        lbox.setContentsMargins(0, 0, 0, 0)
        criteria_label = QLabel("Crit&eria:")
        criteria_label.setBuddy(self.list)
        lbox.addWidget(criteria_label)
        lbox.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        lbox.addLayout(row)
        editor = QGroupBox("Selected criterion")
        form = QFormLayout(editor)
        self.label = QLineEdit()
        self.label.setAccessibleName("Criterion label")
        self.cid = QLineEdit()
        self.cid.setAccessibleName("Criterion id (lower-case letters, digits and _)")
        self.weight = QDoubleSpinBox()
        self.weight.setRange(0.0, 100.0)
        self.weight.setSingleStep(0.5)
        self.weight.setDecimals(2)
        self.weight.setAccessibleName("Weight")
        form.addRow("&Label:", self.label)
        form.addRow("I&d:", self.cid)
        form.addRow("&Weight:", self.weight)
        self.levels: dict[str, QPlainTextEdit] = {}
        for level in rubric_mod.LEVELS:
            text = QPlainTextEdit()
            text.setTabChangesFocus(True)
            text.setFixedHeight(58)
            text.setAccessibleName(f"Descriptor for score {level}")
            label = QLabel(f"Score &{level}:")
            label.setBuddy(text)
            form.addRow(label, text)
            self.levels[level] = text
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(editor)
        split.setSizes([280, 620])
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Save as a new version")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.info)
        box.addWidget(split, 1)
        box.addWidget(self.buttons)
        self.resize(960, 640)
        enter_presses(self, None)  # a new version only by choosing Save
        self.refresh()

    def refresh(self) -> None:
        self.runner.read(load_rubric, self.library, on_done=self._loaded)

    def _loaded(self, data: dict[str, Any]) -> None:
        rubric = data["rubric"]
        self.version = rubric["version"]
        self.criteria = copy.deepcopy(rubric["criteria"])
        self.info.setText(self._note + versions_words(self.version, data["versions"]))
        self._note = ""
        self._shown = -1
        self._fill_list(0)
        self.loaded.emit()

    def _fill_list(self, select: int) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for c in self.criteria:
            self.list.addItem(f"{c['label'] or '(no label)'} ×{c['weight']:g}")
        self.list.blockSignals(False)
        self._shown = -1
        if self.criteria:
            self.list.setCurrentRow(min(select, len(self.criteria) - 1))
        self.remove_button.setEnabled(len(self.criteria) > 1)

    def _store(self) -> None:
        """Keep what is in the editor in the criterion shown, before another is shown or the rubric saved."""
        if 0 <= self._shown < len(self.criteria):
            c = self.criteria[self._shown]
            c.update(label=self.label.text(), id=self.cid.text().strip(), weight=self.weight.value(),
                     levels={k: w.toPlainText() for k, w in self.levels.items()})
            weight = c["weight"]
            c["weight"] = int(weight) if float(weight).is_integer() else weight
            item = self.list.item(self._shown)
            if item is not None:
                item.setText(f"{c['label'] or '(no label)'} ×{c['weight']:g}")

    def _show(self, row: int) -> None:
        self._store()
        self._shown = row
        if not 0 <= row < len(self.criteria):
            return
        c = self.criteria[row]
        self.label.setText(c["label"])
        self.cid.setText(c["id"])
        self.weight.setValue(float(c["weight"]))
        for level, widget in self.levels.items():
            widget.setPlainText(c["levels"].get(level, ""))

    def add_criterion(self) -> None:
        self._store()
        self.criteria.append({"id": f"criterion_{len(self.criteria) + 1}", "label": "New criterion", "weight": 1,
                              "levels": {k: "" for k in rubric_mod.LEVELS}})
        self._fill_list(len(self.criteria) - 1)
        self.label.setFocus()
        self.label.selectAll()

    def remove_criterion(self) -> None:
        row = self.list.currentRow()
        if len(self.criteria) > 1 and 0 <= row < len(self.criteria):
            self._shown = -1
            del self.criteria[row]
            self._fill_list(row)

    def data(self) -> dict[str, Any]:
        self._store()
        return {"criteria": copy.deepcopy(self.criteria)}

    def save(self) -> None:
        self.runner.write(rubric_mod.set_rubric, self.library, self.data(), on_done=self._saved,
                          on_error=lambda err: warn(self, "Rubric not saved", err))

    def _saved(self, result: tuple[dict[str, Any], bool]) -> None:
        rubric, changed = result
        self._note = (f"Saved as version {rubric['version']}. " if changed else
                      "Nothing changed, so no new version. ")
        self.saved.emit(rubric)
        self.refresh()
