"""Library management in the main window, installed on the panes the window already has (no edits to them):
multi-select with bulk actions in the results, the column chooser, saved-search rename / delete / reorder in the
sidebar, and "New case study for this ICS and area" on a coverage cell.

Every change is one call into ``curator.manage`` or ``curator.search.saved`` on the write pool, so a bulk change
is one undo step, as it is from the CLI.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QApplication, QInputDialog, QMenu, QMessageBox

from ..library import plural
from ..manage import (
    bulk_delete,
    bulk_set_status,
    bulk_tag,
    export_forms,
    export_search_json,
    export_selection_json,
)
from ..progress import CancelToken, ProgressFn
from ..search import saved as saved_mod
from ..team import sync as team_sync
from ..vocab import vocabularies
from ..workflow import STATUS_LABELS
from .facets import NAME_ROLE, SHARED_ROLE
from .publish_common import ask_folder, ask_save_path, show_result
from .results import COLUMNS, ID_ROLE, SORT_ROLE, ResultsModel
from .workers import long_job

#: Columns the chooser adds to the results (hidden until chosen): key, heading.
EXTRA_COLUMNS = (("organisation", "Organisation"), ("year", "Year"), ("programme", "Programme"),
                 ("created", "Created"), ("actions", "Action areas"))
ALL_COLUMNS = COLUMNS + EXTRA_COLUMNS
SETTING = "results/columns"
TAG_MENUS = (("area", "Clinical area", "areas"), ("group", "Population group", "groups"),
             ("action", "Action area", "actions"))


class ChooserModel(ResultsModel):
    """The results model with the chooser's extra columns (their values come with the search answer)."""

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(ALL_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ALL_COLUMNS[section][1]
        return None

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.column() < len(COLUMNS):
            return super().data(index, role)
        row = self.rows[index.row()]
        key = ALL_COLUMNS[index.column()][0]
        if role == ID_ROLE:
            return row["id"]
        if role == SORT_ROLE:  # the extra columns sort by what they show (case-blind for words)
            shown = self.data(index, Qt.ItemDataRole.DisplayRole)
            return shown.casefold() if isinstance(shown, str) else shown
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = row.get(key)
            if key == "actions":
                return "; ".join(value or [])
            if key == "created":
                return (value or "")[:10]
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None


# -- selection --------------------------------------------------------------------------------------------
def selected_ids(window: Any) -> list[str]:
    """The ids of the selected rows, in the order shown (the current row alone when nothing is selected)."""
    view = window.results
    rows = sorted(i.row() for i in view.selectionModel().selectedRows())
    ids = [view.proxy.index(r, 0).data(ID_ROLE) for r in rows]
    if not ids and view.current_id():
        ids = [view.current_id()]
    return [i for i in ids if i]


def install_library_management(window: Any) -> None:
    view = window.results
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setToolTip("Case studies matching the search; Enter opens one. Shift or Ctrl selects several; "
                    "right-click for what to do with them")
    install_columns(window)
    view.customContextMenuRequested.disconnect()
    view.customContextMenuRequested.connect(lambda pos: results_menu(window, pos))
    delete = window.actions_["delete"]
    delete.triggered.disconnect()
    delete.triggered.connect(lambda _c=False: delete_selection(window))
    install_saved_searches(window)
    install_coverage_action(window)


def delete_selection(window: Any) -> None:
    """Delete acts on the focused list (the window's rule); several selected case studies are asked about once."""
    ids = selected_ids(window)
    focus = QApplication.focusWidget()
    in_sidebar = focus is not None and (focus is window.facets or window.facets.isAncestorOf(focus))
    if len(ids) > 1 and not in_sidebar and window.tabs.currentIndex() == 0:
        window._confirm("Move to the trash", f"Move {plural(len(ids), 'case study', 'case studies')} to the trash? "
                        "Undo (Ctrl+Z) brings them back.", "Move to trash",
                        lambda: window.runner.write(bulk_delete, window.library, ids))
    else:
        window.delete_selected()


def selection_menu(window: Any, ids: list[str], parent: QMenu) -> None:
    """The bulk entries for ``ids`` (each one undo step)."""
    n = plural(len(ids), "case study", "case studies")
    status = parent.addMenu(f"Change &status of {n}")
    for value, label in STATUS_LABELS.items():
        status.addAction(label).triggered.connect(
            lambda _c=False, s=value: bulk_status(window, ids, s))
    vocab = vocabularies()
    for add in (True, False):
        tags = parent.addMenu(f"{'&Add' if add else '&Remove'} a tag {'to' if add else 'from'} {n}")
        for kind, title, attr in TAG_MENUS:
            sub = tags.addMenu(title)
            for term in getattr(vocab, attr):
                sub.addAction(term.short_label).triggered.connect(
                    lambda _c=False, k=kind, v=term.id, a=add: bulk_tags(window, ids, k, v, a))
    parent.addSeparator()
    parent.addAction(f"Export {n} as &JSON…").triggered.connect(lambda: export_json(window, ids))
    parent.addAction(f"Export {n} as &Word forms…").triggered.connect(lambda: export_word_forms(window, ids))
    parent.addAction(f"Move {n} to the &trash").triggered.connect(
        lambda: window.runner.write(bulk_delete, window.library, ids))


def results_menu(window: Any, pos: QPoint) -> QMenu:
    ids = selected_ids(window)
    menu = QMenu(window)
    if len(ids) <= 1:
        for name in ("edit_record", "history"):
            menu.addAction(window.actions_[name])
        menu.addMenu(window.status_menu)
        publish = getattr(window, "publish_actions", {})
        if "export_submission" in publish:
            menu.addAction(publish["export_submission"])
        menu.addSeparator()
        menu.addAction(window.actions_["delete"])
    else:
        selection_menu(window, ids, menu)
    window.results_context_menu = menu
    menu.popup(window.results.viewport().mapToGlobal(pos))
    return menu


def _report(window: Any, result: dict[str, Any]) -> None:
    skipped = result.get("skipped") or []
    text = result["label"] + (f"; {plural(len(skipped), 'was', 'were')} not changed: "
                              + "; ".join(f"{s['title']} ({s['reason']})" for s in skipped[:3]) if skipped else "")
    window.statusBar().showMessage(text + ". Ctrl+Z undoes it.", 10000)
    window.last_bulk_result = result


def bulk_status(window: Any, ids: list[str], status: str) -> None:
    window.runner.write(bulk_set_status, window.library, ids, status, on_done=lambda r: _report(window, r))


def bulk_tags(window: Any, ids: list[str], kind: str, value: str, add: bool) -> None:
    window.runner.write(bulk_tag, window.library, ids, kind, value, add=add, on_done=lambda r: _report(window, r))


def export_json(window: Any, ids: list[str], path: Path | None = None) -> None:
    path = path or ask_save_path(window, "Export the selection as JSON", Path.home() / "case-studies.json",
                                 "JSON (*.json)")
    if path is None:
        return
    window.runner.read(export_selection_json, window.library, ids, path, on_done=lambda r: show_result(
        window, "Exported", f"Wrote {plural(r['count'], 'case study', 'case studies')} to {r['path']}.", r["path"]))


def export_word_forms(window: Any, ids: list[str], folder: Path | None = None) -> None:
    folder = folder or ask_folder(window, "Folder for the Word forms")
    if folder is None:
        return

    def job(progress: ProgressFn, cancel: CancelToken) -> dict[str, Any]:
        return export_forms(window.library, ids, folder, progress=progress, cancel=cancel)

    def done(result: dict[str, Any] | None) -> None:
        if result is not None:
            show_result(window, "Exported", f"Wrote {plural(result['count'], 'submission form', 'submission forms')} "
                        f"to {result['folder']}.", result["folder"], "Open folder")

    window.progress_dialog = long_job(window, window.runner, "Writing Word forms", job, on_done=done)


def export_current_search(window: Any, path: Path | None = None) -> None:
    """Library → Export the current search…: the query and ticked filters, best first, as JSON."""
    path = path or ask_save_path(window, "Export the current search as JSON", Path.home() / "search.json",
                                 "JSON (*.json)")
    if path is None:
        return
    window.runner.read(export_search_json, window.library, path, window.search_box.text(),
                       window.facets.filters(), on_done=lambda r: show_result(
                           window, "Exported", f"Wrote {plural(r['count'], 'case study', 'case studies')} found by "
                           "the search to " + r["path"] + ".", r["path"]))


# -- columns ----------------------------------------------------------------------------------------------
def install_columns(window: Any) -> None:
    view = window.results
    model = ChooserModel(view)
    view.proxy.setSourceModel(model)
    view.results = model
    header = view.horizontalHeader()
    chosen = window.settings.q.value(SETTING)
    shown = set([chosen] if isinstance(chosen, str) else list(chosen or []))
    for n, (key, _heading) in enumerate(ALL_COLUMNS):
        if n >= len(COLUMNS):
            header.setSectionHidden(n, key not in shown)
            view.setColumnWidth(n, view.fontMetrics().horizontalAdvance("Organisation name") + 14)
    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    header.customContextMenuRequested.connect(lambda pos: column_menu(window, header.mapToGlobal(pos)))
    header.setToolTip("Click to sort; right-click to choose the columns")


def column_menu(window: Any, where: QPoint | None = None) -> QMenu:
    header = window.results.horizontalHeader()
    menu = QMenu("Columns", window)
    for n, (_key, heading) in enumerate(ALL_COLUMNS):
        action = menu.addAction(heading)
        action.setCheckable(True)
        action.setChecked(not header.isSectionHidden(n))
        action.setEnabled(n != 0)  # the title always shows
        action.toggled.connect(lambda on, col=n: set_column(window, col, on))
    window.column_menu = menu
    if where is not None:
        menu.popup(where)
    return menu


def set_column(window: Any, column: int, shown: bool) -> None:
    header = window.results.horizontalHeader()
    header.setSectionHidden(column, not shown)
    extra = [key for n, (key, _h) in enumerate(ALL_COLUMNS) if n >= len(COLUMNS) and not header.isSectionHidden(n)]
    window.settings.q.setValue(SETTING, extra)


# -- saved searches ---------------------------------------------------------------------------------------
class _SavedKeys(QObject):
    """F2 renames, Delete deletes, Ctrl+Up / Ctrl+Down move the saved search under the cursor."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window

    KEYS = (Qt.Key.Key_F2, Qt.Key.Key_Delete, Qt.Key.Key_Menu)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.ShortcutOverride:  # Delete here is not the window's "delete case study"
            key, mods = event.key(), event.modifiers()  # type: ignore[attr-defined]
            if key in self.KEYS or (mods & Qt.KeyboardModifier.ControlModifier and
                                    key in (Qt.Key.Key_Up, Qt.Key.Key_Down)):
                event.accept()
                return True
        if event.type() == QEvent.Type.KeyPress:
            key, mods = event.key(), event.modifiers()  # type: ignore[attr-defined]
            ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
            if key == Qt.Key.Key_Menu or (key == Qt.Key.Key_F10 and mods & Qt.KeyboardModifier.ShiftModifier):
                saved = self.window.facets.saved  # the menu by keyboard, beside the chosen search
                item = saved.currentItem()
                rect = saved.visualItemRect(item) if item is not None else saved.rect()
                saved_menu(self.window, saved.viewport().mapToGlobal(rect.bottomLeft()))
                return True
            if key == Qt.Key.Key_F2:
                rename_saved(self.window)
                return True
            if key == Qt.Key.Key_Delete:
                delete_saved(self.window)
                return True
            if ctrl and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                move_saved(self.window, -1 if key == Qt.Key.Key_Up else 1)
                return True
        return False


def install_saved_searches(window: Any) -> None:
    saved = window.facets.saved
    saved.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    saved.customContextMenuRequested.connect(lambda pos: saved_menu(window, saved.viewport().mapToGlobal(pos)))
    saved.setToolTip("Click a saved search to run it again; right-click (or F2, Delete, Ctrl+Up, Ctrl+Down) to "
                     "rename, delete or move it")
    window.saved_keys = _SavedKeys(window)
    saved.installEventFilter(window.saved_keys)


def current_saved(window: Any) -> str | None:
    item = window.facets.saved.currentItem()
    if item is None or item.data(Qt.ItemDataRole.UserRole) is None:
        return None
    return item.data(NAME_ROLE) or item.text()


def current_saved_shared(window: Any) -> bool:
    item = window.facets.saved.currentItem()
    return bool(item is not None and item.data(SHARED_ROLE))


def saved_menu(window: Any, where: QPoint | None = None) -> QMenu | None:
    name = current_saved(window)
    if name is None:
        return None
    menu = QMenu(window)
    for text, keys, handler in (("&Rename…", "F2", lambda: rename_saved(window)),
                                ("Move &up", "Ctrl+Up", lambda: move_saved(window, -1)),
                                ("Move &down", "Ctrl+Down", lambda: move_saved(window, 1)),
                                ("&Share with team library", "", lambda: share_saved(window)),
                                ("&Delete", "Del", lambda: delete_saved(window))):
        action = menu.addAction(text)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(handler)
    share = menu.actions()[3]  # a tick says whether it is shared now
    share.setCheckable(True)
    share.setChecked(current_saved_shared(window))
    share.setToolTip("Shared searches reach everyone's sidebar at the next team sync")
    window.saved_context_menu = menu
    if where is not None:
        menu.popup(where)
    return menu


def _after_saved_change(window: Any, select: str | None) -> None:
    window.refresh_saved_searches()
    if select:
        for row in range(window.facets.saved.count()):
            if window.facets.saved.item(row).data(NAME_ROLE) == select:
                window.facets.saved.setCurrentRow(row)


def share_saved(window: Any) -> None:
    """Share the saved search under the cursor with the team, or stop sharing it (the same call as
    ``saved-search share|unshare``); the status bar says when colleagues will see it."""
    name = current_saved(window)
    if name is None:
        return
    shared = not current_saved_shared(window)
    linked = team_sync.linked(window.library) is not None

    def done(_result: Any) -> None:
        _after_saved_change(window, name)
        if shared:
            text = (f"'{name}' is shared: the next team sync sends it to your colleagues" if linked else
                    f"'{name}' is marked shared: it goes to your team once this library is linked "
                    "(File → Connect to team library…)")
        else:
            text = f"'{name}' is kept on this laptop only" + (
                "; the next sync takes it out of your colleagues' lists" if linked else "")
        window.statusBar().showMessage(text, 10000)

    window.runner.write(saved_mod.share, window.library.store, name, shared, on_done=done)


def rename_saved(window: Any, new: str | None = None) -> QInputDialog | None:
    old = current_saved(window)
    if old is None:
        return None
    if new is None:
        dialog = QInputDialog(window)
        dialog.setWindowTitle("Rename saved search")
        dialog.setLabelText(f"New name for '{old}':")
        dialog.setTextValue(old)
        dialog.setAccessibleName("Rename saved search")
        dialog.textValueSelected.connect(lambda text: rename_saved(window, text))
        dialog.open()
        window.saved_rename_dialog = dialog
        return dialog
    if new.strip() and new.strip() != old:
        window.runner.write(saved_mod.rename, window.library.store, old, new,
                            on_done=lambda r: _after_saved_change(window, r["name"]))
    return None


def delete_saved(window: Any, confirmed: bool = False) -> QMessageBox | None:
    """Forget the saved search under the cursor, after the window's usual short question."""
    name = current_saved(window)
    if name is None:
        return None

    def forget() -> None:
        window.runner.write(saved_mod.delete, window.library.store, name,
                            on_done=lambda _r: _after_saved_change(window, None))

    if confirmed:
        forget()
        return None
    shared = (" It is shared, so it also goes from your colleagues' lists at the next team sync."
              if current_saved_shared(window) else "")
    box = window._confirm("Forget saved search", f"Forget the saved search '{name}'? The case studies it finds "
                          f"are not touched; this cannot be undone.{shared}", "Forget", forget)
    window.saved_delete_box = box
    return box


def move_saved(window: Any, step: int) -> None:
    name = current_saved(window)
    if name is None:
        return
    position = window.facets.saved.currentRow() + 1 + step
    if position < 1 or position > window.facets.saved.count():
        return
    window.runner.write(saved_mod.move, window.library.store, name, position,
                        on_done=lambda _r: _after_saved_change(window, name))


# -- coverage ---------------------------------------------------------------------------------------------
def install_coverage_action(window: Any) -> None:
    table = window.coverage.table
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    table.customContextMenuRequested.connect(lambda pos: coverage_menu(window, table.viewport().mapToGlobal(pos)))


def coverage_cell(window: Any) -> tuple[str, str] | None:
    """(ICS code, area id) of the current cell when it is one ICS × one area."""
    table = window.coverage.table
    wanted = window.coverage.cell_filter(table.currentRow(), table.currentColumn())
    if not wanted or len(wanted.get("ics") or []) != 1 or len(wanted.get("area") or []) != 1:
        return None
    return wanted["ics"][0], wanted["area"][0]


def coverage_menu(window: Any, where: QPoint | None = None) -> QMenu:
    menu = QMenu(window)
    action = menu.addAction("&New case study for this ICS and area…")
    action.setObjectName("coverage_new_case")
    cell = coverage_cell(window)
    action.setEnabled(cell is not None)
    action.triggered.connect(lambda: new_case_for_cell(window))
    window.coverage_context_menu = menu
    if where is not None:
        menu.popup(where)
    return menu


def new_case_for_cell(window: Any) -> Any:
    cell = coverage_cell(window)
    if cell is None:
        return None
    ics, area = cell
    return window.open_editor(None, draft_fields={"ics": ics, "clinical_areas": [area]})


__all__ = ["install_library_management", "selected_ids", "export_current_search"]
