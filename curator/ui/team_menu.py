"""The team library in the window: File → Connect to team library…, Sync (also on the toolbar once linked),
Team conflicts…, Team library status…, and automatic sync.

Every call goes through ``curator.team.sync`` (the CLI's calls) on the window's write worker, so a sync never
blocks the window and never runs beside a save. Automatic sync runs every few minutes while the library is
linked; offline, it says so in the status bar and tries again later, without dialogs.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QToolBar,
    QVBoxLayout,
)

from .. import merge
from ..errors import CuratorError
from ..model import FIELD_LABELS
from ..team import sync
from . import screen
from .merge_view import MergeView
from .timefmt import local_time

AUTO_SYNC_MS = 5 * 60 * 1000


class ConnectDialog(QDialog):
    """The address and (optionally) the password; the password goes to the OS keyring, never to a file."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to team library")
        self.address = QLineEdit()
        self.address.setPlaceholderText("postgresql://your-name@server/database")
        self.address.setAccessibleName("Team database address")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        form = QFormLayout()
        form.addRow("&Address:", self.address)
        form.addRow("&Password:", self.password)
        note = QLabel("The address is kept with this library; the password in this computer's password store, "
                      "never in a file. Everything keeps working offline and syncs when the server is reachable.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Connect")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.address.setFocus()

    def url(self) -> str:
        url = self.address.text().strip()
        secret = self.password.text()
        if secret and "://" in url and "@" in url.split("://", 1)[1]:
            scheme, rest = url.split("://", 1)
            user, host = rest.split("@", 1)
            from urllib.parse import quote

            url = f"{scheme}://{user.split(':')[0]}:{quote(secret, safe='')}@{host}"
        return url


class ConflictsDialog(QDialog):
    """Each conflicting case study in the same field-by-field merge view as a near-duplicate import (yours |
    your colleague's | use | result); Resolve saves the result here, and the next sync sends it."""

    WHOLE = "(the case study)"  # a delete against an edit: one choice for the whole case study

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("Team conflicts")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.cases = QListWidget()
        self.cases.setAccessibleName("Case studies in conflict")
        self.view = MergeView("Yours", "Your colleague's", field_labels=dict(FIELD_LABELS))
        self.view.table.setTabKeyNavigation(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.resolve_button = buttons.addButton("&Resolve", QDialogButtonBox.ButtonRole.ApplyRole)
        self.resolve_button.clicked.connect(self.resolve)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Changed here and by a colleague since you last synced. Choose what to use for "
                                "each field; both versions stay in the history."))
        layout.addWidget(self.cases)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.cases.currentItemChanged.connect(lambda *_: self.show_case())
        self.items: list[dict[str, Any]] = []
        self.reload()

    def reload(self) -> None:
        self.items = sync.conflicts(self.window_.library)
        self.cases.clear()
        for item in self.items:
            kind = {"fields": "", "deleted_theirs": " (deleted by a colleague)",
                    "deleted_mine": " (you deleted it; a colleague edited it)"}[item["kind"]]
            QListWidgetItem(f"{item['title']}{kind}", self.cases)
        self.message.setText("" if self.items else "No conflicts: everything is in step.")
        self.resolve_button.setEnabled(bool(self.items))
        if self.items:
            self.cases.setCurrentRow(0)
        else:
            self.view.set_records({}, {})

    def current(self) -> dict[str, Any] | None:
        row = self.cases.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def show_case(self) -> None:
        item = self.current()
        if item is None:
            return
        if item["fields"]:
            names = [f["field"] for f in item["fields"]]
            mine = {f["field"]: f["mine"] for f in item["fields"]}
            theirs = {f["field"]: f["theirs"] for f in item["fields"]}
        else:
            names = [self.WHOLE]
            mine = {self.WHOLE: "deleted" if item["kind"] == "deleted_mine" else "edited"}
            theirs = {self.WHOLE: "deleted" if item["kind"] == "deleted_theirs" else "edited"}
        self.view.set_records(mine, theirs, fields=names, keep_mine=tuple(names))  # yours until you choose

    def resolve(self) -> None:
        item = self.current()
        if item is None:
            return
        if item["fields"]:
            chosen = self.view.result()
            job = (sync.resolve, self.window_.library, item["id"], None,
                   {f["field"]: chosen.get(f["field"]) for f in item["fields"]})
        else:
            take = "mine" if self.view.choice_for(self.WHOLE) == merge.MINE else "theirs"
            job = (sync.resolve, self.window_.library, item["id"], take, None)
        self.window_.runner.write(*job, on_done=lambda _r: self.reload(), on_error=self._refused)

    def _refused(self, err: BaseException) -> None:
        if isinstance(err, CuratorError):
            self.message.setText(str(err))
        else:
            self.window_.runner.on_error(err)


def breakable(text: str) -> str:
    """An address that can wrap after / ? & (a zero-width space), so a long one is never cut off."""
    for mark in "/?&":
        text = text.replace(mark, mark + "\u200b")
    return text


class StatusDialog(QDialog):
    """``team status`` in the window: the link, this person's role, what is waiting each way, conflicts, and what
    the last sync had to say (an edition renumbered, a saved search renamed). Asked on a worker: reaching the
    server may take seconds, and offline it says so."""

    def __init__(self, window: Any, team: TeamSync) -> None:
        super().__init__(window)
        self.window_ = window
        self.team = team
        self.setWindowTitle("Team library status")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        for key, label in (("url", "Team database"), ("role", "Your role"), ("last_sync", "Last sync"),
                           ("to_push", "Changes to send"), ("to_pull", "Changes to receive"),
                           ("conflicts", "Conflicts"), ("notes", "Last sync said")):
            value = QLabel("…")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                          | Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            value.setAccessibleName(label)
            self.fields[key] = value
            self.form.addRow(f"{label}:", value)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.sync_button = buttons.addButton("&Sync now", QDialogButtonBox.ButtonRole.ActionRole)
        self.sync_button.clicked.connect(self._sync)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(buttons)
        chars = self.fontMetrics().averageCharWidth()
        screen.fit(self, chars * 80, self.sizeHint().height() + chars * 12)
        self.reload()

    def reload(self) -> None:
        self.window_.runner.write(sync.status, self.window_.library, on_done=self.show_status,
                                  on_error=self._failed)

    def show_status(self, status: dict[str, Any]) -> None:
        role = {"lead": "Lead (sends and receives everything)",
                "reviewer": "Reviewer (sends your own scores; receives what is assigned to you)",
                "read": "Read only (receives everything, sends nothing)"}.get(status.get("role", ""), "")
        waiting = status["to_push"]
        self.fields["url"].setText(breakable(status["url"]))
        self.fields["role"].setText(role or "Not known while offline")
        self.fields["last_sync"].setText(local_time(status["last_sync"], default="never"))
        self.fields["to_push"].setText(str(waiting) + (" (kept here: your role cannot send case studies)"
                                                       if waiting and status.get("role") in ("reviewer", "read")
                                                       else ""))
        self.fields["to_pull"].setText(str(status["to_pull"]) if status["online"] else
                                       f"not known: offline ({status.get('offline_reason', 'unreachable')})")
        self.fields["conflicts"].setText(str(status["conflicts"]) + (" (File → Team conflicts…)"
                                                                     if status["conflicts"] else ""))
        notes = (self.team.last or {}).get("notes") or []
        self.fields["notes"].setText("\n".join(notes) if notes else "nothing to report")

    def _sync(self) -> None:
        self.team.sync(manual=True, then=self.reload)

    def _failed(self, err: BaseException) -> None:
        if isinstance(err, CuratorError):
            self.fields["url"].setText(str(err))
        else:
            self.window_.runner.on_error(err)


class TeamSync:
    """The actions and the automatic sync of one main window (owned by it)."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.running = False
        self.last: dict[str, Any] | None = None
        self.actions: dict[str, QAction] = {}
        for name, text, key, tip, slot in (
            ("team_connect", "Connect to &team library…", "", "Share this library with your team through a "
             "PostgreSQL database", self.connect),
            ("team_sync", "S&ync with team library", "Ctrl+Alt+Y", "Receive everyone's changes and send yours",
             lambda: self.sync(manual=True)),
            ("team_conflicts", "Team con&flicts…", "", "Case studies changed here and by someone else",
             self.show_conflicts),
            ("team_status", "Team library st&atus…", "", "Your role, the last sync, and what is waiting each way",
             self.show_status),
        ):
            action = QAction(text, window)
            action.setObjectName(name)
            if key:
                action.setShortcut(QKeySequence(key))
            action.setToolTip(tip)
            action.setStatusTip(tip)
            action.triggered.connect(slot)
            self.actions[name] = action
            window.addAction(action)
        # the toolbar's Sync button: its own action, so hiding it (not linked) leaves the menu item alone
        self.toolbar_sync = QAction("Sync", window)
        self.toolbar_sync.setObjectName("team_sync_toolbar")
        self.toolbar_sync.setToolTip("Sync with the team library (Ctrl+Alt+Y)")
        self.toolbar_sync.triggered.connect(lambda: self.sync(manual=True))
        toolbar = window.findChild(QToolBar, "main-toolbar")
        if toolbar is not None:
            toolbar.addSeparator()
            toolbar.addAction(self.toolbar_sync)
        self.timer = QTimer(window)
        self.timer.setInterval(AUTO_SYNC_MS)
        self.timer.timeout.connect(lambda: self.sync(manual=False))
        self.then: list[Any] = []
        self.refresh()

    def refresh(self) -> None:
        linked = sync.linked(self.window.library) is not None
        for name in ("team_sync", "team_conflicts", "team_status"):
            self.actions[name].setEnabled(linked)
        self.toolbar_sync.setVisible(linked)
        if linked and not self.timer.isActive():
            self.timer.start()

    def connect(self) -> None:
        dialog = ConnectDialog(self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.address.text().strip():
            return

        def done(result: dict[str, Any]) -> None:
            self.refresh()
            self.window.statusBar().showMessage(f"Linked to {result['url']}; syncing…", 8000)
            self.sync(manual=True)

        self.window.runner.write(sync.connect, self.window.library, dialog.url(), on_done=done,
                                 on_error=lambda err: self._failed(err, manual=True))

    def sync(self, *, manual: bool, then: Any = None) -> None:
        if then is not None:
            self.then.append(then)
        if self.running or sync.linked(self.window.library) is None:
            return
        self.running = True
        self.toolbar_sync.setEnabled(False)
        self.window.statusBar().showMessage("Syncing with the team library…")
        self.window.runner.write(sync.sync, self.window.library,
                                 on_done=lambda report: self._synced(report, manual=manual),
                                 on_error=lambda err: self._failed(err, manual=manual))

    def _finished(self) -> None:
        self.running = False
        self.toolbar_sync.setEnabled(True)
        then, self.then = self.then, []
        for call in then:
            call()

    def _synced(self, report: sync.SyncReport, *, manual: bool = True) -> None:
        self.last = report.as_json()
        text = f"Team library: received {report.pulled}, sent {report.pushed}"
        if report.editions_pulled or report.editions_pushed:
            text += f"; guide editions received {report.editions_pulled}, sent {report.editions_pushed}"
        if report.held_back:
            text += f"; {report.held_back} change(s) kept here (your role cannot send them)"
        if report.conflicts:
            text += f"; {len(report.conflicts)} conflict(s) to resolve (File → Team conflicts…)"
        if report.notes:
            text += "; see File → Team library status…"
        self.window.statusBar().showMessage(text, 15000)
        if report.rows_pulled or report.notes:
            self.window.refresh_saved_searches()  # shared saved searches arrive as rows
        if report.notes and manual:
            box = QMessageBox(QMessageBox.Icon.Information, "Team library", "\n\n".join(report.notes),
                              QMessageBox.StandardButton.Ok, self.window)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            self.notes_box = box
        self._finished()

    def _failed(self, err: BaseException, *, manual: bool) -> None:
        self._finished()
        if not isinstance(err, CuratorError):
            self.window.runner.on_error(err)
            return
        self.window.statusBar().showMessage(f"Team library not synced: {err}", 15000)
        if manual:
            QMessageBox.warning(self.window, "Team library", str(err))

    def show_status(self) -> StatusDialog:
        dialog = StatusDialog(self.window, self)
        dialog.show()
        return dialog

    def show_conflicts(self) -> ConflictsDialog:
        dialog = ConflictsDialog(self.window)
        dialog.show()
        return dialog


def install_team_menu(window: Any) -> TeamSync:
    """Put the team actions in the File menu (before Quit) and start automatic sync when linked."""
    team = TeamSync(window)
    file_menu = window.menuBar().actions()[0].menu()
    quit_action = file_menu.actions()[-1]
    file_menu.insertActions(quit_action, list(team.actions.values()))
    file_menu.insertSeparator(quit_action)
    return team
