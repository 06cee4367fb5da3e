"""The left pane: saved searches and facet check boxes with live counts.

Facets come from the vocabularies (region → ICS, clinical areas by cohort, population groups with the
inclusion-health subgroups, status); the counts come from each search answer. Ticking boxes emits the filter
dict of the search contract (OR within a key, AND across keys). Regions and cohorts are tri-state parents:
ticking one ticks its children, and the filter names the children.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..vocab import vocabularies
from ..workflow import STATUS_LABELS
from . import theme

KEY_ROLE = Qt.ItemDataRole.UserRole
LABEL_ROLE = Qt.ItemDataRole.UserRole + 1
NAME_ROLE = Qt.ItemDataRole.UserRole + 2  # a saved search's name (its text may say it is shared)
SHARED_ROLE = Qt.ItemDataRole.UserRole + 3  # whether that saved search is shared with the team
#: facet key in search answers for each filter key
FACET_OF = {"ics": "ics", "region": "region", "area": "clinical_areas", "group": "population_groups",
            "status": "status"}
COHORTS = (("adults", "Adults"), ("children_young_people", "Children and young people"),
           ("cross_cutting", "Cross-cutting"), ("other", "Other areas"))
GREY = QBrush(QColor(theme.SECONDARY))  # zero counts: greyed, still 4.5:1 (theme.PAIRS)


def display_label(label: str, limit: int = 44) -> str:
    """A long vocabulary label shortened for a narrow pane (the tooltip keeps the whole label)."""
    if len(label) <= limit:
        return label
    short = re.sub(r"\s*\(.*\)\s*$", "", label)
    return short if len(short) <= limit else short[: limit - 1] + "…"


class FacetPanel(QWidget):
    filtersChanged = Signal(dict)  # noqa: N815 - Qt naming
    savedSearchChosen = Signal(str)  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.saved_label = QLabel("Saved searches")
        self.saved_label.setStyleSheet("font-weight: bold")
        self.saved = QListWidget()
        self.saved.setAccessibleName("Saved searches")
        self.saved.setToolTip("Click a saved search to run it again")
        self.saved.setMaximumHeight(110)
        self.saved.itemActivated.connect(self._saved_clicked)
        self.saved.itemClicked.connect(self._saved_clicked)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Filters")
        self.tree.setToolTip("Tick boxes to narrow the list; counts show matches for the current search")
        self.tree.setUniformRowHeights(True)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M" * 14))  # never squeezed to nothing
        layout.addWidget(self.saved_label)
        layout.addWidget(self.saved)
        filters_label = QLabel("Filters")
        filters_label.setStyleSheet("font-weight: bold")
        layout.addWidget(filters_label)
        layout.addWidget(self.tree, 1)
        self.leaves: dict[tuple[str, str], QTreeWidgetItem] = {}
        self.parents: dict[tuple[str, str], QTreeWidgetItem] = {}
        self._building = False
        self._build()
        self.tree.itemChanged.connect(self._changed)

    # -- construction ----------------------------------------------------------------------------------
    def _section(self, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree, [title])
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        return item

    def _leaf(self, parent: QTreeWidgetItem, key: str, value: str, label: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [display_label(label)])
        item.setToolTip(0, label)
        item.setData(0, KEY_ROLE, (key, value))
        item.setData(0, LABEL_ROLE, display_label(label))
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
        item.setCheckState(0, Qt.CheckState.Unchecked)
        self.leaves[(key, value)] = item
        return item

    def _group(self, parent: QTreeWidgetItem, kind: str, value: str, label: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [label])
        item.setData(0, LABEL_ROLE, label)
        item.setData(0, KEY_ROLE, (kind, value))
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsAutoTristate)
        item.setCheckState(0, Qt.CheckState.Unchecked)
        self.parents[(kind, value)] = item
        return item

    def _build(self) -> None:
        self._building = True
        vocab = vocabularies()
        places = self._section("Region and ICS")
        for region in vocab.regions:
            node = self._group(places, "region", region.id, region.label)
            for ics in sorted((t for t in vocab.ics if t.extra.get("region") == region.id), key=lambda t: t.label):
                self._leaf(node, "ics", ics.id, ics.label)
        areas = self._section("Clinical areas")
        for cohort, title in COHORTS:
            node = self._group(areas, "cohort", cohort, title)
            for term in vocab.areas:
                if vocab.area_cohort(term.id) == cohort:
                    self._leaf(node, "area", term.id, term.short_label)
        groups = self._section("Population groups")
        nodes: dict[str, QTreeWidgetItem] = {}
        for term in vocab.groups:
            label = "Core20 (most deprived 20%)" if term.extra.get("group") == "Core20" else term.label
            parent = nodes.get(term.extra.get("parent") or "", groups)
            nodes[term.id] = self._leaf(parent, "group", term.id, label)
        status = self._section("Status")
        for value, label in STATUS_LABELS.items():
            self._leaf(status, "status", value, label)
        for section in (places, areas, groups, status):
            section.setExpanded(True)
        for node in nodes.values():
            node.setExpanded(True)
        for (kind, _value), node in self.parents.items():
            node.setExpanded(kind == "cohort")
        self._building = False

    # -- state -----------------------------------------------------------------------------------------
    def filters(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for (key, value), item in self.leaves.items():
            if item.checkState(0) == Qt.CheckState.Checked:
                out.setdefault(key, []).append(value)
        return out

    def set_filters(self, filters: dict[str, list[str]]) -> None:
        """Tick exactly these values (e.g. from a coverage cell), then emit once."""
        self._building = True
        self.tree.blockSignals(True)
        try:
            for (key, value), item in self.leaves.items():
                wanted = value in (filters.get(key) or [])
                item.setCheckState(0, Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
                if wanted:
                    parent = item.parent()
                    while parent is not None:
                        parent.setExpanded(True)
                        parent = parent.parent()
        finally:
            self.tree.blockSignals(False)
            self._building = False
        self.tree.viewport().update()
        self.filtersChanged.emit(self.filters())

    def clear(self) -> None:
        self.set_filters({})

    def set_counts(self, facets: dict[str, dict[str, int]]) -> None:
        """Show each value's count for the current search; values with none are greyed, not hidden."""
        self.tree.blockSignals(True)
        try:
            for (key, value), item in self.leaves.items():
                n = (facets.get(FACET_OF[key]) or {}).get(value, 0)
                item.setText(0, f"{item.data(0, LABEL_ROLE)} ({n})")
                item.setForeground(0, QBrush() if n else GREY)
            for (kind, value), item in self.parents.items():
                if kind == "region":
                    n = (facets.get("region") or {}).get(value, 0)
                    item.setText(0, f"{item.data(0, LABEL_ROLE)} ({n})")
                    item.setForeground(0, QBrush() if n else GREY)
        finally:
            self.tree.blockSignals(False)

    def set_saved_searches(self, searches: list[dict[str, str]] | None) -> None:
        self.saved.clear()
        if searches is None:
            self.saved.addItem(QListWidgetItem("(needs the search index)"))
            self.saved.setEnabled(False)
            return
        self.saved.setEnabled(True)
        for entry in searches:
            shared = bool(entry.get("shared"))
            item = QListWidgetItem(f"{entry['name']} (shared)" if shared else entry["name"])
            item.setToolTip(entry["query"] + ("\nShared with your team library" if shared else ""))
            item.setData(KEY_ROLE, entry["query"])
            item.setData(NAME_ROLE, entry["name"])
            item.setData(SHARED_ROLE, shared)
            self.saved.addItem(item)
        if not searches:
            placeholder = QListWidgetItem("None yet: use Search → Save search…")
            placeholder.setFlags(Qt.ItemFlag.ItemIsEnabled)  # readable (a disabled item's grey is 1.9:1)
            placeholder.setForeground(GREY)
            self.saved.addItem(placeholder)

    def _saved_clicked(self, item: QListWidgetItem) -> None:
        query = item.data(KEY_ROLE)
        if query is not None:
            self.savedSearchChosen.emit(str(query))

    def _changed(self, item: QTreeWidgetItem, column: int) -> None:
        if not self._building:
            self.filtersChanged.emit(self.filters())

    def tick(self, key: str, value: str, checked: bool = True) -> None:
        """Tick one box as a user would (used by the coverage view and keyboard shortcuts)."""
        self.leaves[(key, value)].setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def describe(self) -> str:
        """The ticked filters in words, for the count line: a fully ticked region or cohort by its own name
        ("North West"), not its eleven ICSs."""
        names: list[str] = []
        covered: set[tuple[str, str]] = set()
        for item in self.parents.values():
            children = [item.child(i) for i in range(item.childCount())]
            if children and all(c.checkState(0) == Qt.CheckState.Checked for c in children):
                names.append(item.data(0, LABEL_ROLE))
                covered.update(tuple(c.data(0, KEY_ROLE)) for c in children)
        names += [self.leaves[(k, v)].data(0, LABEL_ROLE) for k, vs in self.filters().items() for v in vs
                  if (k, v) not in covered]
        return ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")


def facet_value_label(key: str, value: str) -> str:
    vocab = vocabularies()
    vocabulary: Any = {"ics": vocab.ics, "area": vocab.areas, "group": vocab.groups}.get(key)
    if vocabulary is not None and value in vocabulary.by_id:
        return vocabulary.by_id[value].short_label
    return STATUS_LABELS.get(value, value)
