"""Help → User guide (F1): the offline guide shipped in ``resources/help/``, shown in the app (no browser, no
network), with the table of this window's actual shortcuts filled in so it never goes out of date."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from ..resources import resource
from .publish_common import fit_to_screen

PLACEHOLDER = "<!-- shortcuts: the app puts the table of this window's shortcuts here -->"


def help_file() -> Path:
    return resource("help", "index.html")


def shortcuts_table(actions: list[QAction]) -> str:
    rows = []
    seen = set()
    for action in actions:
        keys = " or ".join(s.toString() for s in action.shortcuts())
        text = action.text().replace("&", "").rstrip("…").strip()
        if keys and text and (text, keys) not in seen:
            seen.add((text, keys))
            rows.append(f"<tr><td>{html.escape(text)}</td><td><code>{html.escape(keys)}</code></td></tr>")
    if not rows:
        return ""
    return ("<table border='1' cellpadding='4' cellspacing='0'><tr><th>Action</th><th>Keys</th></tr>"
            + "".join(rows) + "</table>")


def guide_html(actions: list[QAction] | None = None) -> str:
    text = help_file().read_text(encoding="utf-8")
    return text.replace(PLACEHOLDER, shortcuts_table(actions or []))


class HelpDialog(QDialog):
    def __init__(self, actions: list[QAction] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Curator user guide")
        self.setAccessibleName("Curator user guide")
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("User guide")
        self.browser.setOpenLinks(False)  # nothing leaves the laptop: only in-page links are followed
        self.browser.setSearchPaths([str(help_file().parent)])
        self.browser.setHtml(guide_html(actions))
        self.browser.anchorClicked.connect(self._anchor)
        close = QPushButton("&Close")
        close.setAccessibleName("Close")
        close.clicked.connect(self.close)
        top = QPushButton("Con&tents")
        top.setAccessibleName("Back to the contents")
        top.clicked.connect(lambda: self.browser.scrollToAnchor("start") or self.browser.verticalScrollBar()
                            .setValue(0))
        buttons = QHBoxLayout()
        buttons.addWidget(top)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 820, 680)

    def _anchor(self, url: QUrl) -> None:
        if url.hasFragment() and not url.host():
            self.browser.scrollToAnchor(url.fragment())
