"""The PII gate over a library: what a guide prints, scanned with its dismissals; dismiss one finding with a reason.

``printed_texts(record)`` is the one list of what the guide prints for a case study, as it prints it: Markdown
fields rendered by the same code the Word writer uses (``markdown_docx.to_html`` after ``blocks.xml_safe``, so
emphasis, entities and tags inside a number are gone and stripped control characters no longer split it), link
targets, plain fields after the writer's character clean-up, picture alt text, captions and file names, and the
consented contact's name, role, e-mail and phone. The scanner (``curator.pii``) then makes the text canonical
(NFKC, spaces and dashes unified, invisible characters removed). Whoever adds a printed field to the guide adds
it here, so the gate always scans exactly what is printed.

A dismissal is kept per record and finding (kind + matched text), so it survives edits elsewhere in the record
but not a change to that text. Each dismissal is also an audit row in the record's history.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import CuratorError
from ..history import now_iso, os_user
from ..pii import KINDS, scan_record, warnings_for

#: Fields the guide renders as Markdown (write-ups); every other printed string is written as plain runs.
MARKDOWN_FIELDS = ("summary", "body")
PLAIN_FIELDS = ("title", "organisation", "ahsn", "programme", "period", "evaluation_type", "source_url")
LIST_FIELDS = ("local_groups", "partners", "context_figures", "lessons", "additional_sources")
#: List items the guide renders as Markdown (issue 14: lessons, context figures and key actions)
MARKDOWN_LIST_FIELDS = ("context_figures", "lessons")
ATTACHMENT_KEYS = ("name", "alt", "caption", "title", "description")
CONTACT_KEYS = ("name", "role", "organisation", "email", "phone")


def printed_strings(record: dict[str, Any]) -> Iterator[tuple[str, str, bool]]:
    """(field path, stored text, is Markdown) for every string of ``record`` that the guide prints."""
    for name in ("review_by", "year"):  # printed as "Month YYYY" / the year: scanned as stored
        value = record.get(name)
        if isinstance(value, str | int) and value:
            yield name, str(value), False
    for name in (*MARKDOWN_FIELDS, *PLAIN_FIELDS):
        value = record.get(name)
        if isinstance(value, str) and value:
            yield name, value, name in MARKDOWN_FIELDS
    for name in LIST_FIELDS:
        for i, value in enumerate(record.get(name) or []):
            if isinstance(value, str) and value:
                yield f"{name}[{i}]", value, name in MARKDOWN_LIST_FIELDS
    for i, row in enumerate(record.get("outcomes") or []):
        for key in ("measure", "value"):
            if isinstance(row, dict) and isinstance(row.get(key), str):
                yield f"outcomes[{i}].{key}", row[key], False
    for i, row in enumerate(record.get("key_actions") or []):
        for key in ("action", "audience"):
            if isinstance(row, dict) and isinstance(row.get(key), str) and row[key]:
                yield f"key_actions[{i}].{key}", row[key], key == "action"
    for i, row in enumerate(record.get("attachments") or []):
        for key in ATTACHMENT_KEYS:
            if isinstance(row, dict) and isinstance(row.get(key), str) and row[key]:
                yield f"attachments[{i}].{key}", row[key], False
    contact = record.get("contact")
    if record.get("contact_consent") and isinstance(contact, dict):  # an unconsented contact is never printed
        for key in CONTACT_KEYS:
            if isinstance(contact.get(key), str) and contact[key]:
                yield f"contact.{key}", contact[key], False


def rendered(text: str, markdown: bool) -> list[str]:
    """What the Word writer prints for one stored string: the text of the rendered Markdown (its link targets as
    well), after the writer's removal of characters XML cannot hold."""
    from lxml import html as lxml_html

    from . import blocks
    from .markdown_docx import to_html

    clean = blocks.xml_safe(text)
    if not markdown:
        return [clean]
    out = []
    for fragment in lxml_html.fragments_fromstring(to_html(clean) or "<p></p>"):
        if isinstance(fragment, str):
            out.append(fragment)
            continue
        out.append(fragment.text_content())
        out.extend(a.get("href", "") for a in fragment.iter("a") if a.get("href"))
    text_only = "\n".join(out)
    # the writer drops the newline inside a paragraph's runs, so "943 476\n5919" may print joined: scan both
    return [text_only, text_only.replace("\n", "")]


def printed_texts(record: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(field path, printed text) for everything the guide prints about ``record``: the PII gate's input."""
    for field, text, markdown in printed_strings(record):
        for printed in rendered(text, markdown):
            if printed.strip():
                yield field, printed


def dismissed(library: Any, case_id: str) -> set[str]:
    return {r["finding"] for r in library.store.query("SELECT finding FROM pii_dismissals WHERE case_id=?",
                                                      (case_id,))}


def save_warnings(record: dict[str, Any], library: Any) -> list[str]:
    """The save check: a warning per finding not already dismissed for this record (never a refusal)."""
    return warnings_for(record, dismissed(library, record["id"]) if record.get("id") else ())


def all_dismissed(library: Any) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for row in library.store.query("SELECT case_id, finding FROM pii_dismissals"):
        out.setdefault(row["case_id"], set()).add(row["finding"])
    return out


def scan(library: Any, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings not dismissed, across ``records`` (each must carry its id)."""
    skip = all_dismissed(library)
    findings = []
    for record in records:
        findings.extend(scan_record(record, skip.get(record.get("id"), ())))
    return findings


def dismiss(library: Any, case_id: str, finding: str, reason: str) -> dict[str, Any]:
    """Record that one finding is not personal data; refuses an id that is not a current finding."""
    if not reason or not reason.strip():
        raise CuratorError("say why this is not personal data: --reason \"…\" (it is kept in the history)")
    record = library.get(case_id)
    current = scan_record(record)
    match = next((f for f in current if f["finding"] == finding), None)
    if match is None:
        known = ", ".join(f"{f['finding']} ({KINDS[f['kind']]} in {f['field']})" for f in current) or "none"
        raise CuratorError(f"'{finding}' is not a finding in {case_id}; its findings are: {known}. Run "
                           f"'check-pii {case_id}' to see them")
    with library.store.transaction():
        library.store.conn.execute(
            "INSERT OR REPLACE INTO pii_dismissals(case_id, finding, kind, excerpt, reason, at, user) "
            "VALUES (?,?,?,?,?,?,?)", (case_id, finding, match["kind"], match["excerpt"], reason.strip(), now_iso(),
                                       os_user()))
        library.record_event(case_id, f"Dismiss possible {KINDS[match['kind']]} as not personal data",
                             f"{match['field']}: '{match['match']}': {reason.strip()}")
    return {"id": case_id, "finding": finding, "kind": match["kind"], "field": match["field"],
            "excerpt": match["excerpt"], "reason": reason.strip()}
