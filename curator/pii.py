"""The PII gate: find patient-identifiable data in the text a guide would print.

Published guides must hold no patient-identifiable data, so every printed text field is scanned for NHS numbers
(only those with a valid Modulus 11 check digit, repdigits refused), full UK postcodes, dates of birth written
as such, and email addresses and phone numbers other than the contact who consented to be named. A finding
has a short stable ``finding`` id (kind + matched text) so a lead can dismiss one as not personal data.
Pure functions, no I/O: the library keeps the dismissals (``curator.word.editions``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Iterator
from typing import Any

KINDS = {"nhs_number": "NHS number", "postcode": "postcode", "date_of_birth": "date of birth",
         "email": "email address", "phone": "phone number"}
EXCERPT_WIDTH = 30

_NHS = re.compile(r"(?<![\d-])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\d-])")
# BS7666 shape (platform-facts §4), upper case only so "B1 2nd floor" is not a postcode; ZZ99 pseudo-postcodes too.
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|ZZ99 ?[0-9][A-Z]{2}|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]"
    r"|[A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2})\b")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d[\d\s()-]{7,14}\d(?!\d)")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DOB_CONTEXT = r"(?:\bD\.?O\.?B\.?|\bdate of birth|\bborn(?: on)?|\bb\.)"
_DATE = (r"(?:(?P<d>0?[1-9]|[12]\d|3[01])[/.-](?P<m>0?[1-9]|1[0-2])[/.-](?P<y>\d{4}|\d{2})"
         r"|(?P<iy>(?:19|20)\d{2})-(?P<im>0[1-9]|1[0-2])-(?P<id>0[1-9]|[12]\d|3[01])"
         r"|(?P<wd>\d{1,2})(?:st|nd|rd|th)?\s+(?P<wm>[A-Za-z]{3,9})\.?,?\s+(?P<wy>\d{4}))")
_DOB = re.compile(_DOB_CONTEXT + r"[\s:,-]{0,4}(?:is\s+|was\s+|on\s+)?" + _DATE, re.IGNORECASE)


def nhs_number_valid(digits: str) -> bool:
    """Modulus 11 (NHS Data Dictionary): weights 10..2 on digits 1-9; 11 → 0; 10 → never issued.
    Repdigits (0000000000, 1111111111 …) pass the arithmetic but are not NHS numbers."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _date_ok(m: re.Match[str]) -> bool:
    """A plausible past date, so 'born 31/02/2090' is not reported."""
    try:
        if m.group("d"):
            year = int(m.group("y"))
            year += 1900 if year >= 30 and year < 100 else 2000 if year < 100 else 0
            date = dt.date(year, int(m.group("m")), int(m.group("d")))
        elif m.group("iy"):
            date = dt.date(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
        else:
            month = m.group("wm")[:3].casefold()
            if month not in _MONTHS:
                return False
            date = dt.date(int(m.group("wy")), _MONTHS.index(month) + 1, int(m.group("wd")))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= date <= dt.date.today()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _phone_key(text: str) -> str:
    digits = _digits(text)
    return "0" + digits[2:].removeprefix("0") if digits.startswith("44") else digits


def scan_text(text: str, *, allowed_emails: Iterable[str] = (), allowed_phones: Iterable[str] = ()
              ) -> Iterator[tuple[str, str, int, int]]:
    """(kind, matched text, start, end) for each piece of personal data in ``text``, in order."""
    if not text:
        return
    emails = {e.strip().casefold() for e in allowed_emails if e and e.strip()}
    phones = {_phone_key(p) for p in allowed_phones if p and _digits(p)}
    found: list[tuple[str, str, int, int]] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, m: re.Match[str], group: int | str = 0) -> None:
        start, end = m.span(group)
        if any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        found.append((kind, text[start:end], start, end))

    for m in _DOB.finditer(text):
        if _date_ok(m):
            add("date_of_birth", m)
    for m in _NHS.finditer(text):
        if nhs_number_valid(m.group(1) + m.group(3) + m.group(4)):
            add("nhs_number", m)
    for m in _EMAIL.finditer(text):
        if m.group(0).casefold() not in emails:
            add("email", m)
    for m in _PHONE.finditer(text):
        digits = _phone_key(m.group(0))
        if 10 <= len(digits) <= 11 and digits not in phones:
            add("phone", m)
    for m in _POSTCODE.finditer(text):
        add("postcode", m)
    yield from sorted(found, key=lambda f: f[2])


def printed_fields(record: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(field path, text) for every text a guide or report prints; the consented contact is printed as such and
    is not scanned, an unconsented contact is never printed."""
    for name in ("title", "organisation", "ahsn", "programme", "period", "summary", "body", "evaluation_type",
                 "source_url"):
        value = record.get(name)
        if isinstance(value, str) and value:
            yield name, value
    for name in ("local_groups", "partners", "context_figures", "lessons", "additional_sources"):
        for i, value in enumerate(record.get(name) or []):
            if isinstance(value, str):
                yield f"{name}[{i}]", value
    for i, row in enumerate(record.get("outcomes") or []):
        for key in ("measure", "value"):
            if isinstance(row, dict) and isinstance(row.get(key), str):
                yield f"outcomes[{i}].{key}", row[key]
    for i, row in enumerate(record.get("key_actions") or []):
        if isinstance(row, dict) and isinstance(row.get("action"), str):
            yield f"key_actions[{i}].action", row["action"]


def finding_id(kind: str, match: str) -> str:
    """Short and stable: the same text of the same kind in one record is one finding, wherever it moves."""
    key = _digits(match) if kind in ("nhs_number", "phone") else re.sub(r"\s+", "", match).casefold()
    return hashlib.sha1(f"{kind}:{key}".encode()).hexdigest()[:10]


def _excerpt(text: str, start: int, end: int) -> str:
    left = max(0, start - EXCERPT_WIDTH)
    right = min(len(text), end + EXCERPT_WIDTH)
    piece = " ".join(text[left:right].split())
    return ("…" if left else "") + piece + ("…" if right < len(text) else "")


def scan_record(record: dict[str, Any], dismissed: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Findings ``{"id", "title", "field", "kind", "excerpt", "match", "finding"}`` not in ``dismissed``."""
    skip = set(dismissed)
    contact = record.get("contact") if isinstance(record.get("contact"), dict) else {}
    consented = bool(record.get("contact_consent"))
    emails = [contact.get("email", "")] if consented else []
    phones = [contact.get("phone", "")] if consented else []
    out = []
    for field, text in printed_fields(record):
        for kind, match, start, end in scan_text(text, allowed_emails=emails, allowed_phones=phones):
            fid = finding_id(kind, match)
            if fid in skip:
                continue
            out.append({"id": record.get("id"), "title": record.get("title", ""), "field": field, "kind": kind,
                        "excerpt": _excerpt(text, start, end), "match": match, "finding": fid})
    return out


def warnings_for(record: dict[str, Any], dismissed: Iterable[str] = ()) -> list[str]:
    """One warning line per finding, for saving a record (a warning, never a refusal)."""
    rid = record.get("id") or "ID"
    return [f"{f['field']}: this looks like a patient's {KINDS[f['kind']]} ('{f['match']}' in \"{f['excerpt']}\"); "
            f"remove it before the case study is published, or if it is not personal data run "
            f"'pii dismiss {rid} {f['finding']} --reason …'" for f in scan_record(record, dismissed)]
