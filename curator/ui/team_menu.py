"""The team library in the window: File → Connect to team library…, Sync, Team conflicts…, automatic sync.

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
    QVBoxLayout,
)

from .. import merge
from ..errors import CuratorError
from ..model import FIELD_LABELS
from ..team import sync
from .merge_view import MergeView

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
        self.timer = QTimer(window)
        self.timer.setInterval(AUTO_SYNC_MS)
        self.timer.timeout.connect(lambda: self.sync(manual=False))
        self.refresh()

    def refresh(self) -> None:
        linked = sync.linked(self.window.library) is not None
        self.actions["team_sync"].setEnabled(linked)
        self.actions["team_conflicts"].setEnabled(linked)
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

    def sync(self, *, manual: bool) -> None:
        if self.running or sync.linked(self.window.library) is None:
            return
        self.running = True
        self.window.statusBar().showMessage("Syncing with the team library…")
        self.window.runner.write(sync.sync, self.window.library, on_done=self._synced,
                                 on_error=lambda err: self._failed(err, manual=manual))

    def _synced(self, report: sync.SyncReport) -> None:
        self.running = False
        self.last = report.as_json()
        text = f"Team library: received {report.pulled}, sent {report.pushed}"
        if report.conflicts:
            text += f"; {len(report.conflicts)} conflict(s) to resolve (File → Team conflicts…)"
        self.window.statusBar().showMessage(text, 15000)

    def _failed(self, err: BaseException, *, manual: bool) -> None:
        self.running = False
        if not isinstance(err, CuratorError):
            self.window.runner.on_error(err)
            return
        self.window.statusBar().showMessage(f"Team library not synced: {err}", 15000)
        if manual:
            QMessageBox.warning(self.window, "Team library", str(err))

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
