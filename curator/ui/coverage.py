"""The coverage tab: a heat-map of case studies per ICS (grouped by region) × clinical area.

Empty cells are tinted so the gaps in the guide stand out; the last column says how many areas an ICS covers.
Clicking a cell filters the case-study list to that ICS (or region) and area. Counts come from the core's
tables on the read pool (``queries.coverage_counts``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..library import Library
from ..vocab import vocabularies
from . import theme
from .queries import coverage_counts
from .workers import Runner

#: Column headings: whole words, one per line (a screen reader reads "Maternity", never "Mater- nity").
HEADERS = {
    "adult_maternity": "Maternity", "adult_smi": "SMI", "adult_respiratory": "Respiratory",
    "adult_cancer": "Cancer", "adult_hypertension_lipids": "Hypertension\nlipids", "cyp_asthma": "CYP\nasthma",
    "cyp_diabetes": "CYP\ndiabetes", "cyp_epilepsy": "CYP\nepilepsy", "cyp_oral_health": "CYP\noral\nhealth",
    "cyp_mental_health": "CYP\nmental\nhealth", "cross_smoking_cessation": "Smoking", "ext_vaccination": "Vaccination",
    "ext_cvd_other": "CVD\nother", "ext_elective": "Elective", "ext_digital_inclusion": "Digital",
    "ext_social_prescribing": "Social\nprescribing", "ext_liver": "Liver", "ext_other": "Other",
}
SCOPES = (("All case studies (not in the trash)", None),
          ("Accepted and published only", ["accepted", "published"]),
          ("Published only", ["published"]))
EMPTY = QColor(theme.GAP_BG)
REGION_BG = QColor(theme.REGION_BG)
FILTER_ROLE = Qt.ItemDataRole.UserRole


class CoverageView(QWidget):
    cellChosen = Signal(dict)  # noqa: N815 - a filter dict for the facet panel
    loaded = Signal()

    def __init__(self, library: Library, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.runner = library, runner
        vocab = vocabularies()
        self.areas = list(vocab.areas)
        self.scope = QComboBox()
        self.scope.setAccessibleName("Which case studies to count")
        self.scope.setToolTip("Count every case study, or only those ready for the guide")
        for label, _ in SCOPES:
            self.scope.addItem(label)
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())
        self.summary = QLabel()  # no fixed accessible name: a screen reader reads the summary itself
        self.summary.setAccessibleDescription("Coverage summary")
        self.summary.setWordWrap(True)
        top = QHBoxLayout()
        count_label = QLabel("&Count:")
        count_label.setBuddy(self.scope)
        top.addWidget(count_label)
        top.addWidget(self.scope)
        top.addWidget(self.summary, 1)
        self.table = QTableWidget(0, len(self.areas) + 1)
        self.table.setAccessibleName("Coverage heat-map: ICS by clinical area")
        self.table.setToolTip("Case studies per ICS and clinical area; tinted cells have none. Click a cell to "
                              "list its case studies.")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves the heat-map; arrows move in it
        header_items = [HEADERS.get(t.id, t.short_label) for t in self.areas] + ["Areas\ncovered"]
        self.table.setHorizontalHeaderLabels(header_items)
        for col, term in enumerate(self.areas):
            self.table.horizontalHeaderItem(col).setToolTip(term.label)
            self.table.horizontalHeaderItem(col).setData(Qt.ItemDataRole.AccessibleTextRole, term.label)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setDefaultSectionSize(self.fontMetrics().horizontalAdvance("Hypertension") + 10)
        header.setMinimumHeight(self.fontMetrics().height() * 3 + 12)
        self.table.verticalHeader().setMaximumWidth(self.fontMetrics().horizontalAdvance("M" * 22))
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.cellClicked.connect(self._clicked)
        self.table.cellActivated.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        legend = QLabel("Darker blue: more case studies. Tinted with '–': none yet, a gap in the guide. Click a "
                        "cell, or move to it with the arrow keys and press Enter, to see its case studies.")
        legend.setWordWrap(True)
        layout.addWidget(legend)
        self.counts: dict[tuple[str, str], int] = {}
        self.stale = True

    def refresh(self) -> None:
        statuses = SCOPES[self.scope.currentIndex()][1]
        self.runner.read(coverage_counts, self.library, statuses, on_done=self._show)

    def _show(self, counts: dict[tuple[str, str], int]) -> None:
        self.counts = counts
        self.stale = False
        vocab = vocabularies()
        rows: list[tuple[str, list[str], bool]] = []
        for region in vocab.regions:
            members = sorted((t for t in vocab.ics if t.extra.get("region") == region.id), key=lambda t: t.label)
            rows.append((region.label, [t.id for t in members], True))
            rows += [(t.label, [t.id], False) for t in members]
        top = max(counts.values(), default=0)
        self.table.setRowCount(len(rows))
        self.table.setVerticalHeaderLabels([("" if is_region else "   ") + name for name, _, is_region in rows])
        bold = QFont(self.font())
        bold.setBold(True)
        gaps = 0
        for r, (name, codes, is_region) in enumerate(rows):
            header = self.table.verticalHeaderItem(r)
            header.setToolTip(name)
            if is_region:
                header.setFont(bold)
            covered = 0
            for c, term in enumerate(self.areas):
                n = sum(counts.get((code, term.id), 0) for code in codes)
                covered += bool(n)
                item = QTableWidgetItem(str(n) if n else "–")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setData(FILTER_ROLE, {"ics": codes, "area": [term.id]})
                item.setToolTip(f"{name} · {term.label}: {n} case stud{'y' if n == 1 else 'ies'}")
                item.setData(Qt.ItemDataRole.AccessibleTextRole, item.toolTip())  # heard, not just "–"
                if is_region:
                    item.setFont(bold)
                    item.setBackground(QBrush(REGION_BG if n else QColor(theme.REGION_GAP_BG)))
                    item.setForeground(QBrush(QColor(theme.TEXT if n else theme.GAP_TEXT)))
                elif n:
                    background, text = theme.heat(n, top)
                    item.setBackground(QBrush(QColor(background)))
                    item.setForeground(QBrush(QColor(text)))
                else:
                    gaps += 1
                    item.setBackground(QBrush(EMPTY))
                    item.setForeground(QBrush(QColor(theme.GAP_TEXT)))
                self.table.setItem(r, c, item)
            total = QTableWidgetItem(f"{covered} of {len(self.areas)}")
            total.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            total.setData(FILTER_ROLE, {"ics": codes})
            if is_region:
                total.setFont(bold)
                total.setBackground(QBrush(REGION_BG))
                total.setForeground(QBrush(QColor(theme.TEXT)))
            self.table.setItem(r, len(self.areas), total)
        self.table.setColumnWidth(len(self.areas), self.fontMetrics().horizontalAdvance("18 of 18") + 16)
        ics_rows = sum(1 for _, _, is_region in rows if not is_region)
        self.summary.setText(f"{gaps} of {ics_rows * len(self.areas)} ICS × area cells have no case study yet.")
        self.loaded.emit()

    def cell_filter(self, row: int, column: int) -> dict[str, Any] | None:
        item = self.table.item(row, column)
        return item.data(FILTER_ROLE) if item is not None else None

    def _clicked(self, row: int, column: int) -> None:
        wanted = self.cell_filter(row, column)
        if wanted:
            self.cellChosen.emit(wanted)

    def find_cell(self, ics: str, area: str) -> tuple[int, int]:
        """Row and column of one ICS × area cell (for keyboard users' tests and links)."""
        column = next(i for i, t in enumerate(self.areas) if t.id == area)
        for row in range(self.table.rowCount()):
            item = self.table.item(row, column)
            if item is not None and item.data(FILTER_ROLE) == {"ics": [ics], "area": [area]}:
                return row, column
        raise KeyError(ics)
