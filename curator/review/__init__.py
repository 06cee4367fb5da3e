"""The expert reference group review: reviewers, rubric, assignment, blind scoring, agreement, decisions,
offline packs and sheets, reports. Qt-free; the CLI (``curator/cli/cmd_review.py``) and the UI call these.

Entry points, one module each: ``reviewers`` (people and conflicts), ``rubric`` (versioned criteria),
``assign`` (who reviews what), ``scoring`` (scores, blind visibility, progress), ``summary`` (per case and
agreement), ``agreement`` (Krippendorff's alpha), ``decisions`` (the chair's decision sets the status),
``packs`` and ``sheets`` (offline review), ``merge`` (taking them back), ``report`` (Word, CSV, XLSX).
"""
