"""Run in a subprocess on an offscreen screen of a given size (``QT_QPA_PLATFORM=offscreen:configfile=…``):
open every window the app has, and print as JSON whether each fits the screen and shows its primary buttons.

Used by ``test_small_screens.py``; a subprocess because the screen is fixed when the QApplication starts.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

ROOT = Path(__file__).resolve().parents[2]
SHOTS = sys.argv[1] if len(sys.argv) > 1 else ""  # a folder: also save a picture of each window there
sys.path.insert(0, str(ROOT))

from curator.library import Library  # noqa: E402
from curator.ui.main_window import MainWindow  # noqa: E402
from curator.ui.settings import Settings, ini_settings  # noqa: E402


def wait(app: QApplication, until, rounds: int = 400) -> None:
    import time

    for _ in range(rounds):
        app.processEvents()
        if until():
            return
        time.sleep(0.02)


def shown_whole(window: QWidget, button: QWidget) -> bool:
    """The button is visible, not clipped by a scroll area, and inside the window."""
    if not button.isVisible():
        return False
    region = button.visibleRegion().boundingRect()
    if region.width() < button.width() - 1 or region.height() < button.height() - 1:
        return False
    top_left = button.mapTo(window, button.rect().topLeft())
    return window.rect().contains(QRect(top_left, button.size()))


def report(window: QWidget, buttons: dict[str, QWidget], area: QRect) -> dict:
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / f"{type(window).__name__}.png"))
    frame = window.frameGeometry()
    return {"size": [window.width(), window.height()], "fits": area.contains(frame),
            "buttons": {name: shown_whole(window, b) for name, b in buttons.items()}}


def main() -> None:
    app = QApplication(sys.argv[:1])
    area = app.primaryScreen().availableGeometry()
    out: dict = {"screen": [area.width(), area.height()]}
    with tempfile.TemporaryDirectory() as tmp:
        from tests.reviewui.conftest import make_round

        library = Library.open(Path(tmp) / "lib")
        rnd = make_round(library)
        main_window = MainWindow(library, Settings(ini_settings(Path(tmp) / "s.ini")), ask_about_drafts=False)
        main_window.show()
        wait(app, lambda: main_window.loaded)
        out["main"] = report(main_window, {"search": main_window.search_box, "results": main_window.results,
                                           "preview": main_window.preview, "filters": main_window.facets.tree},
                             area)
        out["main"]["stacked"] = main_window.content_split.orientation().name == "Vertical"
        out["main"]["filters_width"] = main_window.facets.width()

        editor = main_window.open_editor(None)
        wait(app, lambda: editor.isVisible())
        out["editor"] = report(editor, {"save": editor.save_button,
                                        "cancel": next(b for b in editor.findChildren(QAbstractButton)
                                                       if b.text().replace("&", "") == "Cancel")}, area)
        editor._closing_ok = True
        editor.close()

        record = library.get(library.list_records(limit=1)["items"][0]["id"])
        submission = Path(tmp) / "resubmitted.json"
        submission.write_text(json.dumps([{"title": record["title"], "organisation": record.get("organisation"),
                                           "ics": record.get("ics")}, {"title": "", "year": "soon"}]))
        from curator.progress import CancelToken
        from curator.ui.commands import import_job

        main_window.show_import_report(import_job(library, [submission], lambda *a: None, CancelToken()))
        dialog = main_window.import_dialog
        wait(app, lambda: dialog.isVisible())
        out["import"] = report(dialog, {b.text().replace("&", ""): b for b in dialog.findChildren(QAbstractButton)
                                        if b.isVisibleTo(dialog) and b.text()}, area)
        dialog.close()

        from curator.ui.review_chair import ChairWindow, DecisionDialog
        from curator.ui.review_scoring import ScoringWindow
        from curator.ui.review_sources import LibrarySource

        scoring = ScoringWindow(LibrarySource(library), reviewer=rnd.panel["asha"].id)
        scoring.show()
        wait(app, lambda: bool(scoring.rows) and bool(scoring.text.toPlainText()))
        wait(app, lambda: False, rounds=20)  # let the new rows lay out
        out["scoring"] = report(scoring, {"submit": scoring.submit_button, "draft": scoring.draft_button}, area)
        scoring.dirty = False
        scoring.close()
        chair = ChairWindow(library)
        chair.show()
        wait(app, lambda: chair.isVisible() and chair.progress.rowCount() > 0)
        wait(app, lambda: False, rounds=20)  # let the fitted progress table lay out
        out["chair"] = report(chair, {"decide": chair.decide_button}, area)
        table = chair.progress
        out["chair"]["reviewers_out_of_sight"] = [  # rows not wholly inside the progress table's viewport
            table.item(r, 0).text() for r in range(table.rowCount())
            if table.rowViewportPosition(r) + table.rowHeight(r) > table.viewport().height()]
        chair.close()
        decision = DecisionDialog({"id": record["id"], "title": record["title"], "status": "in_review"})
        decision.show()
        wait(app, lambda: decision.isVisible())
        out["decision"] = report(decision, {"record": decision.record_button}, area)
        decision.close()
        main_window.close()
        library.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
