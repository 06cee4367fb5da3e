"""The reviewer's scoring screen: the case study on the left, the rubric on the right, keyboard only.

Keys: Tab / Shift+Tab or Down / Up move between criteria; 1–5 score the focused criterion (Left / Right step
it); I / C / X choose include / include with changes / exclude; Alt+M goes to the comment; Ctrl+S saves a
draft; Ctrl+Enter submits; Ctrl+PgDown / Ctrl+PgUp go to the next or previous case study; Ctrl+R reverts
to the saved form (it asks first; Esc only closes pop-ups). Moving on from an unsubmitted, changed form saves it as a draft, so nothing typed is lost. Validation is the core's
(``scoring.submit`` or ``ReviewPack.score``), so the messages are the same as the CLI's. Other reviewers'
scores appear only once this reviewer has submitted (``scoring.scores_visible_to``).
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..errors import CuratorError
from ..review import rubric as rubric_mod
from . import screen
from .errors import ErrorReporter
from .review_sources import STATE_LABELS, LibrarySource, PackSource, case_html, reviews_html
from .workers import Runner, ScopedRunner

NHS_BLUE = "#005EB8"
STYLE = f"""
QFrame#criterion {{ border: 2px solid transparent; border-radius: 4px; }}
QFrame#criterion:focus {{ border: 2px solid {NHS_BLUE}; background: #E8F1FA; }}
QLabel#problem {{ color: #8A1538; font-weight: bold; }}
"""
REC_KEYS = {Qt.Key.Key_I: "include", Qt.Key.Key_C: "revise", Qt.Key.Key_X: "exclude"}
Source = LibrarySource | PackSource


class CriterionRow(QFrame):
    """One criterion: its label and weight, five levels, and the descriptor of the chosen level."""

    changed = Signal()

    def __init__(self, criterion: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.criterion = criterion
        self.setObjectName("criterion")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(f"{criterion['label']}, weight {criterion['weight']}")
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 4, 6, 4)
        top = QHBoxLayout()
        title = QLabel(f"<b>{html.escape(criterion['label'])}</b> <span style='color:#4c6272'>"
                       f"×{criterion['weight']:g}</span>")
        title.setWordWrap(True)
        top.addWidget(title, 1)
        self.group = QButtonGroup(self)
        for level in rubric_mod.LEVELS:
            button = QRadioButton(level)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the row takes focus; keys 1–5 choose
            button.setToolTip(criterion["levels"][level])
            self.group.addButton(button, int(level))
            top.addWidget(button)
        self.group.idClicked.connect(lambda _: self._changed())
        box.addLayout(top)
        self.descriptor = QLabel()
        self.descriptor.setWordWrap(True)
        box.addWidget(self.descriptor)
        self._describe()

    @property
    def score(self) -> int | None:
        level = self.group.checkedId()
        return level if level > 0 else None

    def set_score(self, value: int | None, *, notify: bool = True) -> None:
        if value is None:
            self.group.setExclusive(False)
            for button in self.group.buttons():
                button.setChecked(False)
            self.group.setExclusive(True)
        else:
            self.group.button(value).setChecked(True)
        if notify:
            self._changed()
        else:
            self._describe()

    def _changed(self) -> None:
        self._describe()
        self.changed.emit()

    def _describe(self) -> None:
        score = self.score
        if score is None:
            text = "Not scored yet: press 1 to 5."
            self.descriptor.setText(f"<i style='color:#4c6272'>{text}</i>")
        else:
            text = f"{score}: {self.criterion['levels'][str(score)]}"
            self.descriptor.setText(f"<b>{score}</b> — {html.escape(self.criterion['levels'][str(score)])}")
        self.setAccessibleDescription(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key, mods = event.key(), event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods == Qt.KeyboardModifier.NoModifier and Qt.Key.Key_1 <= key <= Qt.Key.Key_5:
            self.set_score(key - Qt.Key.Key_0)
        elif mods == Qt.KeyboardModifier.NoModifier and key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            step = -1 if key == Qt.Key.Key_Left else 1
            self.set_score(min(5, max(1, (self.score or (0 if step > 0 else 6)) + step)))
        elif mods == Qt.KeyboardModifier.NoModifier and key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self.focusNextPrevChild(key == Qt.Key.Key_Down)
        else:
            super().keyPressEvent(event)


class ScoringWindow(QMainWindow):
    """Score case studies for one reviewer (chosen at the top), from the library or an opened review pack."""

    caseShown = Signal(str)  # noqa: N815 - a case study and its form are on screen
    saved = Signal(dict)  # the core's answer to a save or submit

    def __init__(self, source: Source, *, reviewer: str | None = None, runner: Runner | None = None,
                 reporter: ErrorReporter | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # a closed window is freed (10.8)
        self.source = source
        folder = getattr(getattr(source, "library", None), "folder", None)
        self.reporter = reporter or ErrorReporter(self, folder)
        # A borrowed runner (the main window's) is scoped: closing this window must never stop the app's pools.
        self.runner: Runner | ScopedRunner = runner.scope(self) if runner is not None else \
            Runner(self.reporter.report, self)
        self.runner.on_error = self.reporter.report
        self.reviewer_id: str | None = reviewer
        self.rubric: dict[str, Any] | None = None
        self.cases: list[dict[str, Any]] = []
        self.case_id: str | None = None
        self.current: dict[str, Any] | None = None
        self.dirty = False
        self._loading = False
        review_mode = source.mode == "pack"
        self.setWindowTitle(f"Curator — review mode — {source.title}" if review_mode
                            else f"Curator — score case studies — {source.title}")
        self.setStyleSheet(STYLE)
        self._build(review_mode)
        self._actions()
        screen.fit(self, 1280, 820)  # never larger than the screen (issue 10)
        self.runner.read(source.reviewers, on_done=self._reviewers_loaded)

    # -- layout ----------------------------------------------------------------------------------------
    def _build(self, review_mode: bool) -> None:
        self.reviewer_box = QComboBox()
        self.reviewer_box.setAccessibleName("Reviewer")
        self.reviewer_box.setEnabled(not review_mode)
        self.reviewer_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.reviewer_box.activated.connect(lambda _: self._choose_reviewer(self.reviewer_box.currentData()))
        self.case_box = QComboBox()
        self.case_box.setAccessibleName("Case study to score")
        self.case_box.setMinimumContentsLength(40)
        self.case_box.activated.connect(lambda i: self.go_to(i))
        self.progress_label = QLabel()
        top = QHBoxLayout()
        label = QLabel("&Reviewer:")
        label.setBuddy(self.reviewer_box)
        case_label = QLabel("C&ase study:")
        case_label.setBuddy(self.case_box)
        for widget, stretch in ((label, 0), (self.reviewer_box, 0), (case_label, 0), (self.case_box, 1),
                                (self.progress_label, 0)):
            top.addWidget(widget, stretch)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.text.setAccessibleName("Case study text")
        self.form = QWidget()
        self.form_box = QVBoxLayout(self.form)
        self.rubric_label = QLabel()
        self.rubric_label.setWordWrap(True)  # fits a 960 px (200%) screen without a sideways scroll
        self.form_box.addWidget(self.rubric_label)
        self.rows_box = QVBoxLayout()
        self.form_box.addLayout(self.rows_box)
        self.rows: list[CriterionRow] = []
        recommend = QGroupBox("Recommendation (I, C or X)")
        line = QHBoxLayout(recommend)
        self.recommend = QButtonGroup(self)
        for rid, label_text in rubric_mod.RECOMMENDATIONS.items():
            key = {"include": "I", "revise": "C", "exclude": "X"}[rid]
            button = QRadioButton(f"{label_text} ({key})")
            button.setProperty("rid", rid)
            button.setAccessibleName(label_text)
            self.recommend.addButton(button)
            line.addWidget(button)
        self.recommend.buttonClicked.connect(lambda _: self._mark_dirty())
        self.form_box.addWidget(recommend)
        comment_label = QLabel("Co&mment (an exclude needs a reason here):")
        self.comment = QPlainTextEdit()
        self.comment.setAccessibleName("Comment")
        self.comment.setTabChangesFocus(True)
        self.comment.setMaximumHeight(90)
        self.comment.textChanged.connect(self._mark_dirty)
        comment_label.setBuddy(self.comment)
        self.form_box.addWidget(comment_label)
        self.form_box.addWidget(self.comment)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem with this review")
        self.form_box.addWidget(self.problem)
        buttons = QHBoxLayout()
        self.draft_button = QPushButton("Save draft (Ctrl+S)")
        self.submit_button = QPushButton("Submit (Ctrl+Enter)")
        self.draft_button.clicked.connect(lambda: self.save(draft=True))
        self.submit_button.clicked.connect(lambda: self.save(draft=False))
        buttons.addStretch(1)
        buttons.addWidget(self.draft_button)
        buttons.addWidget(self.submit_button)
        self.others_box = QGroupBox("Other reviewers' scores")
        others_layout = QVBoxLayout(self.others_box)
        self.others = QLabel()
        self.others.setWordWrap(True)
        self.others.setTextFormat(Qt.TextFormat.RichText)
        self.others.setAccessibleName("Other reviewers' scores")
        others_layout.addWidget(self.others)
        self.form_box.addWidget(self.others_box)
        self.form_box.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.text)
        self.splitter.addWidget(scroll)
        self.splitter.setSizes([620, 640])
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.addLayout(top)
        outer.addWidget(self.splitter, 1)
        outer.addLayout(buttons)  # below the scrolled form: Save draft and Submit are always on screen
        self.setCentralWidget(central)
        self.statusBar().showMessage("Loading…")

    def _actions(self) -> None:
        menu = self.menuBar().addMenu("&Scoring")
        table = (("Save draft", ("Ctrl+S",), lambda: self.save(draft=True)),
                 ("Submit", ("Ctrl+Return", "Ctrl+Enter"), lambda: self.save(draft=False)),
                 ("Next case study", ("Ctrl+PgDown",), lambda: self.step(1)),
                 ("Previous case study", ("Ctrl+PgUp",), lambda: self.step(-1)),
                 ("Revert this case study…", ("Ctrl+R",), self.revert),
                 ("Close", ("Ctrl+W",), self.close))
        for text, keys, slot in table:
            action = QAction(text, self)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setToolTip(f"{text} ({' or '.join(keys)})")
            action.triggered.connect(slot)
            menu.addAction(action)
            self.addAction(action)

    # -- loading ---------------------------------------------------------------------------------------
    def _reviewers_loaded(self, reviewers: list[dict[str, str]]) -> None:
        self.reviewer_box.clear()
        for r in reviewers:
            self.reviewer_box.addItem(r["name"] + (f" ({r['organisation']})" if r["organisation"] else ""), r["id"])
        if not reviewers:
            self.statusBar().showMessage("There are no reviewers yet: add them in the main window's Review › Reviewers….")
            return
        wanted = self.reviewer_id or reviewers[0]["id"]
        index = max(0, self.reviewer_box.findData(wanted))
        self.reviewer_box.setCurrentIndex(index)
        self.reviewer_id = None
        self._choose_reviewer(self.reviewer_box.itemData(index))

    def _choose_reviewer(self, reviewer_id: str) -> None:
        if reviewer_id == self.reviewer_id or not self._may_leave():
            self.reviewer_box.setCurrentIndex(max(0, self.reviewer_box.findData(self.reviewer_id)))
            return
        if self.dirty and self.case_id and self.reviewer_id:
            scores, rec, comment = self.form_values()  # keep the previous reviewer's unsaved work as a draft
            self.runner.write(self.source.save, self.reviewer_id, self.case_id, scores, rec, comment, True,
                              on_error=lambda err: self.reporter.report(err, "Saving the draft"))
        self.reviewer_id, self.case_id, self.current, self.dirty = reviewer_id, None, None, False
        self.refresh_cases()

    def refresh_cases(self, then: str | None = None) -> None:
        reviewer = self.reviewer_id
        self.runner.read(self.source.cases, reviewer, on_done=lambda result: self._cases_loaded(reviewer, result, then))

    def _cases_loaded(self, reviewer: str, result: dict[str, Any], then: str | None) -> None:
        if reviewer != self.reviewer_id:
            return
        if self.rubric != result["rubric"]:
            self.rubric = result["rubric"]
            self._build_rows()
        self.cases = result["cases"]
        self.case_box.clear()
        for n, case in enumerate(self.cases, start=1):
            # the state first: a long title is cut at the box's edge, and the state must stay in sight
            self.case_box.addItem(f"{n}. {STATE_LABELS[case['state']]} — {case['title']}", case["id"])
        done = sum(1 for c in self.cases if c["state"] == "submitted")
        self.progress_label.setText(f"{done} of {len(self.cases)} submitted")
        if not self.cases:
            self.case_id = None
            self.text.setHtml("<p>No case studies are assigned to this reviewer yet.</p>")
            self.statusBar().showMessage("Nothing to score: the chair assigns case studies with 'review assign'.")
            return
        target = then or self.case_id or self.cases[0]["id"]
        index = max(0, self.case_box.findData(target))
        self.case_box.setCurrentIndex(index)
        if self.cases[index]["id"] != self.case_id or then:
            self._load(self.cases[index]["id"])

    def _build_rows(self) -> None:
        for row in self.rows:
            row.setParent(None)
            row.deleteLater()
        self.rows = []
        assert self.rubric is not None
        self.rubric_label.setText(f"<b>Rubric</b> (version {self.rubric['version']}): Tab or ↓ ↑ between criteria, "
                                  "1–5 to score, ← → to step")
        for criterion in self.rubric["criteria"]:
            row = CriterionRow(criterion)
            row.changed.connect(self._mark_dirty)
            self.rows_box.addWidget(row)
            self.rows.append(row)
        chain = [self.case_box, *self.rows, *self.recommend.buttons(), self.comment, self.draft_button,
                 self.submit_button]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)

    def _load(self, case_id: str) -> None:
        reviewer = self.reviewer_id
        self.case_id = case_id
        self.runner.read(self.source.case, reviewer, case_id,
                         on_done=lambda result: self._case_loaded(reviewer, case_id, result))

    def _case_loaded(self, reviewer: str | None, case_id: str, result: dict[str, Any]) -> None:
        if reviewer != self.reviewer_id or case_id != self.case_id:
            return  # the reviewer moved on while it loaded
        self.current = result
        self.text.setHtml(case_html(result["record"]))
        own = result["own"] or {}
        self._loading = True
        for row in self.rows:
            row.set_score((own.get("scores") or {}).get(row.criterion["id"]), notify=False)
        self.recommend.setExclusive(False)
        for button in self.recommend.buttons():
            button.setChecked(button.property("rid") == own.get("recommendation"))
        self.recommend.setExclusive(True)
        self.comment.setPlainText(own.get("comment") or "")
        self._loading = False
        self.dirty = False
        self.problem.clear()
        self._show_others(result)
        state = "submitted" if own.get("submitted") else "draft" if own else "open"
        self.statusBar().showMessage(f"{case_id}: {STATE_LABELS[state]}")
        if self.rows and not any(row.hasFocus() for row in self.rows):
            self.rows[0].setFocus()
        self.caseShown.emit(case_id)

    def _show_others(self, result: dict[str, Any]) -> None:
        others = result["others"]
        if others is None:
            self.others.setText("Review mode: a review pack holds only your own scores.")
        elif result["blind"]:
            self.others.setText("Blind review: the other reviewers' scores are shown once you have submitted yours.")
        elif not others:
            self.others.setText("No other reviewer has submitted scores for this case study yet.")
        else:
            assert self.rubric is not None
            self.others.setText(reviews_html(others, self.rubric))

    # -- editing and saving ----------------------------------------------------------------------------
    def _mark_dirty(self) -> None:
        if not self._loading:
            self.dirty = True

    def form_values(self) -> tuple[dict[str, int], str | None, str]:
        scores = {row.criterion["id"]: row.score for row in self.rows if row.score is not None}
        checked = self.recommend.checkedButton()
        return scores, (checked.property("rid") if checked else None), self.comment.toPlainText()

    def choose_recommendation(self, rid: str) -> None:
        for button in self.recommend.buttons():
            if button.property("rid") == rid:
                button.setChecked(True)
        self._mark_dirty()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """I / C / X choose the recommendation (keys the criteria and buttons do not use reach here)."""
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier == Qt.KeyboardModifier.NoModifier and \
                event.key() in REC_KEYS:
            self.choose_recommendation(REC_KEYS[Qt.Key(event.key())])
        else:
            super().keyPressEvent(event)

    def save(self, *, draft: bool, then: str | None = None) -> None:
        """Save (draft) or submit through the core on the writer thread; ``then`` is the case study to show
        afterwards (default: this one, with the others' scores if the submission lifted the blind)."""
        if self.case_id is None or self.reviewer_id is None:
            return
        scores, rec, comment = self.form_values()
        case_id, reviewer = self.case_id, self.reviewer_id
        self.problem.clear()
        self.statusBar().showMessage("Saving draft…" if draft else "Submitting…")
        self.runner.write(self.source.save, reviewer, case_id, scores, rec, comment, draft,
                          on_done=lambda result: self._saved(result, draft, then),
                          on_error=lambda err: self._refused(err, draft))

    def _saved(self, result: dict[str, Any], draft: bool, then: str | None) -> None:
        self.dirty = False
        word = "Draft saved" if draft else "Submitted"
        if result.get("outcome") == "unchanged":
            word = "No change: the submitted scores are the same"
        self.statusBar().showMessage(f"{word} ({result.get('case')})", 8000)
        self.refresh_cases(then=then or self.case_id)
        self.saved.emit(result)

    def _refused(self, err: BaseException, draft: bool) -> None:
        if isinstance(err, CuratorError):  # one message, beside the form (not also the status bar and a box)
            self.problem.setText(f"⚠ Not saved: {err}")
            self.statusBar().clearMessage()
            return
        self.reporter.report(err, "Saving the draft" if draft else "Submitting")

    def _may_leave(self) -> bool:
        """A changed submitted review must be submitted again (Ctrl+Enter) or reverted (Ctrl+R) before moving on,
        so a change is never silently lost; an unsubmitted change is saved as a draft by the caller."""
        own = (self.current or {}).get("own") or {}
        if self.dirty and own.get("submitted"):
            self.problem.setText("⚠ You changed a submitted review: press Ctrl+Enter to submit the change, or "
                                 "Ctrl+R to revert it, before moving on.")
            return False
        return True

    def step(self, delta: int) -> None:
        if self.cases:
            here = max(0, self.case_box.findData(self.case_id))
            self.go_to(max(0, min(len(self.cases) - 1, here + delta)))

    def go_to(self, index: int) -> None:
        target = self.cases[index]["id"] if 0 <= index < len(self.cases) else None
        if target is None or target == self.case_id or not self._may_leave():
            self.case_box.setCurrentIndex(max(0, self.case_box.findData(self.case_id)))
            return
        if self.dirty:
            self.save(draft=True, then=target)  # keep what was typed, then move on
            return
        self.case_box.setCurrentIndex(index)
        self._load(target)

    def reload(self) -> None:
        if self.case_id is not None:
            self._load(self.case_id)

    def revert(self) -> QMessageBox | None:
        """Put back the saved scores and comment: an explicit command that asks first when anything would be
        lost (Esc used to do this silently; now Esc only closes pop-ups)."""
        if self.case_id is None:
            return None
        if not self.dirty:
            self.reload()
            return None
        title = next((c["title"] for c in self.cases if c["id"] == self.case_id), self.case_id)
        box = QMessageBox(QMessageBox.Icon.Question, "Revert this case study",
                          f"Put back the saved scores, recommendation and comment for '{title}'? The changes you "
                          "made since the last save will be lost.",
                          QMessageBox.StandardButton.Cancel, self)
        revert = box.addButton("Revert", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAccessibleName("Revert this case study")
        box.finished.connect(lambda _r: self.reload() if box.clickedButton() is revert else None)
        box.open()
        self.revert_prompt = box
        return box

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Closing keeps unsubmitted work as a draft (a small, quick write, so it is done here, not queued)."""
        own = (self.current or {}).get("own") or {}
        if self.dirty and self.case_id and self.reviewer_id and not own.get("submitted"):
            scores, rec, comment = self.form_values()
            try:
                self.source.save(self.reviewer_id, self.case_id, scores, rec, comment, True)
            except CuratorError as err:
                self.reporter.report(err, "Saving the draft before closing")
        self.dirty = False
        self.runner.shutdown()
        event.accept()
