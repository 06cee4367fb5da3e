"""What the main window's actions do: each handler asks the core (through the runner) and shows the outcome.

Kept apart from the layout in ``main_window.py``; the mixin expects the attributes that window builds.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMimeData, QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMenu, QMessageBox

from ..errors import FileRefused
from ..importers import READERS, read_file
from ..library import Library, plural
from ..progress import CancelToken, ProgressFn
from ..workflow import STATUS_LABELS, allowed
from .queries import search_service
from .workers import long_job

UNDO_ASK_OVER = 50  # undoing a change of more records than this asks first
HISTORY_POLL_MS = 1500  # how often the window looks for changes made by another process

if TYPE_CHECKING:
    from .editor import EditorDialog
# Dialogs are imported when first opened: the window shows its first answer sooner.


def dropped_paths(mime: QMimeData) -> list[Path]:
    """Local files with a suffix Curator can import."""
    if not mime.hasUrls():
        return []
    paths = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
    return [p for p in paths if p.suffix.lower() in READERS]


def import_job(library: Library, paths: list[Path], progress: ProgressFn, cancel: CancelToken) -> dict[str, Any]:
    """Read the files, then import; files that cannot be read at all are reported as refused."""
    items, refused = [], []
    for path in paths:
        try:
            items.extend(read_file(path))
        except FileRefused as err:
            refused.append({"source": path.name, "error": str(err), "fields": []})
    report = library.import_records(items, on_duplicate="skip", progress=progress, cancel=cancel).as_json()
    raws = {item.source: item.raw for item in items}
    for entry in report["refused"]:  # named by title, with what was read, for "Accept suggestion" / the editor
        raw = raws.get(entry["source"])
        if isinstance(raw, dict):
            entry["raw"] = raw
            entry["title"] = str(raw.get("title") or "").strip()
    report["refused"] = refused + report["refused"]
    return report


class CommandsMixin:
    def connect_actions(self) -> None:
        a = self.actions_
        handlers = {
            "new_library": self.new_library, "open_library": self.open_library, "import": self.choose_import,
            "export_json": self.export_json, "quit": self.close, "undo": self.undo, "redo": self.redo,
            "new_record": self.new_record, "edit_record": self.edit_selected, "delete": self.delete_selected,
            "history": self.show_history, "focus_search": self.focus_search, "clear_filters": self.clear_filters,
            "save_search": self.save_search, "view_browse": lambda: self.tabs.setCurrentIndex(0),
            "view_coverage": lambda: self.tabs.setCurrentIndex(1), "refresh": self.refresh_all,
            "rebuild_index": self.rebuild_index, "about": self.about,
        }
        for name, handler in handlers.items():
            a[name].triggered.connect(lambda _checked=False, h=handler: h())
        for status in STATUS_LABELS:
            a[f"status:{status}"].triggered.connect(lambda _checked=False, s=status: self.set_status(s))
        a["rebuild_index"].setEnabled(search_service(self.library) is not None)
        a["save_search"].setEnabled(search_service(self.library) is not None)

    # -- record actions --------------------------------------------------------------------------------
    def update_record_actions(self) -> None:
        record = self.current_record
        for name in ("edit_record", "delete", "history"):
            self.actions_[name].setEnabled(record is not None)
        moves = allowed(record["status"]) if record else ()
        for status in STATUS_LABELS:
            self.actions_[f"status:{status}"].setEnabled(status in moves)
        self.status_button.setEnabled(bool(moves))

    def forget_record_unless(self, case_id: str) -> None:
        """Record actions (Edit, Delete, Status, History) act only on the record selected in the list: when the
        selection moves, they are disabled until the new record is read, never left on the old one."""
        if self.current_record is not None and self.current_record["id"] != case_id:
            self.current_record = None
            self.update_record_actions()

    def _watch_history(self) -> None:
        """Installed on the first ``refresh_undo``: remember which changes this app made (a library listener, run
        on the writer thread straight after each commit), and poll the library's generation so a change made by
        another process (a CLI import) refreshes the undo label too."""
        self._own_batches: set[str] = set()
        self._seen_generation: int | None = None

        def remember(changes: Any) -> None:
            if not changes.label.startswith(("Undo ", "Redo ")):
                target = self.library.undo_target()
                if target is not None:
                    self._own_batches.add(target["batch"])

        self._remember_listener = remember
        self.library.listeners.insert(0, remember)
        self._history_timer = QTimer(self)
        self._history_timer.setInterval(HISTORY_POLL_MS)
        self._history_timer.timeout.connect(self._poll_generation)
        self._history_timer.start()

    def _poll_generation(self) -> None:
        def seen(generation: int) -> None:
            if self._seen_generation is not None and generation != self._seen_generation:
                self.refresh_undo()
            self._seen_generation = generation

        if self.runner.closed:  # the window has closed: stop watching and let go of the library
            self._history_timer.stop()
            if self._remember_listener in self.library.listeners:
                self.library.listeners.remove(self._remember_listener)
            return
        self.runner.read(lambda: self.library.store.generation, on_done=seen, on_error=lambda _e: None)

    def refresh_undo(self) -> None:
        if not hasattr(self, "_own_batches"):
            self._watch_history()
        self._undo_serial = getattr(self, "_undo_serial", 0) + 1
        serial = self._undo_serial
        self.runner.read(lambda: (self.library.undo_label(), self.library.redo_label()),
                         on_done=lambda labels: self._undo_labels(labels, serial))

    def _undo_labels(self, labels: tuple[str | None, str | None], serial: int) -> None:
        if serial != self._undo_serial:
            return  # two reads overlapped and this one was asked first: its labels are out of date
        for name, label in zip(("undo", "redo"), labels, strict=True):
            action = self.actions_[name]
            verb = "&Undo" if name == "undo" else "&Redo"
            action.setEnabled(label is not None)
            action.setText(f"{verb} {label[0].lower()}{label[1:]}" if label else verb)

    def undo(self) -> None:
        """Undo straight away only a change this app made to at most ``UNDO_ASK_OVER`` records; otherwise ask,
        naming it (one stray Ctrl+Z once reverted a 5,000-record import, or another process's import)."""
        self.runner.read(self.library.undo_target, on_done=self._undo_checked)

    def _undo_checked(self, target: dict[str, Any] | None) -> None:
        if target is None:
            self.statusBar().showMessage("Nothing to undo.", 6000)
            self.refresh_undo()
            return
        batch, label, count = target["batch"], target["label"], target["count"]
        own = batch in getattr(self, "_own_batches", set())
        if own and count <= UNDO_ASK_OVER:
            self.runner.write(self.library.undo, batch)
            return
        reasons = []
        if count > UNDO_ASK_OVER:
            reasons.append(f"It changes {plural(count, 'case study', 'case studies')}.")
        if not own:
            reasons.append("It was not made in this window (for example an import from the command line, or "
                           "before the library was opened here).")
        self._confirm("Undo", f"Undo '{label}'? {' '.join(reasons)} Redo (Ctrl+Shift+Z) brings it back.", "Undo",
                      lambda: self.runner.write(self.library.undo, batch))
        self.undo_prompt = self.confirm_prompt

    def redo(self) -> None:
        self.runner.write(self.library.redo)

    def set_status(self, status: str) -> None:
        if self.current_record is not None:
            self.runner.write(self.library.set_status, self.current_record["id"], status)

    def delete_selected(self) -> QMessageBox | None:
        """Delete acts on the focused list only: a saved search when the sidebar has focus, else the case study
        shown in the Case studies tab, after a short confirmation naming it (undo brings it back)."""
        focus = QApplication.focusWidget()
        if focus is not None and (focus is self.facets or self.facets.isAncestorOf(focus)):
            return self.forget_saved_search()
        if self.current_record is None or self.tabs.currentIndex() != 0:
            self.statusBar().showMessage("Select a case study in the list first, then press Delete.", 6000)
            return None
        case_id, title = self.current_record["id"], self.current_record["title"]
        return self._confirm("Move to the trash", f"Move '{title}' to the trash? Undo (Ctrl+Z) brings it back.",
                             "Move to trash", lambda: self.runner.write(self.library.delete, case_id))

    def forget_saved_search(self) -> QMessageBox | None:
        from .facets import KEY_ROLE

        saved, focus = self.facets.saved, QApplication.focusWidget()
        item = saved.currentItem() if focus is saved or saved.isAncestorOf(focus) else None
        service = search_service(self.library)
        if item is None or item.data(KEY_ROLE) is None or service is None:
            self.statusBar().showMessage("Delete removes a case study from the list, or a saved search from "
                                         "Saved searches: select one there first.", 6000)
            return None
        name = item.text()
        return self._confirm("Forget saved search", f"Forget the saved search '{name}'? The case studies it "
                             "finds are not touched; this cannot be undone.", "Forget",
                             lambda: self.runner.write(service.delete_saved_search, name,
                                                       on_done=lambda _r: self.refresh_saved_searches()))

    def _confirm(self, title: str, text: str, verb: str, then: Any) -> QMessageBox:
        """A short, non-blocking question; ``then()`` runs only if the person chooses ``verb``."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, self)
        yes = box.addButton(verb, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(yes)
        box.setAccessibleName(title)
        box.finished.connect(lambda _r: then() if box.clickedButton() is yes else None)
        box.open()
        self.confirm_prompt = box
        return box

    def show_history(self) -> None:
        from .history_view import HistoryDialog

        if self.current_record is not None:
            dialog = HistoryDialog(self.library, self.runner, self.current_record["id"], self.current_record["title"],
                                   self)
            dialog.show()
            self.history_dialog = dialog

    def results_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for name in ("edit_record", "history"):
            menu.addAction(self.actions_[name])
        menu.addMenu(self.status_menu)
        menu.addSeparator()
        menu.addAction(self.actions_["delete"])
        menu.popup(self.results.viewport().mapToGlobal(pos))

    # -- editors ---------------------------------------------------------------------------------------
    def open_editor(self, case_id: str | None = None, draft_fields: dict[str, Any] | None = None,
                    draft_key: str | None = None) -> EditorDialog:
        from .editor import EditorDialog

        key = case_id or draft_key  # one editor per case study; a new one by its draft
        if key and key in self.editors and self.editors[key].isVisible():
            self.editors[key].raise_()
            self.editors[key].activateWindow()
            return self.editors[key]
        editor = EditorDialog(self.library, self.runner, self.drafts, case_id, draft_fields, draft_key, self)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # ~8 MB each stayed in memory (10.8)
        key = case_id or editor.draft_key
        self.editors[key] = editor
        editor.saved.connect(self.editor_saved)
        editor.finished.connect(lambda _r, k=key: self.editors.pop(k, None))
        editor.destroyed.connect(lambda _o=None, k=key, e=editor: self.editors.get(k) is e and self.editors.pop(k))
        editor.show()
        return editor

    def editor_saved(self, case_id: str) -> None:
        self.statusBar().showMessage("Saved. Ctrl+Z undoes the save.", 8000)

    def edit_selected(self) -> None:
        if self.current_record is not None:
            self.open_editor(self.current_record["id"])

    def new_record(self) -> None:
        self.open_editor(None)

    def offer_drafts(self) -> None:
        pending = self.drafts.pending()
        if not pending:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Recover unsaved edits",
                          f"Curator found {plural(len(pending), 'unsaved edit', 'unsaved edits')} from last time "
                          "(the app closed before they were saved). Open them in the editor now?",
                          QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Ignore, self)
        box.setAccessibleName("Recover unsaved edits")
        box.finished.connect(lambda result: self.recover_drafts()
                             if box.clickedButton() is box.button(QMessageBox.StandardButton.Open) else None)
        box.open()
        self.drafts_prompt = box

    def recover_drafts(self) -> list[EditorDialog]:
        """Open an editor on each left-over draft; saving or discarding there deletes the draft."""
        editors = []
        for draft in self.drafts.pending():
            if draft.case_id and not self.library.store.exists(draft.case_id):
                continue
            editors.append(self.open_editor(draft.case_id, draft.fields, draft.key))
        return editors

    # -- import and export -----------------------------------------------------------------------------
    def choose_import(self) -> None:
        kinds = " ".join(f"*{s}" for s in sorted(READERS))
        names, _ = QFileDialog.getOpenFileNames(self, "Import case studies", str(Path.home()),
                                                f"Case studies ({kinds})")
        if names:
            self.import_paths([Path(n) for n in names])

    def import_paths(self, paths: list[Path]) -> None:
        self.progress_dialog = long_job(self, self.runner, f"Importing {plural(len(paths), 'file', 'files')}",
                                        import_job, self.library, paths, on_done=self.show_import_report)

    def show_import_report(self, report: dict[str, Any] | None) -> None:
        if report is None:
            self.statusBar().showMessage("Import cancelled before anything was read.", 8000)
            return
        from .import_dialog import ImportReportDialog

        dialog = ImportReportDialog(report, self.library, self.runner, self)
        dialog.openRecord.connect(lambda case_id: self.open_editor(case_id))
        dialog.editRaw.connect(lambda raw: self.open_editor(None, draft_fields=raw))
        self.import_dialog = dialog
        dialog.destroyed.connect(lambda _o=None, d=dialog: setattr(self, "import_dialog", None)
                                 if self.import_dialog is d else None)
        dialog.show()

    def export_json(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export as JSON", str(Path.home() / "case-studies.json"),
                                              "JSON (*.json)")
        if name:
            def job(progress: ProgressFn, cancel: CancelToken) -> int:
                return self.library.export_json(Path(name))

            self.progress_dialog = long_job(self, self.runner, "Exporting", job, on_done=lambda n: self.statusBar()
                                            .showMessage(f"Wrote {n} case studies to {name}", 8000))

    def rebuild_index(self) -> None:
        service = search_service(self.library)
        if service is not None:
            self.progress_dialog = long_job(self, self.runner, "Rebuilding the search index", service.rebuild,
                                            on_done=lambda _r: self.refresh_all())

    # -- search helpers --------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.search_box.setFocus()
        self.search_box.selectAll()

    def clear_filters(self) -> None:
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self.search.query = ""
        self.facets.clear()

    def save_search(self, name: str | None = None) -> None:
        service = search_service(self.library)
        query = self.search_box.text().strip()
        if service is None or not query:
            self.statusBar().showMessage("Type a search first, then save it.", 6000)
            return
        if name is None:
            name, ok = QInputDialog.getText(self, "Save search", "Name for this search:", text=query)
            if not ok or not name.strip():
                return
        self.runner.write(service.save_search, name.strip(), query, on_done=lambda _r: self.refresh_saved_searches())

    def refresh_all(self) -> None:
        self.search.request(immediate=True)
        self.refresh_saved_searches()
        self.coverage.stale = True
        if self.tabs.currentWidget() is self.coverage:
            self.coverage.refresh()

    # -- libraries and about ---------------------------------------------------------------------------
    def new_library(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose an empty folder for the new library")
        if folder:
            self.switch_library(Path(folder))

    def open_library(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a library folder")
        if folder:
            self.switch_library(Path(folder))

    def fill_recent(self) -> None:
        self.recent_menu.clear()
        for folder in self.settings.recent_libraries():
            action = self.recent_menu.addAction(folder)
            action.triggered.connect(lambda _c=False, f=folder: self.switch_library(Path(f)))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    def switch_library(self, folder: Path) -> None:
        from .app import open_window

        if Path(folder).resolve() == Path(self.library.folder).resolve():
            return
        try:
            window = open_window(folder, self.settings)
        except Exception as err:  # noqa: BLE001 - reported, the current library stays open
            self.reporter.report(err, f"Opening {folder}")
            return
        self.close()
        window.show()

    def about(self) -> None:
        from .. import __version__

        box = QMessageBox(QMessageBox.Icon.Information, "About Curator",
                          f"Curator {__version__}\n\nCurating good-practice case studies on tackling health "
                          f"inequalities.\nEverything stays on this computer.\n\nLibrary: {self.library.folder}\n"
                          f"Log file: {self.library.log_path}", QMessageBox.StandardButton.Ok, self)
        box.open()
        self.about_box = box
