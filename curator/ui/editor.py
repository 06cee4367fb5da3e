"""The case-study editor: every field of the interchange format, saved through the core.

Validation is the core's (``Library.create``/``update`` → ``normalise``): its ``RecordErrors`` come back from
the writer thread and each ``ValidationError.field`` puts its message under the widget for that field. Only
fields the person changed are sent to ``update``, so a field the editor does not show, or shows differently,
is never rewritten. A draft is written to disk a moment after each change and deleted on save or discard.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..errors import CuratorError, RecordErrors
from ..library import Library
from ..model import FIELD_LABELS, empty_record, field_label
from ..vocab import vocabularies
from ..workflow import STATUS_LABELS
from . import screen, theme
from .drafts import Drafts
from .editor_widgets import (
    CheckList,
    IcsPicker,
    MarkdownEdit,
    RowTable,
    StringList,
    SubForm,
    area_entries,
    group_entries,
    line_edit,
    shown_text,
    year_value,
)
from .workers import Runner

ERROR_STYLE = f"color: {theme.ERROR}; font-weight: bold"
NOTE_STYLE = f"color: {theme.SECONDARY}"
TABS = ("Basics", "Tags", "Write-up", "Outcomes and actions", "People and sources")


@dataclass
class Binding:
    get: Callable[[], Any]
    set: Callable[[Any], None]
    widget: QWidget
    error: QLabel
    tab: int


class EditorDialog(QDialog):
    saved = Signal(str)  # the record id
    validationFailed = Signal(list)  # noqa: N815 - the ValidationErrors

    def __init__(self, library: Library, runner: Runner, drafts: Drafts, case_id: str | None = None,
                 draft_fields: dict[str, Any] | None = None, draft_key: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.runner, self.drafts = library, runner, drafts
        self.case_id = case_id
        self.original = library.get(case_id) if case_id else empty_record()
        self.draft_key = draft_key or drafts.new_key(case_id)
        self.bindings: dict[str, Binding] = {}
        self.saving = False
        self._closing_ok = False
        self._set_title(f"Edit: {self.original['title']}" if case_id else "New case study")
        self.banner = QLabel()
        self.banner.setStyleSheet(ERROR_STYLE)
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Sections of the case study")
        self.forms = [self._tab(title) for title in TABS]
        self._build()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setToolTip("Save the case study (Ctrl+S)")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)  # outside the scrolled tabs: Save and Cancel are always on screen
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        screen.fit(self, 980, 720)
        self.bindings["title"].widget.setFocus()  # keys typed straight after Ctrl+N land in the title
        self._load(self.original)
        self.baseline = self.collect()
        if draft_fields:
            self._load({**self.original, **draft_fields})
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(800)
        self._draft_timer.timeout.connect(self.write_draft)
        for binding in self.bindings.values():
            signal = getattr(binding.widget, "changed", None) or getattr(binding.widget, "textChanged", None) \
                or getattr(binding.widget, "toggled", None)
            if signal is not None:
                signal.connect(self._edited)

    # -- layout ----------------------------------------------------------------------------------------
    def _tab(self, title: str) -> QFormLayout:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a Tab stop of its own: Tab goes to the fields
        scroll.setWidget(page)
        self.tabs.addTab(scroll, title)
        return form

    def _bind(self, field: str, tab: int, widget: QWidget, get: Callable[[], Any], put: Callable[[Any], None],
              label: str | None = None) -> None:
        error = QLabel()
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(widget)
        box.addWidget(error)
        text = label or FIELD_LABELS.get(field, field)
        self.forms[tab].addRow(f"{text}:", holder)
        self.forms[tab].labelForField(holder).setBuddy(widget)  # type: ignore[union-attr]
        self.bindings[field] = Binding(get, put, widget, error, tab)

    def _text(self, field: str, tab: int, tip: str = "") -> QLineEdit:
        edit = line_edit(FIELD_LABELS.get(field, field), tip)
        self._bind(field, tab, edit, edit.text, lambda v, e=edit: e.setText("" if v is None else str(v)))
        return edit

    def _build(self) -> None:
        vocab = vocabularies()
        self._text("title", 0, "A short descriptive title (required)")
        self._text("organisation", 0)
        self.ics = IcsPicker()
        self._bind("ics", 0, self.ics, self.ics.value, self.ics.set_value)
        self.ahsn = QComboBox()
        self.ahsn.setEditable(True)
        self.ahsn.setAccessibleName(FIELD_LABELS["ahsn"])
        self.ahsn.lineEdit().setAccessibleName(FIELD_LABELS["ahsn"])  # the part that takes the focus
        self.ahsn.addItems([""] + [a["name"] for a in vocab.raw.get("ahsns", [])])
        self._bind("ahsn", 0, self.ahsn, self.ahsn.currentText, lambda v: self.ahsn.setEditText(v or ""))
        self.ahsn.changed = self.ahsn.currentTextChanged  # type: ignore[attr-defined]
        self._text("programme", 0, "e.g. Innovation for Healthcare Inequalities Programme (InHIP)")
        self._text("period", 0, "As submitted, e.g. '6-month pilot from February 2023'")
        year = line_edit(FIELD_LABELS["year"], "A four-digit year such as 2023")
        self._bind("year", 0, year, lambda: year_value(year.text()), lambda v: year.setText("" if v is None else str(v)))
        review = line_edit(FIELD_LABELS["review_by"], "A date such as 31/03/2027 (or 2027-03-31)")
        self._bind("review_by", 0, review, lambda: review.text().strip() or None, lambda v: review.setText(v or ""))
        self.status_label = QLabel(STATUS_LABELS.get(self.original["status"], self.original["status"]))
        self.status_label.setToolTip("Change the status from the toolbar or the list's context menu")
        self.forms[0].addRow("Status:", self.status_label)

        for field, tab, widget in (
            ("clinical_areas", 1, CheckList(area_entries(), FIELD_LABELS["clinical_areas"])),
            ("population_groups", 1, CheckList(group_entries(), FIELD_LABELS["population_groups"])),
            ("local_groups", 1, StringList(FIELD_LABELS["local_groups"])),
            ("action_areas", 1, CheckList([(t.id, t.label, 0) for t in vocab.actions], FIELD_LABELS["action_areas"])),
            ("summary", 2, MarkdownEdit(FIELD_LABELS["summary"])),
            ("body", 2, MarkdownEdit(FIELD_LABELS["body"])),
            ("outcomes", 3, RowTable(FIELD_LABELS["outcomes"], [("measure", "Measure"), ("value", "Value")])),
            ("key_actions", 3, RowTable(FIELD_LABELS["key_actions"], [("action", "Action"),
                                                                      ("audience", "Audience")])),
            ("context_figures", 3, StringList(FIELD_LABELS["context_figures"])),
            ("lessons", 3, StringList(FIELD_LABELS["lessons"])),
            ("evaluation_type", 3, None),  # made in the order shown: Tab order is creation order
            ("partners", 4, StringList(FIELD_LABELS["partners"])),
            ("additional_sources", 4, StringList(FIELD_LABELS["additional_sources"])),
        ):
            if widget is None:
                self._text(field, tab, "e.g. service evaluation, audit, pilot with before/after data")
                continue
            if isinstance(widget, CheckList):
                widget.setMinimumHeight(min(22 * widget.count() + 8, 420))
            if isinstance(widget, MarkdownEdit):
                widget.setMinimumHeight(170 if field == "summary" else 420)
            self._bind(field, tab, widget, widget.value, widget.set_value)
        self._text("source_url", 4, "A public link to the source")
        self._object("contact", 4, [("name", "Name"), ("role", "Role"), ("email", "Email"), ("phone", "Phone")])
        consent = QCheckBox("The contact's details may be published in the guide")
        consent.setAccessibleName(FIELD_LABELS["contact_consent"])
        self._bind("contact_consent", 4, consent, consent.isChecked, lambda v: consent.setChecked(bool(v)))
        self._object("declarations", 4, [("sponsorship", "Industry sponsorship (empty if none)"),
                                         ("data_protection_consent", "Consent to hold and publish")])
        self._object("signoff", 4, [("wording_approved_by", "Wording approved by"),
                                    ("comms_signoff", "Comms sign-off"), ("image_rights", "Image rights")])

    def _object(self, field: str, tab: int, keys: list[tuple[str, str]]) -> None:
        """A small object (contact, declarations, sign-off) as a sub-form; keys it does not show are kept."""
        holder = QWidget()
        holder.setAccessibleName(FIELD_LABELS[field])
        form = QFormLayout(holder)
        form.setContentsMargins(0, 0, 0, 0)
        widgets: dict[str, QWidget] = {}
        for key, label in keys:
            if key == "data_protection_consent":
                widget: QWidget = QCheckBox(label)
                widget.setAccessibleName(label)
                form.addRow("", widget)
            else:
                widget = line_edit(label)
                form.addRow(f"{label}:", widget)
            widgets[key] = widget
        state: dict[str, Any] = {}

        def get() -> dict[str, Any]:
            out = dict(state.get("value") or {})
            for key, widget in widgets.items():
                if isinstance(widget, QCheckBox):
                    out[key] = widget.isChecked()
                else:
                    text = widget.text()  # type: ignore[attr-defined]
                    original = out.get(key)
                    out[key] = original if isinstance(original, bool) and text == shown_text(original) else text
            return out

        def put(value: Any) -> None:
            state["value"] = dict(value or {})
            for key, widget in widgets.items():
                if isinstance(widget, QCheckBox):
                    widget.setChecked(bool(state["value"].get(key)))
                else:
                    widget.setText(shown_text(state["value"].get(key)))  # type: ignore[attr-defined]

        group = SubForm()
        layout = QVBoxLayout(group)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(holder)
        for widget in widgets.values():
            (widget.toggled if isinstance(widget, QCheckBox) else widget.textChanged).connect(  # type: ignore[attr-defined]
                lambda *_: group.changed.emit())
        self._bind(field, tab, group, get, put)

    # -- values ----------------------------------------------------------------------------------------
    def _load(self, record: dict[str, Any]) -> None:
        for field, binding in self.bindings.items():
            binding.set(copy.deepcopy(record.get(field)) if record.get(field) is not None else
                        copy.deepcopy(empty_record().get(field)))

    def collect(self) -> dict[str, Any]:
        return {field: binding.get() for field, binding in self.bindings.items()}

    def changed_fields(self) -> dict[str, Any]:
        current = self.collect()
        return {k: v for k, v in current.items() if v != self.baseline.get(k)}

    @property
    def dirty(self) -> bool:
        return bool(self.changed_fields())

    def widget_for(self, field: str) -> QWidget:
        return self.bindings[field].widget

    def error_for(self, field: str) -> str:
        label = self.bindings[field].error
        return label.text() if not label.isHidden() else ""

    def _edited(self, *_: Any) -> None:
        self.setWindowModified(self.dirty)
        self._draft_timer.start()

    def write_draft(self) -> None:
        if self.dirty:
            self.drafts.save(self.draft_key, self.case_id, self.changed_fields())
        else:
            self.drafts.discard(self.draft_key)

    # -- saving ----------------------------------------------------------------------------------------
    def save(self) -> None:
        if self.saving:
            return
        fields = self.changed_fields()
        if self.case_id and not fields:
            self._clear_errors()
            self.banner.setText("No changes to save.")
            self.banner.setStyleSheet(NOTE_STYLE)
            self.banner.show()
            return
        self.saving = True
        self.save_button.setEnabled(False)
        if self.case_id:
            self.runner.write(self.library.update, self.case_id, fields, on_done=self._saved, on_error=self._refused)
        else:
            raw = {**{k: v for k, v in self.original.items() if k not in self.bindings}, **self.collect()}
            self.runner.write(self.library.create, raw, on_done=self._saved, on_error=self._refused)

    def _saved(self, result: tuple[dict[str, Any], list[str]]) -> None:
        record, warnings = result
        self.saving = False
        self.save_button.setEnabled(True)
        self._clear_errors()
        self.drafts.discard(self.draft_key)
        self.case_id = record["id"]
        self.original = record
        self._load(record)
        self.baseline = self.collect()
        self.setWindowModified(False)
        self._set_title(f"Edit: {record['title']}")
        if warnings:
            self.banner.setStyleSheet(NOTE_STYLE)
            self.banner.setText("Saved, with notes: " + "; ".join(warnings))
            self.banner.show()
        self.saved.emit(record["id"])

    def _refused(self, err: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self._clear_errors()
        if not isinstance(err, CuratorError):
            parent = self.parent()
            reporter = getattr(parent, "reporter", None)
            if reporter is not None:
                reporter.report(err, "Saving")
            return
        errors = err.errors if isinstance(err, RecordErrors) else []
        self.banner.setStyleSheet(ERROR_STYLE)
        self.banner.setText(f"Not saved: {err}" if not errors else
                            f"Not saved: fix the {len(errors)} problem{'s' if len(errors) > 1 else ''} marked below.")
        self.banner.show()
        first: Binding | None = None
        for problem in errors:
            field = problem.field.split("[")[0].split(".")[0]
            binding = self.bindings.get(field)
            words = f"{field_label(problem.field)}: {problem.detail}"  # the label, never the id
            if binding is None:
                self.banner.setText(self.banner.text() + f" {words}")
                continue
            shown = binding.error.text()
            binding.error.setText((shown + "\n" if shown else "") + words)
            binding.error.show()
            binding.widget.setAccessibleDescription(words)
            self._mark(binding, True)
            first = first or binding
        if first is not None:
            self.tabs.setCurrentIndex(first.tab)
            first.widget.setFocus()
        self.validationFailed.emit(errors)

    def _clear_errors(self) -> None:
        self.banner.hide()
        for binding in self.bindings.values():
            binding.error.clear()
            binding.error.hide()
            binding.widget.setAccessibleDescription("")
            self._mark(binding, False)

    def _mark(self, binding: Binding, invalid: bool) -> None:
        """Outline the field in error (theme: 2 px error red) and mark its tab with '⚠', words not colour only."""
        binding.widget.setProperty("invalid", invalid)
        binding.widget.style().unpolish(binding.widget)
        binding.widget.style().polish(binding.widget)
        marked = any(b.tab == binding.tab and not b.error.isHidden() for b in self.bindings.values()) if invalid \
            else any(b.tab == binding.tab and b.widget.property("invalid") for b in self.bindings.values())
        title = TABS[binding.tab]
        self.tabs.setTabText(binding.tab, f"⚠ {title}" if marked else title)
        self.tabs.setTabToolTip(binding.tab, "This tab has a problem to fix before saving" if marked else "")

    def _set_title(self, title: str) -> None:
        """The window title carries Qt's '[*]' modified marker; the accessible name never does."""
        self.setWindowTitle(f"{title} [*]")
        self.setAccessibleName(title)

    # -- closing ---------------------------------------------------------------------------------------
    def confirm_close(self) -> str:
        """Ask what to do with unsaved changes: 'save', 'discard' or 'cancel'."""
        answer = QMessageBox.question(
            self, "Unsaved changes", f"Save your changes to '{self.collect().get('title') or 'this case study'}'?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        return {QMessageBox.StandardButton.Save: "save", QMessageBox.StandardButton.Discard: "discard"}.get(
            answer, "cancel")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._closing_ok or not self.dirty:
            self.drafts.discard(self.draft_key)
            event.accept()
            return
        choice = self.confirm_close()
        if choice == "discard":
            self.drafts.discard(self.draft_key)
            event.accept()
        elif choice == "save":
            event.ignore()
            self.saved.connect(self._close_after_save)
            self.save()
        else:
            event.ignore()

    def _close_after_save(self, _case_id: str) -> None:
        self.saved.disconnect(self._close_after_save)
        self._closing_ok = True
        self.close()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Ctrl+S from any field, even when the shortcut system has not seen the window activated."""
        if event.matches(QKeySequence.StandardKey.Save):
            self.save()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:  # Esc goes through closeEvent, so it asks too
        self.close()
