"""Every menu and toolbar action in one table: text, shortcuts and tooltip, so none lacks a shortcut or a tip.

The main window connects them; ``menus`` says where each appears.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from ..workflow import STATUS_LABELS

#: name -> (text, shortcuts, tooltip)
ACTIONS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "new_library": ("&New library…", ("Ctrl+Shift+N",), "Create a new, empty library folder and open it"),
    "open_library": ("&Open library…", ("Ctrl+O",), "Open another library folder"),
    "import": ("&Import case studies…", ("Ctrl+I",), "Import .json, .jsonl, .csv or .docx files (or drop them "
                                                      "on the window)"),
    "export_json": ("&Export as JSON…", ("Ctrl+E",), "Write every case study to a JSON file"),
    "quit": ("&Quit", ("Ctrl+Q",), "Close Curator"),
    "undo": ("&Undo", ("Ctrl+Z",), "Revert the last change to the library"),
    "redo": ("&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Re-apply the change just undone"),
    "new_record": ("&New case study…", ("Ctrl+N",), "Write a new case study"),
    "edit_record": ("&Edit case study…", ("Ctrl+Return",), "Open the selected case study in the editor (also "
                                                            "Enter or double-click in the list)"),
    "delete": ("&Delete", ("Delete",), "Move the selected case study to the trash (undo brings it back)"),
    "history": ("&History…", ("Ctrl+H",), "Every change made to the selected case study"),
    "focus_search": ("&Find…", ("Ctrl+F", "Ctrl+K"), "Go to the search box"),
    "clear_filters": ("&Clear filters", ("Ctrl+Shift+L",), "Untick every filter and clear the search box"),
    "save_search": ("&Save search…", ("Ctrl+Shift+S",), "Save the current search to run it again with one click"),
    "view_browse": ("&Case studies", ("Ctrl+1",), "Show the case-study list"),
    "view_coverage": ("C&overage", ("Ctrl+2",), "Show the ICS × clinical area heat-map"),
    "refresh": ("&Refresh", ("F5",), "Run the search again and refresh the coverage"),
    "rebuild_index": ("Re&build search index", ("Ctrl+Shift+R",), "Rebuild the search index from the database"),
    "about": ("&About Curator", ("F1",), "Version, library folder and log file"),
}
for n, (_status, _label) in enumerate(STATUS_LABELS.items(), start=1):
    ACTIONS[f"status:{_status}"] = (f"{_label}", (f"Ctrl+Alt+{n}",), f"Change the selected case study's status to "
                                                                    f"{_label.lower()}")


def make_actions(parent: QWidget) -> dict[str, QAction]:
    out = {}
    for name, (text, shortcuts, tip) in ACTIONS.items():
        action = QAction(text, parent)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        keys = " or ".join(shortcuts)
        action.setToolTip(f"{tip} ({keys})")
        action.setStatusTip(tip)
        action.setObjectName(name)
        out[name] = action
    return out
