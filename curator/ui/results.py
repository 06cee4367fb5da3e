"""The middle pane: search hits as a sortable table, each title with its snippet (matched words in bold)."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont, QFontMetrics, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from ..workflow import STATUS_LABELS
from .timefmt import local_date, local_time

COLUMNS = (("title", "Title"), ("ics", "ICS"), ("region", "Region"), ("areas", "Clinical areas"),
           ("status", "Status"), ("updated", "Updated"))
ID_ROLE = Qt.ItemDataRole.UserRole
SNIPPET_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # what a column sorts by: Status in workflow order, not A–Z
WORKFLOW_ORDER = {status: n for n, status in enumerate(STATUS_LABELS)}
Index = QModelIndex | QPersistentModelIndex


class ResultsModel(QAbstractTableModel):
    """Rows are hits joined with their columns (``row_details``); the model never touches the library."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []

    def set_result(self, result: dict[str, Any]) -> None:
        details = result.get("details") or {}
        self.beginResetModel()
        self.rows = []
        for hit in result.get("hits", []):
            row = dict(details.get(hit["id"]) or {"id": hit["id"], "title": hit.get("title", "")})
            row["snippet"] = hit.get("snippet") or ""
            self.rows.append(row)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == ID_ROLE:
            return row["id"]
        if role == SNIPPET_ROLE:
            return row.get("snippet", "")
        if role == SORT_ROLE:
            if key == "status":
                return WORKFLOW_ORDER.get(row.get("status", ""), len(WORKFLOW_ORDER))
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if key == "ics":
                return row.get("ics_label", "")
            if key == "areas":
                return "; ".join(row.get("areas") or [])
            if key == "status":
                return STATUS_LABELS.get(row.get("status", ""), row.get("status", ""))
            if key == "updated":
                return local_date(row.get("updated")) if role == Qt.ItemDataRole.DisplayRole else \
                    local_time(row.get("updated"), seconds=True)
            return row.get(key) or ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        if role == Qt.ItemDataRole.AccessibleTextRole and key == "title":
            return row.get("title", "")
        return None

    def row_of(self, case_id: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r["id"] == case_id), -1)


class TitleDelegate(QStyledItemDelegate):
    """Title on the first line, the snippet (HTML-safe, <b> marks) greyed on the second."""

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex) -> QTextDocument:
        plain = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        bold = QFont(option.font)
        bold.setBold(True)
        title = html.escape(QFontMetrics(bold).elidedText(plain, Qt.TextElideMode.ElideRight, option.rect.width() - 6))
        snippet = str(index.data(SNIPPET_ROLE) or "")
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        grey = option.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText)
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(2)
        ink = option.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        lines = f"<div style='color:{ink.name()}'><b>{title}</b></div>"  # white on the blue selection
        if snippet and snippet.replace("<b>", "").replace("</b>", "") != html.escape(plain):
            lines += f"<div style='color:{grey.name()}'>{snippet}</div>"
        elif snippet:
            lines = f"<div style='color:{ink.name()}'>{snippet.replace('<b>', '<b><u>').replace('</b>', '</u></b>')}</div>"
        doc.setHtml(lines)
        return doc  # no wrapping: one line each, clipped at the cell's edge

    def paint(self, painter: Any, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = self._document(option, index)
        painter.save()
        painter.translate(option.rect.topLeft())
        painter.setClipRect(0, 0, option.rect.width(), option.rect.height())
        if option.state & QStyle.StateFlag.State_Selected:
            doc.setDefaultStyleSheet(f"*{{color:{option.palette.color(QPalette.ColorRole.HighlightedText).name()}}}")
        doc.drawContents(painter)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        height = option.fontMetrics.height()
        return QSize(300, height * 2 + 10)


class ResultsView(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.results = ResultsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.results)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setSortRole(SORT_ROLE)
        self.setModel(self.proxy)
        self.setItemDelegateForColumn(0, TitleDelegate(self))
        self.setSortingEnabled(True)
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab leaves the list (arrows move in it): no keyboard trap
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() * 2 + 12)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = self.fontMetrics()
        for column, sample in ((1, "Cheshire and Me"), (2, "East of Engl"), (3, "Hypertension"),
                               (4, "In review"), (5, "2026-11-23")):
            self.setColumnWidth(column, metrics.horizontalAdvance(sample) + 14)
        header.setMinimumSectionSize(metrics.horizontalAdvance("Title") + 24)
        self.setAccessibleName("Search results")
        self.setObjectName("results")  # theme: the item focus ring applies to this table
        self.setToolTip("Case studies matching the search; Enter opens one in the editor")
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def current_id(self) -> str | None:
        index = self.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def ids(self) -> list[str]:
        return [self.proxy.index(r, 0).data(ID_ROLE) for r in range(self.proxy.rowCount())]

    def select_id(self, case_id: str | None) -> bool:
        row = self.results.row_of(case_id) if case_id else -1
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.results.index(row, 0))
        self.setCurrentIndex(index)
        self.scrollTo(index)
        return True
