"""Publish → Export the guide…: the CLI's ``export guide`` options, a live count, the PII gate, the result.

The export runs ``curator.word.guide.export_guide`` as a long job (progress, Cancel). When the PII gate stops
it, nothing is written and the findings are listed in the dialog (``PiiFindingsView``); once each is fixed or
dismissed with a reason, Export runs again. The end offers "Open guide" and "Open folder".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..errors import CuratorError
from ..library import Library, plural
from ..model import STATUSES
from ..progress import CancelToken, ProgressFn
from ..team.sync import linked
from ..word.guide import DEFAULT_STATUSES, DEFAULT_TITLE, GROUPINGS, PiiBlocked, export_guide, find_soffice
from ..workflow import STATUS_LABELS
from .pii_findings import KEEP, PiiFindingsView
from .publish_common import ask_open_path, ask_save_path, fit_to_screen, open_path
from .timefmt import local_time
from .workers import Runner, long_job

GROUP_LABELS = {"action": "Action areas (the four key areas for action)", "area": "Core20PLUS5 clinical areas",
                "region": "NHS regions"}


def guide_count(library: Library, statuses: list[str]) -> int:
    """How many case studies (not in the trash) a guide of these statuses would hold."""
    return sum(library.list_records(status=s, limit=1)["total"] for s in statuses)


def guide_job(library: Library, out: Path, options: dict[str, Any], progress: ProgressFn,
              cancel: CancelToken) -> dict[str, Any]:
    """``export_guide`` with Cancel checked between case studies; a PII stop comes back as ``{"pii": […]}`` and
    any other refusal (no such template, an unwritable folder) as ``{"error": message}``, shown in the dialog."""
    def report(done: int, total: int, message: str) -> None:
        cancel.check()
        progress(done, total, f"Laying out {message}" if done < total else "Saving the guide")

    try:
        return export_guide(library, out, progress=report, **options)
    except PiiBlocked as blocked:
        return {"pii": [{k: f[k] for k in KEEP} for f in blocked.findings], "message": str(blocked)}
    except CuratorError as err:
        return {"error": str(err).replace("--template", "Word template")}


def docx_path(text: str) -> Path:
    """The file to write: '.docx' added when there is no suffix; anything else is refused with what to do."""
    text = text.strip()
    if not text:
        raise CuratorError("choose where to save the guide (Browse…)")
    path = Path(text).expanduser()
    if not path.suffix:
        path = path.with_suffix(".docx")
    if path.suffix.lower() != ".docx":
        raise CuratorError(f"{path.name}: the guide is a Word file, so its name must end in .docx (tick 'Also "
                           "write a PDF' for a PDF beside it)")
    if not path.parent.is_dir():
        raise CuratorError(f"the folder {path.parent} does not exist; choose another place to save the guide")
    return path


class GuideDialog(QDialog):
    exported = Signal(dict)
    blocked = Signal(list)

    def __init__(self, library: Library, runner: Runner, open_record: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.runner = library, runner
        self.result: dict[str, Any] | None = None
        self._count_serial = 0
        self._overwrite_ok: Path | None = None
        self.progress_dialog: Any = None
        self.setWindowTitle("Export the guide")
        self.setAccessibleName("Export the guide")
        self.statuses: dict[str, QCheckBox] = {}
        box = QGroupBox("Case studies with status")
        grid = QGridLayout(box)
        for n, status in enumerate(STATUSES):
            check = QCheckBox(STATUS_LABELS[status])
            check.setAccessibleName(f"Include {STATUS_LABELS[status].lower()} case studies")
            check.setChecked(status in DEFAULT_STATUSES)
            check.toggled.connect(lambda _on: self.refresh_count())
            grid.addWidget(check, n // 4, n % 4)
            self.statuses[status] = check
        self.count_label = QLabel("Counting…")
        self.count_label.setAccessibleName("Case studies that will go in")
        grid.addWidget(self.count_label, 2, 0, 1, 4)
        self.group_by = QComboBox()
        self.group_by.setAccessibleName("Sections by")
        for key in GROUPINGS:
            self.group_by.addItem(GROUP_LABELS[key], key)
        self.title = QLineEdit()
        self.title.setAccessibleName("Title")
        self.title.setPlaceholderText(DEFAULT_TITLE)
        self.subtitle = QLineEdit()
        self.subtitle.setAccessibleName("Subtitle")
        self.subtitle.setPlaceholderText("Lessons from N NHS case studies")
        self.publisher = QLineEdit()
        self.publisher.setAccessibleName("Publisher")
        self.publisher.setPlaceholderText("the Health Innovation Network")
        self.template = QLineEdit()
        self.template.setAccessibleName("Word template")
        self.template.setPlaceholderText("optional: a .docx whose styles to use instead of the house style")
        template_browse = QPushButton("Bro&wse…")
        template_browse.setAccessibleName("Choose a Word template")
        template_browse.clicked.connect(self.choose_template)
        self.pdf = QCheckBox("Also write a tagged &PDF beside it")
        self.pdf.setAccessibleName("Also write a PDF")
        if find_soffice() is None:
            self.pdf.setEnabled(False)
            self.pdf.setToolTip("Needs LibreOffice, which is not installed; save the .docx as PDF from Word instead")
        else:
            self.pdf.setToolTip("LibreOffice makes an accessible (tagged) PDF from the Word file")
        self.out = QLineEdit(str(Path.home() / "high-impact-actions-guide.docx"))
        self.out.setAccessibleName("Save the guide as")
        self.out.textChanged.connect(lambda _t: setattr(self, "_overwrite_ok", None))
        out_browse = QPushButton("&Browse…")
        out_browse.setAccessibleName("Choose where to save the guide")
        out_browse.clicked.connect(self.choose_out)
        form = QFormLayout()
        form.addRow("&Sections by:", self.group_by)
        form.addRow("&Title:", self.title)
        form.addRow("S&ubtitle:", self.subtitle)
        form.addRow("Publis&her:", self.publisher)
        form.addRow("Word te&mplate:", _row(self.template, template_browse))
        form.addRow("", self.pdf)
        form.addRow("Save &as:", _row(self.out, out_browse))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Export status")
        link = linked(library)
        if link:  # a team numbers editions once: an export between syncs may be renumbered later
            when = local_time(link["last_sync"], default="never")
            self.message.setText(f"This library is shared with a team (last sync: {when}). Sync first (Ctrl+Alt+Y) "
                                 "so the edition number and the change log take in your colleagues' editions.")
        self.findings = PiiFindingsView(library, runner, self)
        self.findings.hide()
        if open_record is not None:
            self.findings.openRequested.connect(open_record)
        self.findings.dismissed.connect(self._dismissed)
        self.export_button = QPushButton("&Export")
        self.export_button.setAccessibleName("Export the guide")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        self.open_guide = QPushButton("Open &guide")
        self.open_guide.setAccessibleName("Open guide")
        self.open_guide.clicked.connect(lambda: self.result and open_path(self.result["path"]))
        self.open_folder = QPushButton("Open &folder")
        self.open_folder.setAccessibleName("Open folder")
        self.open_folder.clicked.connect(lambda: self.result and open_path(Path(self.result["path"]).parent))
        for button in (self.open_guide, self.open_folder):
            button.hide()
        close = QPushButton("&Close")
        close.setAccessibleName("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_guide)
        buttons.addWidget(self.open_folder)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.findings, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 760, 520)
        self.refresh_count()

    # -- options -------------------------------------------------------------------------------------------
    def chosen_statuses(self) -> list[str]:
        return [s for s, check in self.statuses.items() if check.isChecked()]

    def options(self) -> dict[str, Any]:
        template = self.template.text().strip()
        return {"statuses": self.chosen_statuses(), "group_by": self.group_by.currentData(),
                "title": self.title.text().strip() or None, "subtitle": self.subtitle.text().strip() or None,
                "publisher": self.publisher.text().strip() or None,
                "template": Path(template).expanduser() if template else None,
                "pdf": self.pdf.isEnabled() and self.pdf.isChecked()}

    def refresh_count(self, *_changes: Any) -> None:
        self._count_serial += 1
        serial, statuses = self._count_serial, self.chosen_statuses()
        if not statuses:
            self._show_count(0, serial)
            return
        self.runner.read(guide_count, self.library, statuses, on_done=lambda n: self._show_count(n, serial))

    def _show_count(self, n: int, serial: int) -> None:
        if serial != self._count_serial:
            return
        self.count = n
        self.count_label.setText(f"{plural(n, 'case study', 'case studies')} will go in the guide." if n else
                                 "No case study has these statuses: tick others, or accept some first.")
        self.export_button.setEnabled(n > 0)

    def choose_template(self) -> None:
        path = ask_open_path(self, "Word template", self.template.text() or Path.home(), "Word (*.docx)")
        if path:
            self.template.setText(str(path))

    def choose_out(self) -> None:
        path = ask_save_path(self, "Save the guide as", self.out.text(), "Word (*.docx)")
        if path:
            self.out.setText(str(path))
            self._overwrite_ok = path if path.suffix else path.with_suffix(".docx")  # the file dialog asked

    # -- export --------------------------------------------------------------------------------------------
    def export(self) -> None:
        try:
            out = docx_path(self.out.text())
        except CuratorError as err:
            self.message.setText(str(err))
            return
        if out.exists() and self._overwrite_ok != out:
            self._overwrite_ok = out
            self.message.setText(f"{out.name} already exists. Press Export again to replace it, or choose another "
                                 "name.")
            return
        self.message.setText("Checking for personal data, then writing the guide…")
        self.export_button.setEnabled(False)
        for button in (self.open_guide, self.open_folder):
            button.hide()
        self.progress_dialog = long_job(self, self.runner, "Exporting the guide", guide_job, self.library, out,
                                        self.options(), on_done=self._finished)
        self.progress_dialog.finished.connect(lambda _r: self.export_button.setEnabled(True))

    def _finished(self, result: dict[str, Any] | None) -> None:
        self.export_button.setEnabled(True)
        if result is None:
            self.message.setText("Cancelled: no guide was written.")
            return
        if "error" in result:
            self.message.setText(f"The guide was not written: {result['error']}")
            return
        if "pii" in result:
            self.findings.set_findings(result["pii"])
            self.findings.show()
            fit_to_screen(self, max(self.width(), 860), 720)  # room for the findings, still within 1366×768
            self.message.setText("The guide was not written: the text below may identify patients.")
            self.blocked.emit(result["pii"])
            return
        self.findings.hide()
        self.result = result
        self._overwrite_ok = Path(result["path"])
        extra = f" and {Path(result['pdf']).name}" if result.get("pdf") else ""
        skipped = f" {plural(len(result['pictures_skipped']), 'picture was', 'pictures were')} left out." \
            if result.get("pictures_skipped") else ""
        self.message.setText(f"Wrote edition {result['edition']} of the guide "
                             f"({plural(result['records'], 'case study', 'case studies')}) to {result['path']}"
                             f"{extra}.{skipped}")
        for button in (self.open_guide, self.open_folder):
            button.show()
        self.open_guide.setFocus()
        self.exported.emit(result)

    def _dismissed(self, _result: dict[str, Any]) -> None:
        left = len(self.findings.findings)
        self.message.setText(f"Dismissal recorded in the history. {plural(left, 'finding is', 'findings are')} left"
                             + ("; press Export to write the guide." if not left else "."))
        if not left:
            self.export_button.setFocus()


def _row(*widgets: QWidget) -> QWidget:
    holder = QWidget()
    line = QHBoxLayout(holder)
    line.setContentsMargins(0, 0, 0, 0)
    for n, widget in enumerate(widgets):
        line.addWidget(widget, 1 if n == 0 else 0)
    return holder
