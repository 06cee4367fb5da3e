"""The main window: facets | results | preview, the search box, the coverage tab, menus and toolbar.

All library work goes through ``Runner`` (reads on a pool, writes one at a time); the library's listeners
report each committed change through a Qt signal, and the window refreshes what that change touched.
Action handlers (import, status, undo …) live in ``commands.CommandsMixin``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..history import Changes
from ..library import Library
from . import keyboard, screen, theme
from .actions import make_actions
from .commands import CommandsMixin, dropped_paths
from .coverage import CoverageView
from .drafts import Drafts
from .errors import ErrorReporter
from .facets import FacetPanel
from .paging import install_paging
from .preview import PreviewPane
from .queries import search_service
from .results import ResultsView
from .review_menu import merge_dropped, returned_paths
from .settings import Settings
from .workers import Runner, SearchController

NHS_BLUE = theme.BLUE


class ChangeBridge(QObject):
    """A library listener that posts each ``Changes`` to the UI thread (listeners run on the writer thread)."""

    changed = Signal(object)


class MainWindow(CommandsMixin, QMainWindow):
    resultsShown = Signal(dict)  # noqa: N815 - after each search answer is on screen
    recordShown = Signal(str)  # noqa: N815

    def __init__(self, library: Library, settings: Settings | None = None, *, ask_about_drafts: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.settings = settings or Settings()
        self.reporter = ErrorReporter(self, library.folder)
        self.runner = Runner(self.reporter.report, self)
        self.drafts = Drafts(library)
        self.editors: dict[str, Any] = {}
        self.loaded = False
        self.last_result: dict[str, Any] = {}
        self.current_record: dict[str, Any] | None = None
        self.import_dialog: Any = None
        self._record_serial = 0
        self.drafts_prompt: Any = None
        self.setWindowTitle(f"Curator — {library.folder}")
        self.setAcceptDrops(True)
        theme.apply(QApplication.instance())  # colours and the one focus ring (theme.py), app-wide
        self.actions_ = make_actions(self)
        self._build()
        self._menus()
        self.bridge = ChangeBridge(self)
        self.bridge.changed.connect(self.on_changes)
        self._listener = self.bridge.changed.emit
        library.listeners.append(self._listener)
        self.search = SearchController(library, self.runner, parent=self)
        self.search.results.connect(self.show_results)
        self.search.failed.connect(self.search_failed)
        install_paging(self)  # results a page at a time (issue 15)
        self.facets.filtersChanged.connect(lambda f: self.search.request(filters=f))
        self.facets.savedSearchChosen.connect(self.run_saved_search)
        self.coverage.cellChosen.connect(self.filter_from_coverage)
        self._restore_state()
        self.refresh_saved_searches()
        self.refresh_undo()
        self.search.request(immediate=True)
        keyboard.install(self)  # Tab order, F6 panes, announcements, short Undo/Redo labels
        self.search_box.setFocus()
        if ask_about_drafts:
            self.offer_drafts()

    # -- layout ----------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.facets = FacetPanel()
        self.search_box = QLineEdit()
        self.search_box.setObjectName("search")
        self.search_box.setPlaceholderText("Search case studies: words, \"phrases\", area:maternity …  (Ctrl+F)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setAccessibleName("Search case studies")
        self.search_box.setToolTip("Type to search as you go; Esc clears; Ctrl+Shift+S saves the search")
        self.search_box.textChanged.connect(lambda text: self.search.request(query=text))
        self.search_box.installEventFilter(self)
        self.suggestion = QLabel()  # a link Tab reaches and Enter follows; its name is its text
        self.suggestion.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByKeyboard
                                                | Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.suggestion.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.suggestion.linkActivated.connect(self.take_suggestion)
        self.suggestion.installEventFilter(self)  # Enter or Space on the focused link takes the suggestion
        self.suggestion.hide()
        self.count_label = QLabel("Loading…")  # no fixed accessible name: a screen reader reads the count itself
        self.count_label.setAccessibleDescription("Number of matching case studies")
        self.count_label.setWordWrap(True)  # a long filter description wraps instead of squeezing the filters
        self.count_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.results = ResultsView()
        self.results.selectionModel().currentRowChanged.connect(lambda *_: self.load_selected())
        self.results.doubleClicked.connect(lambda *_: self.edit_selected())
        self.results.activated.connect(lambda *_: self.edit_selected())
        self.results.customContextMenuRequested.connect(self.results_menu)
        self.preview = PreviewPane()
        self.preview.anchorClicked.connect(self.welcome_link)
        middle = QWidget()
        box = QVBoxLayout(middle)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.search_box)
        line = QHBoxLayout()
        line.addWidget(self.count_label, 1)
        line.addWidget(self.suggestion)
        box.addLayout(line)
        box.addWidget(self.results, 1)
        # filters | (results | preview); below screen.NARROW the preview goes under the results
        self.content_split = QSplitter(Qt.Orientation.Horizontal)
        self.content_split.addWidget(middle)
        self.content_split.addWidget(self.preview)
        self.content_split.setStretchFactor(0, 1)
        self.content_split.setChildrenCollapsible(False)
        self.content_split.setSizes([770, 340])
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.facets)
        self.splitter.addWidget(self.content_split)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(0, False)  # the filters pane never collapses (issue 10, point 15)
        self.splitter.setSizes([250, 1110])
        self.coverage = CoverageView(self.library, self.runner)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Views")
        self.tabs.addTab(self.splitter, "Case studies")
        self.tabs.addTab(self.coverage, "Coverage")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setCentralWidget(self.tabs)
        self.statusBar().showMessage(f"Library: {self.library.folder}"  # a read-only or full disk is said here
                                     + "".join(f". {w}" for w in getattr(self.library, "warnings", [])))

    def _menus(self) -> None:
        a = self.actions_
        bar = self.menuBar()
        file = bar.addMenu("&File")
        file.addActions([a["new_library"], a["open_library"]])
        self.recent_menu = file.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self.fill_recent)
        file.addSeparator()
        file.addActions([a["import"], a["export_json"]])
        file.addSeparator()
        file.addAction(a["quit"])
        edit = bar.addMenu("&Edit")
        edit.addActions([a["undo"], a["redo"]])
        edit.addSeparator()
        edit.addActions([a["new_record"], a["edit_record"], a["history"], a["delete"]])
        self.status_menu = bar.addMenu("&Status")
        self.status_menu.addActions([v for k, v in a.items() if k.startswith("status:")])
        search = bar.addMenu("Sea&rch")
        search.addActions([a["focus_search"], a["save_search"], a["clear_filters"]])
        view = bar.addMenu("&View")
        view.addActions([a["view_browse"], a["view_coverage"], a["refresh"]])
        tools = bar.addMenu("&Tools")
        tools.addAction(a["rebuild_index"])
        bar.addMenu("&Help").addAction(a["about"])
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.addActions([a["new_record"], a["edit_record"]])
        self.status_button = QToolButton()
        self.status_button.setText("Status ▾")
        self.status_button.setToolTip("Move the selected case study along the workflow (only allowed steps)")
        self.status_button.setAccessibleName("Change status")
        self.status_button.setMenu(self.status_menu)
        self.status_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        toolbar.addWidget(self.status_button)
        toolbar.addActions([a["delete"], a["history"]])
        toolbar.addSeparator()
        toolbar.addActions([a["undo"], a["redo"]])
        toolbar.addSeparator()
        toolbar.addActions([a["import"], a["view_coverage"]])
        for action in a.values():
            self.addAction(action)  # shortcuts work wherever the focus is
        self.connect_actions()
        self.update_record_actions()
        from .review_menu import install_review_menu  # review screens (issue 7)
        install_review_menu(self)  # review screens (issue 7)
        from .team_menu import install_team_menu  # team library (issue 17)
        self.team = install_team_menu(self)  # team library (issue 17)
        from .publish_menu import install_publish_menu  # publish, library management, help (issue 11)
        install_publish_menu(self)  # publish, library management, help (issue 11)

    # -- search ----------------------------------------------------------------------------------------
    def show_results(self, result: dict[str, Any]) -> None:
        keep = self.results.current_id()
        self.last_result = result
        self.results.results.set_result(result)
        self.facets.set_counts(result.get("facets") or {})
        total, shown = result.get("total", 0), len(result.get("hits", []))
        text = f"{total} case stud{'y' if total == 1 else 'ies'}"
        if shown < total:
            text += f" (showing the first {shown})"
        if self.facets.filters():
            text += f" · filtered by {self.facets.describe()}"
        if result.get("notice"):
            text += f" · {result['notice']}"
        if self.library_is_empty(result):
            text = "This library is empty: import case studies (Ctrl+I) or load the demo ones."
        self.count_label.setText(text)
        suggestion = result.get("suggestion")
        self.suggestion.setVisible(bool(suggestion))
        if suggestion:
            from html import escape

            self.suggestion.setText(f"Did you mean <a href='{escape(suggestion)}'>{escape(suggestion)}</a>?")
            self.suggestion.setAccessibleName(f"Did you mean {suggestion}?")
            self.suggestion.setProperty("suggested", suggestion)
        self.announcer.say(text + (f". Did you mean {suggestion}?" if suggestion else ""))
        if not self.results.select_id(keep):
            if self.results.results.rows:
                self.results.selectRow(0)  # the first hit, never a record the list no longer shows (10.2)
            elif self.library_is_empty(result):
                self.preview.show_welcome(self.library.folder)
                self.current_record = None
                self.update_record_actions()
            else:
                self.preview.show_empty("No case study matches. Clear the filters (Ctrl+Shift+L) or try other "
                                        "words.")
                self.current_record = None
                self.update_record_actions()
        self.loaded = True
        self.resultsShown.emit(result)

    def search_failed(self, err: BaseException) -> None:
        from ..errors import CuratorError

        if isinstance(err, CuratorError):
            self.count_label.setText(str(err))
        else:
            self.reporter.report(err, "Searching")

    def clear_search(self) -> None:
        self.search_box.clear()

    def take_suggestion(self, text: str) -> None:
        self.search_box.setText(text)
        self.search_box.setFocus()

    def library_is_empty(self, result: dict[str, Any]) -> bool:
        """No case study at all (not merely none matching): the window welcomes instead of 'clear the filters'."""
        return not result.get("total") and not self.search_box.text().strip() and not self.facets.filters() \
            and not self.library.count()

    def welcome_link(self, url: Any) -> None:
        """The welcome page's links: import files, or fill this empty library with the demo case studies."""
        if url.toString() == "curator:import":
            self.actions_["import"].trigger()
        elif url.toString() == "curator:demo" and not self.library.count():
            from ..demo import load_demo

            self.runner.write(load_demo, self.library)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Esc in the search box clears it (and Down moves into the results, for keyboard users)."""
        if watched is self.suggestion and event.type() == QEvent.Type.KeyPress and event.key() in (  # type: ignore[attr-defined]
                Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.take_suggestion(str(self.suggestion.property("suggested") or ""))
            return True
        if watched is self.search_box and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key == Qt.Key.Key_Escape and self.search_box.text():
                self.clear_search()
                return True
            if key == Qt.Key.Key_Down:
                self.results.setFocus()
                if not self.results.currentIndex().isValid() and self.results.results.rows:
                    self.results.selectRow(0)
                return True
        return super().eventFilter(watched, event)

    def refresh_saved_searches(self) -> None:
        service = search_service(self.library)
        self.facets.set_saved_searches(service.saved_searches() if service is not None else None)

    def run_saved_search(self, query: str) -> None:
        self.search_box.setText(query)
        self.search.request(immediate=True)

    def filter_from_coverage(self, filters: dict[str, list[str]]) -> None:
        self.tabs.setCurrentIndex(0)
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self.search.query = ""
        self.facets.set_filters(filters)

    # -- selection and preview -------------------------------------------------------------------------
    def load_selected(self, case_id: str | None = None) -> None:
        case_id = case_id or self.results.current_id()
        if case_id is None:
            return
        self.forget_record_unless(case_id)  # record actions wait for the newly selected record (10.2)
        self._record_serial += 1
        serial = self._record_serial
        self.runner.read(self.library.get, case_id, on_done=lambda record: self._record_loaded(record, serial),
                         on_error=lambda err: self.preview.show_empty(str(err)))

    def _record_loaded(self, record: dict[str, Any], serial: int) -> None:
        if serial != self._record_serial or record["id"] != self.results.current_id():
            return  # the selection moved on, or a newer read of it was asked for, while this one ran
        self.current_record = record
        self.preview.show_record(record)
        self.update_record_actions()
        self.recordShown.emit(record["id"])

    def on_changes(self, changes: Changes) -> None:
        self.search.request()
        self.refresh_undo()
        self.coverage.stale = True
        if self.tabs.currentWidget() is self.coverage:
            self.coverage.refresh()
        shown = self.current_record["id"] if self.current_record else None
        if shown and (changes.everything or shown in changes.ids or shown in changes.removed):
            if shown in changes.removed:
                self.current_record = None
                self.preview.show_empty("That case study was moved to the trash (Ctrl+Z brings it back).")
                self.update_record_actions()
            else:
                self.load_selected(shown)
        self.statusBar().showMessage(changes.label, 8000)

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.coverage and self.coverage.stale:
            self.coverage.refresh()

    # -- drag and drop ---------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if dropped_paths(event.mimeData()) or returned_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = dropped_paths(event.mimeData())
        returned = returned_paths(event.mimeData())  # returned reviews go to the merge screen (issue 11)
        if paths or returned:
            event.acceptProposedAction()
        if returned:
            merge_dropped(self, returned)
        if paths:
            self.import_paths(paths)

    # -- state -----------------------------------------------------------------------------------------
    def _restore_state(self) -> None:
        geometry = self.settings.state("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
            screen.keep_on_screen(self)  # remembered on a larger screen: shrink to this one
        else:
            screen.fit(self, 1360, 820)
        for key, widget in (("window/state", self), ("window/splitter", self.splitter),
                            ("window/content", self.content_split)):
            state = self.settings.state(key)
            if state is not None:
                widget.restoreState(state)
        self.fit_panes()

    def fit_panes(self) -> None:
        """Below ``screen.NARROW`` logical px the preview sits under the results, so the filters keep their width."""
        narrow = self.width() < screen.NARROW
        wanted = Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal
        if self.content_split.orientation() != wanted:
            self.content_split.setOrientation(wanted)
            total = self.content_split.height() if narrow else self.content_split.width()
            self.content_split.setSizes([max(1, total * 3 // 5), max(1, total * 2 // 5)])

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        screen.keep_on_screen(self)  # now the frame (title bar) is known too

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.fit_panes()

    def save_state(self) -> None:
        self.settings.set_state("window/geometry", self.saveGeometry())
        self.settings.set_state("window/state", self.saveState())
        self.settings.set_state("window/splitter", self.splitter.saveState())
        self.settings.set_state("window/content", self.content_split.saveState())
        self.settings.remember_library(self.library.folder)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        for editor in list(self.editors.values()):
            if editor.isVisible() and not editor.close():
                event.ignore()
                return
        self.save_state()
        if self._listener in self.library.listeners:
            self.library.listeners.remove(self._listener)
        self.search.stop()
        self.runner.shutdown()
        event.accept()

    def context_status_menu(self) -> QMenu:
        return self.status_menu
