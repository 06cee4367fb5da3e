"""Every colour the app paints, the pairs it paints them in, and the one focus ring, in one place.

WCAG 2.2 AA asks for 4.5:1 between text and its background and 3:1 for focus indicators and meaningful
non-text (input borders, the selection). ``PAIRS`` lists each foreground/background pair the app draws, so
``tests/ui/test_contrast.py`` can compute every ratio; a colour literal anywhere else in ``curator/ui`` must be
one of ``COLOURS`` (the test checks that too). The focus ring is the scoring window's: 2 px NHS Blue, on
every focusable control; on a blue selection the ring is white so it stays visible.
"""

from __future__ import annotations

from typing import Any

# -- the colours ---------------------------------------------------------------------------------------
BLUE = "#005EB8"  # NHS Blue: focus ring, selection, headings, links
DARK_BLUE = "#003087"  # the busiest heat-map cells
WHITE = "#FFFFFF"  # text on blue; the ring on a blue selection
TEXT = "#212B32"  # NHS text black
BLACK = "#000000"  # the platform's default text
SECONDARY = "#4C6272"  # meta lines, zero counts, placeholders, hints
BORDER = "#68717A"  # input and button borders (non-text, ≥ 3:1 on every background below)
WINDOW = "#EFEFEF"  # the Fusion window background (dialogs, labels sit on it)
BASE = "#FFFFFF"  # fields and lists
ALT_BASE = "#F7F7F7"  # alternate rows
ERROR = "#8A1538"  # validation messages and the outline of a field in error
HEAT_1 = "#DCE9F7"  # coverage: a few case studies
HEAT_2 = "#9FC3EA"
HEAT_3 = BLUE
HEAT_4 = DARK_BLUE  # the most
GAP_BG = "#FBE0D5"  # coverage: an ICS × area with none (a gap in the guide)
GAP_TEXT = "#7A3B27"
REGION_BG = "#E8EDEE"  # coverage: region rows
REGION_GAP_BG = "#E8CFC5"  # coverage: a region with none in an area
FOCUS_BG = "#E8F1FA"  # scoring: the focused criterion's fill
HIGHLIGHT = "#FFF1C2"  # chair: a flagged row (with a symbol and a word, never colour alone)
DIFF = "#FFF4C2"  # import report: a value that differs from the library's
ASSIGN_HELD = "#DCE9F5"  # assignment table: already assigned (with "● assigned", never colour alone)
ASSIGN_NEW = "#D5F0DD"  # assignment table: proposed ("✓ proposed")
ASSIGN_REMOVE = "#F8D7DA"  # assignment table: to be removed ("✕ to remove")

COLOURS = {name: value for name, value in globals().items() if name.isupper() and isinstance(value, str)
           and value.startswith("#")}

#: (foreground, background, what it is, "text" (≥ 4.5:1) or "non-text" (≥ 3:1))
PAIRS: list[tuple[str, str, str, str]] = [
    *[(fg, bg, f"text on {name}", "text") for name, bg in
      (("fields", BASE), ("window", WINDOW), ("alternate rows", ALT_BASE), ("region rows", REGION_BG),
       ("focused criterion", FOCUS_BG), ("flagged rows", HIGHLIGHT), ("changed values", DIFF),
       ("gap cells", GAP_BG), ("region gap cells", REGION_GAP_BG), ("light heat cells", HEAT_1),
       ("mid heat cells", HEAT_2), ("assigned cells", ASSIGN_HELD), ("proposed cells", ASSIGN_NEW),
       ("cells to remove", ASSIGN_REMOVE)) for fg in (TEXT, BLACK)],
    *[(SECONDARY, bg, "secondary text, zero counts, placeholder", "text")
      for bg in (BASE, WINDOW, ALT_BASE, REGION_BG, FOCUS_BG, HIGHLIGHT)],
    (WHITE, BLUE, "selected row text", "text"),
    (WHITE, HEAT_3, "busy heat cells", "text"),
    (WHITE, HEAT_4, "busiest heat cells", "text"),
    (GAP_TEXT, GAP_BG, "coverage gap '–'", "text"),
    (GAP_TEXT, REGION_GAP_BG, "coverage region gap '–'", "text"),
    (BLUE, BASE, "headings and links in the preview", "text"),
    (BLUE, WINDOW, "selected tab, links on labels", "text"),
    (BLUE, FOCUS_BG, "links on the focused criterion", "text"),
    (ERROR, WINDOW, "validation messages", "text"),
    (ERROR, BASE, "validation messages on a page", "text"),
    (BLUE, BASE, "focus ring on a field", "non-text"),
    (BLUE, WINDOW, "focus ring on a button or tab", "non-text"),
    (BLUE, ALT_BASE, "focus ring on an alternate row", "non-text"),
    (WHITE, BLUE, "focus ring on a selected row", "non-text"),
    (BLUE, BASE, "selection against the list", "non-text"),
    (BLUE, ALT_BASE, "selection against alternate rows", "non-text"),
    (ERROR, BASE, "outline of a field in error", "non-text"),
    (ERROR, WINDOW, "marker of a tab in error", "non-text"),
    *[(BORDER, bg, "input and button borders", "non-text") for bg in (BASE, WINDOW, ALT_BASE)],
]

ITEM_VIEWS = ("QTreeView", "QListView", "QTableView#results")
FOCUSABLE = ("QLineEdit", "QPlainTextEdit", "QTextEdit", "QTextBrowser", "QComboBox", "QAbstractItemView",
             "QSpinBox", "QAbstractScrollArea")


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance of '#RRGGBB'."""
    hex_ = colour.lstrip("#")
    r, g, b = (_linear(int(hex_[i:i + 2], 16) / 255) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio (1 to 21) of two colours."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def heat(n: int, top: int) -> tuple[str, str]:
    """Background and text colour of a coverage cell holding ``n`` of at most ``top``: four steps, each with
    the text colour that passes 4.5:1 on it (a smooth ramp has middle shades neither white nor black pass)."""
    share = n / top if top else 0
    if share <= 0.25:
        return HEAT_1, TEXT
    if share <= 0.5:
        return HEAT_2, TEXT
    if share <= 0.75:
        return HEAT_3, WHITE
    return HEAT_4, WHITE


def stylesheet() -> str:
    """The app-wide style: visible borders on inputs, the one focus ring, the selection colours. Border plus
    padding is the same focused or not, so a list's viewport never covers half the ring. Column headings get
    room above and below (Fusion leaves 2 px, so they looked clipped at the top); their widths are unchanged."""
    fields = ", ".join(FOCUSABLE)
    focused = ", ".join(f"{w}:focus" for w in FOCUSABLE)
    # Item rules only where no model paints its own cell backgrounds: a ::item rule makes Qt ignore them
    # (the coverage heat-map and the chair's flagged rows); those tables show the current cell by selection.
    items = ", ".join(f"{v}::item" for v in ITEM_VIEWS)
    item_focus, item_selected = items.replace("::item", "::item:focus"), items.replace("::item", "::item:selected")
    item_selected_focus = items.replace("::item", "::item:selected:focus")
    return f"""
{fields} {{ border: 1px solid {BORDER}; border-radius: 2px; padding: 1px; }}
{focused} {{ border: 2px solid {BLUE}; padding: 0px; }}
QLineEdit, QComboBox {{ padding: 2px; }}
QLineEdit:focus, QComboBox:focus {{ padding: 1px; }}
QPushButton, QToolButton {{ border: 1px solid {BORDER}; border-radius: 3px; padding: 3px 10px;
    background: {ALT_BASE}; color: {TEXT}; }}
QToolBar QToolButton {{ border: 1px solid transparent; padding: 3px 6px; background: transparent; }}
QPushButton:focus, QToolButton:focus, QToolBar QToolButton:focus {{ border: 2px solid {BLUE}; }}
QPushButton:disabled, QToolButton:disabled {{ color: {SECONDARY}; }}
QCheckBox, QRadioButton {{ border: 2px solid transparent; padding: 1px; }}
QCheckBox:focus, QRadioButton:focus {{ border: 2px solid {BLUE}; }}
QTabBar::tab:selected {{ color: {BLUE}; }}
QTabBar::tab:focus {{ border: 2px solid {BLUE}; }}
{items} {{ border: 2px solid transparent; }}
{item_focus} {{ border: 2px solid {BLUE}; }}
{item_selected} {{ background: {BLUE}; color: {WHITE}; }}
{item_selected_focus} {{ border: 2px solid {WHITE}; }}
QLineEdit#search {{ padding: 4px; border: 1px solid {BORDER}; }}
QLineEdit#search:focus {{ padding: 3px; border: 2px solid {BLUE}; }}
*[invalid="true"] {{ border: 2px solid {ERROR}; }}
QLabel[role="error"] {{ color: {ERROR}; font-weight: bold; }}
QLabel[role="note"] {{ color: {SECONDARY}; }}
QHeaderView::section {{ padding-top: 4px; padding-bottom: 4px; }}
"""


def apply(app: Any) -> None:
    """Install the palette colours (placeholder, links) and the style sheet on the application, once."""
    from PySide6.QtGui import QColor, QPalette

    if app is None or app.property("curator_theme"):
        return
    palette = app.palette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.PlaceholderText, QColor(SECONDARY))
        palette.setColor(group, QPalette.ColorRole.Link, QColor(BLUE))
        palette.setColor(group, QPalette.ColorRole.Highlight, QColor(BLUE))
        palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor(WHITE))
    app.setPalette(palette)
    app.setStyleSheet(stylesheet())
    app.setProperty("curator_theme", True)
