"""Application start-up: arguments, the library, the main window, and the screenshot mode for docs and CI."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QTableWidget, QTableWidgetItem

from ..errors import CuratorError
from ..library import Library


class MainWindow(QMainWindow):
    """Minimal window: the library's case studies in a table (the full UI is built on this)."""

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.setWindowTitle(f"Curator — {library.folder}")
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels(["Title", "ICS", "Status", "Updated"])
        self.setCentralWidget(self.table)
        self.resize(1100, 700)
        self.reload()

    def reload(self) -> None:
        items = self.library.list_records()["items"]
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            for col, key in enumerate(("title", "ics", "status", "updated")):
                self.table.setItem(row, col, QTableWidgetItem(str(item.get(key) or "")))
        self.table.resizeColumnsToContents()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="curator-app")
    parser.add_argument("--library", metavar="DIR")
    parser.add_argument("--screenshot", metavar="OUT.png")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    try:
        library = Library.open(args.library)
    except CuratorError as err:
        QMessageBox.critical(None, "Curator", f"Cannot open the library.\n\n{err}")
        return 2
    window = MainWindow(library)
    window.show()
    if args.screenshot:
        def shoot() -> None:
            window.grab().save(args.screenshot, "PNG")
            app.quit()
        QTimer.singleShot(300, shoot)
    code = app.exec()
    library.close()
    return code
