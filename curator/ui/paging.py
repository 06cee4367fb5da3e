"""Results a page at a time: scrolling near the end of the list asks the search controller for the next page.

The search box shows the first ``queries.PAGE`` rows of an answer (the as-you-type path); the rest arrive as the
user scrolls, appended without resetting the list, so the selection and scroll position stay put.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QTimer

NEAR_END = 3  # rows from the end of the list at which the next page is asked for


def append_page(model: Any, result: dict[str, Any]) -> None:
    """Append one page of hits (joined with their row details) to the results model."""
    details = result.get("details") or {}
    rows = []
    for hit in result.get("hits", []):
        row = dict(details.get(hit["id"]) or {"id": hit["id"], "title": hit.get("title", "")})
        row["snippet"] = hit.get("snippet") or ""
        rows.append(row)
    known = {r.get("id") for r in model.rows}
    rows = [r for r in rows if r.get("id") not in known]
    if not rows:
        return
    first = len(model.rows)
    model.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
    model.rows.extend(rows)
    model.endInsertRows()


def count_text(total: int, shown: int) -> str:
    text = f"{total} case stud{'y' if total == 1 else 'ies'}"
    return text + (f" (showing the first {shown})" if shown < total else "")


def install_paging(window: Any) -> None:
    """Wire the window's results list to ``SearchController.more``: the next page when scrolled near the end."""
    view, controller = window.results, window.search
    model = view.results

    def near_end(*_: Any) -> None:
        bar = view.verticalScrollBar()
        last = view.rowAt(view.viewport().height() - 1)
        if bar.value() >= bar.maximum() or last < 0 or last >= len(model.rows) - NEAR_END:
            controller.more()

    def appended(result: dict[str, Any]) -> None:
        append_page(model, result)
        label = window.count_label.text()
        head = count_text(controller.total, len(model.rows))
        tail = label.split(" · ", 1)[1] if " · " in label else ""
        window.count_label.setText(head + (f" · {tail}" if tail else ""))
        QTimer.singleShot(0, near_end)  # a tall window may still have room for another page

    view.verticalScrollBar().valueChanged.connect(near_end)
    controller.more_results.connect(appended)
    window.resultsShown.connect(lambda *_: QTimer.singleShot(0, near_end))
