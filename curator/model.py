"""The case study: every field of the interchange format, normalised and validated.

A record is a plain ``dict`` in the interchange format (``../shared/reference/case-study-format.md``), so the
CLI, the store, the importers and the exporters all speak one shape with no conversion layer. ``normalise``
turns untrusted input into that shape or raises ``RecordErrors`` listing every problem with its field.
Fields Curator does not know are kept verbatim; text is never altered.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

from .errors import RecordErrors, ValidationError
from .vocab import Vocabularies, vocabularies

STATUSES = ("draft", "submitted", "in_review", "accepted", "rejected", "published", "archived")
TITLE_MAX = 300
#: a record id: "cs-" and lower-case hex (``library.new_id`` makes 10); anything else is refused on the way in
ID_PATTERN = re.compile(r"cs-[0-9a-f]{4,32}")
#: the longest text one field may hold (a write-up of a few hundred pages); more is refused, not truncated
MAX_TEXT_CHARS = 1_000_000
YEAR_RANGE = (1990, 2100)

TEXT_FIELDS = ("title", "organisation", "ahsn", "programme", "period", "summary", "body", "evaluation_type",
               "source_url")
STRING_LIST_FIELDS = ("local_groups", "partners", "context_figures", "lessons", "additional_sources")
TAG_FIELDS = {"clinical_areas": "areas", "population_groups": "groups", "action_areas": "actions"}
CONTACT_KEYS = ("name", "role", "email", "phone")
SIGNOFF_KEYS = ("wording_approved_by", "comms_signoff", "image_rights")

#: Fields in the order they are exported; library metadata (id, status, created, updated) around them.
FIELD_ORDER = (
    "id", "title", "organisation", "ics", "ahsn", "programme", "clinical_areas", "population_groups",
    "action_areas", "key_actions", "local_groups", "period", "year", "partners", "summary", "body", "outcomes",
    "context_figures", "lessons", "evaluation_type", "source_url", "additional_sources", "contact",
    "contact_consent", "declarations", "signoff", "review_by", "status", "attachments",
)
METADATA_FIELDS = ("created", "updated")
KNOWN_FIELDS = frozenset(FIELD_ORDER) | frozenset(METADATA_FIELDS)
#: Markdown fields: rendered (sanitised) in the app and in Word.
MARKDOWN_FIELDS = ("summary", "body")
#: Human labels for fields, shared by CLI messages, the editor and Word templates.
FIELD_LABELS = {
    "title": "Title", "organisation": "Lead organisation", "ics": "Integrated Care System (ICS)",
    "ahsn": "Health Innovation Network (formerly AHSN)", "programme": "Programme",
    "clinical_areas": "Clinical areas", "population_groups": "Population groups", "action_areas": "Action areas",
    "key_actions": "Key actions", "local_groups": "Local PLUS groups", "period": "Period", "year": "Start year",
    "partners": "Partners", "summary": "Summary", "body": "Full write-up", "outcomes": "Outcomes",
    "context_figures": "Context figures", "lessons": "Lessons learned", "evaluation_type": "Evaluation type",
    "source_url": "Source link", "additional_sources": "Additional sources", "contact": "Contact",
    "contact_consent": "Contact may be published", "declarations": "Declarations", "signoff": "Sign-off",
    "review_by": "Review by", "status": "Status", "attachments": "Attachments",
}

_TRUE = {"true", "yes", "y", "1", "x", "✓", "✔"}
_FALSE = {"false", "no", "n", "0", ""}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def empty_record() -> dict[str, Any]:
    """A record with every known field at its empty value (what the editor starts from)."""
    return {
        "title": "", "organisation": "", "ics": None, "ahsn": "", "programme": "", "clinical_areas": [],
        "population_groups": [], "action_areas": [], "key_actions": [], "local_groups": [], "period": "",
        "year": None, "partners": [], "summary": "", "body": "", "outcomes": [], "context_figures": [],
        "lessons": [], "evaluation_type": "", "source_url": "", "additional_sources": [],
        "contact": {k: "" for k in CONTACT_KEYS}, "contact_consent": False,
        "declarations": {"sponsorship": "", "data_protection_consent": False},
        "signoff": {"wording_approved_by": "", "comms_signoff": False, "image_rights": ""},
        "review_by": None, "status": "draft", "attachments": [],
    }


def _kind(value: Any) -> str:
    return {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "an object",
            type(None): "nothing"}.get(type(value), type(value).__name__)


class _Checker:
    """Collects every problem in one record instead of stopping at the first."""

    def __init__(self, vocab: Vocabularies) -> None:
        self.vocab = vocab
        self.errors: list[ValidationError] = []

    def fail(self, field: str, message: str, value: Any = None) -> None:
        self.errors.append(ValidationError(field, message, value))

    def text(self, field: str, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(field, f"expected text, got {_kind(value)}", value)
            return ""
        if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
            self.fail(field, f"is {len(value):,} characters, more than the {MAX_TEXT_CHARS:,} a field may hold; "
                      "shorten it or attach the full text as a file", value[:40] + "…")
            return ""
        return value if isinstance(value, str) else str(value)

    def string_list(self, field: str, value: Any) -> list[str]:
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list):
            self.fail(field, f"expected a list of text items, got {_kind(value)}", value)
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, str) and len(item) > MAX_TEXT_CHARS:
                self.text(f"{field}[{i}]", item)  # the same refusal as any over-long text
            elif isinstance(item, str):
                out.append(item)
            elif isinstance(item, int | float) and not isinstance(item, bool):
                out.append(str(item))
            else:
                self.fail(f"{field}[{i}]", f"expected text, got {_kind(item)}", item)
        return out

    def boolean(self, field: str, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if value is None:
            return False
        if isinstance(value, str | int) and str(value).strip().casefold() in _TRUE | _FALSE:
            return str(value).strip().casefold() in _TRUE
        self.fail(field, f"expected true or false, got {value!r}", value)
        return False

    def tags(self, field: str, value: Any) -> list[str]:
        vocab = getattr(self.vocab, TAG_FIELDS[field])
        items = self.string_list(field, value)
        out: list[str] = []
        for item in items:
            try:
                term = vocab.resolve(item.strip(), field)
            except ValidationError as err:
                self.errors.append(err)
                continue
            if term.id not in out:
                out.append(term.id)
        return out

    def ics(self, value: Any) -> str | None:
        if value is None or value == "":
            return None
        if isinstance(value, dict):
            candidate = value.get("code") or value.get("name")
            if not candidate:
                self.fail("ics", "an ICS object needs a 'code' or a 'name'", value)
                return None
            value = candidate
        try:
            return self.vocab.ics.resolve(value, "ics").id
        except ValidationError as err:
            self.errors.append(err)
            return None

    def year(self, value: Any) -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            self.fail("year", f"{value!r} is not a year; give a four-digit year such as 2023", value)
            return None
        if isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value):
            value = int(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int):
            self.fail("year", f"{value!r} is not a number; give a four-digit year such as 2023", value)
            return None
        if not YEAR_RANGE[0] <= value <= YEAR_RANGE[1]:
            self.fail("year", f"{value} is outside {YEAR_RANGE[0]}–{YEAR_RANGE[1]}; give the year the work started",
                      value)
            return None
        return value

    def pairs(self, field: str, value: Any, keys: tuple[str, str]) -> list[dict[str, Any]]:
        """A list of small objects such as outcomes {measure, value}; unknown keys are kept."""
        if value is None or value == "":
            return []
        if not isinstance(value, list):
            self.fail(field, f"expected a list of {{{', '.join(keys)}}} objects, got {_kind(value)}", value)
            return []
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                self.fail(f"{field}[{i}]", f"expected an object with {' and '.join(keys)}, got {_kind(item)}", item)
                continue
            row = dict(item)
            for key in keys:
                row[key] = self.text(f"{field}[{i}].{key}", item.get(key))
            if not any(row[k].strip() for k in keys):
                continue  # a blank row from a form or spreadsheet carries nothing
            out.append(row)
        return out

    def key_actions(self, value: Any) -> list[dict[str, Any]]:
        rows = self.pairs("key_actions", value, ("action", "audience"))
        for i, row in enumerate(rows):
            if not row["action"].strip():
                self.fail(f"key_actions[{i}].action", "is empty; say what the action is", row)
            if row["audience"].strip():
                try:
                    row["audience"] = self.vocab.audiences.resolve(row["audience"], f"key_actions[{i}].audience").id
                except ValidationError as err:
                    self.errors.append(err)
        return rows

    def obj(self, field: str, value: Any, spec: dict[str, str]) -> dict[str, Any]:
        """A fixed small object (contact, declarations, signoff); unknown keys are kept verbatim."""
        if value is None or value == "":
            value = {}
        if not isinstance(value, dict):
            self.fail(field, f"expected an object with {', '.join(spec)}, got {_kind(value)}", value)
            return {k: (False if t == "bool" else "") for k, t in spec.items()}
        out = dict(value)
        for key, kind in spec.items():
            raw = value.get(key)
            if kind == "bool":
                out[key] = self.boolean(f"{field}.{key}", raw)
            elif kind == "text_or_bool" and isinstance(raw, bool):
                out[key] = raw
            else:
                out[key] = self.text(f"{field}.{key}", raw)
        return out

    def date(self, field: str, value: Any) -> str | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.date):
            return value.isoformat()[:10]
        if isinstance(value, str):
            parsed = parse_date(value)
            if parsed is not None:
                return parsed
        self.fail(field, f"{value!r} is not a date; write it as DD/MM/YYYY or YYYY-MM-DD, e.g. 31/03/2027", value)
        return None

    def attachments(self, value: Any) -> list[dict[str, Any]]:
        rows = self.pairs("attachments", value, ("name", "sha256"))
        for i, row in enumerate(rows):
            if row["sha256"] and not re.fullmatch(r"[0-9a-f]{64}", row["sha256"]):
                self.fail(f"attachments[{i}].sha256", "must be 64 lower-case hex digits (a SHA-256)", row["sha256"])
        return rows


def normalise(raw: Any, vocab: Vocabularies | None = None) -> tuple[dict[str, Any], list[str]]:
    """Validate untrusted input; return the record in canonical form and warnings for the user.

    Raises ``RecordErrors`` with one ``ValidationError`` per problem. Text is kept byte for byte; ids of
    controlled terms replace the labels people typed; unknown fields are kept and named in a warning.
    """
    vocab = vocab or vocabularies()
    if not isinstance(raw, dict):
        raise RecordErrors([ValidationError("record", f"expected a JSON object for a case study, got {_kind(raw)}")])
    c = _Checker(vocab)
    rec = empty_record()
    warnings: list[str] = []

    for name in TEXT_FIELDS:
        rec[name] = c.text(name, raw.get(name))
    title = rec["title"]
    if "title" not in raw or not title.strip():
        c.fail("title", "is required; give the case study a short descriptive title", raw.get("title"))
    elif len(title) > TITLE_MAX:
        c.fail("title", f"is {len(title)} characters; shorten it to {TITLE_MAX} or fewer", title[:40] + "…")
    for name in STRING_LIST_FIELDS:
        rec[name] = c.string_list(name, raw.get(name))
    for name in TAG_FIELDS:
        rec[name] = c.tags(name, raw.get(name))
    rec["ics"] = c.ics(raw.get("ics"))
    rec["year"] = c.year(raw.get("year"))
    rec["outcomes"] = c.pairs("outcomes", raw.get("outcomes"), ("measure", "value"))
    rec["key_actions"] = c.key_actions(raw.get("key_actions"))
    rec["contact"] = c.obj("contact", raw.get("contact"), {k: "text" for k in CONTACT_KEYS})
    rec["contact_consent"] = c.boolean("contact_consent", raw.get("contact_consent"))
    rec["declarations"] = c.obj("declarations", raw.get("declarations"),
                                {"sponsorship": "text", "data_protection_consent": "bool"})
    rec["signoff"] = c.obj("signoff", raw.get("signoff"), {"wording_approved_by": "text",
                                                           "comms_signoff": "text_or_bool", "image_rights": "text"})
    rec["review_by"] = c.date("review_by", raw.get("review_by"))
    rec["attachments"] = c.attachments(raw.get("attachments"))

    status = raw.get("status") or "draft"
    if status not in STATUSES:
        folded = str(status).strip().casefold().replace(" ", "_").replace("-", "_")
        if folded in STATUSES:
            status = folded
        else:
            c.fail("status", f"'{status}' is not a status; use one of {', '.join(STATUSES)}", status)
            status = "draft"
    rec["status"] = status

    email = rec["contact"].get("email", "")
    if email and not _EMAIL.match(email.strip()):
        warnings.append(f"contact.email: '{email}' does not look like an email address")
    if "local_other" in rec["population_groups"] and not rec["local_groups"]:
        warnings.append("population_groups: 'local_other' is set but local_groups is empty; name the local group")

    if raw.get("id") not in (None, ""):
        rec["id"] = c.text("id", raw.get("id"))
        if rec["id"] and not ID_PATTERN.fullmatch(rec["id"]):
            c.fail("id", f"'{str(rec['id'])[:40]}' is not a Curator id ('cs-' and hex digits, e.g. cs-3f9a0c12de); "
                   "remove the id to give the record a new one", str(rec["id"])[:40])
    for meta in METADATA_FIELDS:
        if raw.get(meta):
            rec[meta] = c.text(meta, raw.get(meta))
    unknown = [k for k in raw if k not in KNOWN_FIELDS]
    for key in unknown:
        rec[key] = copy.deepcopy(raw[key])
    if unknown:
        warnings.append(f"kept field(s) Curator does not know, unchanged: {', '.join(unknown)}")

    if c.errors:
        raise RecordErrors(c.errors)
    return rec, warnings


def ordered(record: dict[str, Any]) -> dict[str, Any]:
    """The record with fields in export order, metadata after, unknown fields last (verbatim)."""
    out = {k: record[k] for k in FIELD_ORDER if k in record}
    out.update({k: record[k] for k in METADATA_FIELDS if k in record})
    out.update({k: v for k, v in record.items() if k not in out})
    return out


def unknown_fields(record: dict[str, Any]) -> list[str]:
    return [k for k in record if k not in KNOWN_FIELDS]


def parse_date(text: str) -> str | None:
    """ISO 'YYYY-MM-DD' or the UK's day-first 'DD/MM/YYYY' (also with '-' or '.'), as an ISO date; else None.
    Day first, never month first: 03/04/2027 is 3 April, as an NHS colleague means it."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    parts = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if parts:
        try:
            return dt.date(int(parts[3]), int(parts[2]), int(parts[1])).isoformat()
        except ValueError:
            return None
    return None


def field_label(path: str) -> str:
    """A validation path in the user's words: 'review_by' → 'Review by', 'outcomes[2].value' → 'Outcomes, row 3,
    value' (the CLI keeps the path; the window shows this)."""
    match = re.fullmatch(r"([a-z_]+)(?:\[(\d+)\])?(?:\.([a-z_]+))?", path)
    if not match:
        return path
    out = FIELD_LABELS.get(match[1], match[1].replace("_", " ").capitalize())
    if match[2] is not None:
        out += f", row {int(match[2]) + 1}"
    if match[3]:
        out += f", {match[3].replace('_', ' ')}"
    return out
