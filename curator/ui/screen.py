"""Window sizes from the screen the window is on: never larger than its available area, so a 1366×768 laptop
or a 1920×1080 screen at 200% (960×540 logical) shows every window whole, with its buttons.

``NARROW`` is the width below which the main window stacks the preview under the results.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

NARROW = 1200  # logical px


def available(widget: QWidget | None = None) -> QRect:
    """The available geometry of the widget's screen (the primary screen before it is shown)."""
    screen = widget.screen() if widget is not None and widget.screen() is not None else \
        QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 768)


def fit(widget: QWidget, width: int, height: int, *, share: float = 0.95) -> None:
    """Resize to the preferred size, or to ``share`` of the screen when that is smaller, and keep the window
    on the screen. Minimum sizes larger than the screen are lowered, so the window can always fit."""
    area = available(widget)
    w = min(width, int(area.width() * share))
    h = min(height, int(area.height() * share))
    minimum = widget.minimumSize()
    if minimum.width() > area.width() or minimum.height() > area.height():
        widget.setMinimumSize(min(minimum.width(), area.width()), min(minimum.height(), area.height()))
    widget.resize(w, h)
    keep_on_screen(widget)


def keep_on_screen(widget: QWidget) -> None:
    """Shrink and move a window (e.g. restored from another, larger screen) until it lies inside the screen."""
    area = available(widget)
    geometry = widget.frameGeometry() if widget.isVisible() else widget.geometry()
    w, h = min(geometry.width(), area.width()), min(geometry.height(), area.height())
    if (w, h) != (geometry.width(), geometry.height()):
        widget.resize(w - (geometry.width() - widget.width()) if widget.isVisible() else w,
                      h - (geometry.height() - widget.height()) if widget.isVisible() else h)
    x = min(max(geometry.x(), area.x()), area.right() - w + 1)
    y = min(max(geometry.y(), area.y()), area.bottom() - h + 1)
    if (x, y) != (geometry.x(), geometry.y()):
        widget.move(x, y)


def centre(widget: QWidget) -> None:
    area = available(widget)
    widget.move(area.x() + (area.width() - widget.width()) // 2, area.y() + (area.height() - widget.height()) // 2)
