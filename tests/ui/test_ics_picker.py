"""The editor's ICS picker finds an ICS however people write it: its ICB's name, a code, its region."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from curator.ui.editor_widgets import IcsPicker
from curator.vocab import vocabularies


def popup_rows(picker: IcsPicker) -> list[str]:
    """What the pop-up shows (empty when it is not open)."""
    popup = picker.combo.completer().popup()
    if not popup.isVisible():
        return []
    model = popup.model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def type_letter_by_letter(qtbot, picker: IcsPicker, text: str, wanted: str) -> None:
    """Type as a person does and check after every key that the pop-up is open and offers ``wanted``."""
    edit = picker.combo.lineEdit()
    edit.setFocus()
    for end in range(1, len(text) + 1):
        qtbot.keyClicks(edit, text[end - 1])
        assert edit.text() == text[:end]
        assert wanted in popup_rows(picker), f"after typing {text[:end]!r} the pop-up shows {popup_rows(picker)}"


@pytest.fixture
def picker(qtbot):
    widget = IcsPicker()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.mark.parametrize("written", ["NHS Kent and Medway Integrated Care Board", "Kent and Medway ICB",
                                     "E54000032", "QKS", "kent & medway"])
def test_an_icb_name_or_a_code_typed_letter_by_letter_keeps_the_ics_in_the_pop_up(qtbot, picker, written):
    type_letter_by_letter(qtbot, picker, written, "Kent and Medway")
    assert popup_rows(picker) == ["Kent and Medway"]
    popup = picker.combo.completer().popup()
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert not popup.isVisible()
    assert picker.combo.currentText() == "Kent and Medway" and picker.value() == "E54000032"
    assert picker.region.text() == "Region: South East"


def test_a_region_offers_its_icss_and_nonsense_closes_the_pop_up(qtbot, picker):
    south_east = sorted(t.label for t in vocabularies().ics if t.extra["region"] == "South East")
    type_letter_by_letter(qtbot, picker, "South East", "Frimley")
    assert popup_rows(picker) == ["South East London", *south_east]
    qtbot.keyClicks(picker.combo.lineEdit(), " zz")  # matches nothing: no empty pop-up holding the keyboard
    assert not picker.combo.completer().popup().isVisible()
    assert picker.value() == "South East zz"  # what was typed stays, for validation to name


def test_the_editor_saves_the_ics_chosen_by_its_icb_name(qtbot, window, demo_library):
    editor = window.new_record() or next(iter(window.editors.values()))
    editor.widget_for("title").setText("Community pharmacy BP checks")
    type_letter_by_letter(qtbot, editor.ics, "Kent and Medway ICB", "Kent and Medway")
    popup = editor.ics.combo.completer().popup()
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    with qtbot.waitSignal(editor.saved, timeout=10_000) as blocker:
        editor.save()
    assert demo_library.get(blocker.args[0])["ics"] == "E54000032"
