"""The PII gate's scanner: find patient-identifiable data in text exactly as a guide would print it.

Published guides must hold no patient-identifiable data, so every printed string is scanned for NHS numbers
(only those with a valid Modulus 11 check digit, repdigits refused), full UK postcodes, dates of birth written
as such, and email addresses and phone numbers other than the contact who consented to be named.

Text is first made *canonical* (``canonical()``): Unicode NFKC, every space-like character one space, every
dash-like character "-", line breaks "\\n", invisible characters (zero-width, soft hyphen, direction marks,
controls) removed, non-ASCII digits made ASCII. Separators are then matched loosely (dots, slashes, dashes,
parentheses, line breaks, doubled or mixed), so "943.476.5919", "943–476–5919" or "9434 765 919" are one number.
Context keeps the checks quiet where the text says *organisation* (a 0300 helpline, ``team@nhs.net``, a
hospital's postcode in its address, a 10-digit number written as a "reference", a cohort born in a range of
years) and strict where it says *person* (a date *of birth*, a personal e-mail, a patient nearby).

A finding has a short stable ``finding`` id (kind + canonical matched text) so a lead can dismiss one as not
personal data. Pure functions, no I/O: which strings are printed is ``curator.word.pii_gate.printed_texts``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

KINDS = {"nhs_number": "NHS number", "postcode": "postcode", "date_of_birth": "date of birth",
         "email": "email address", "phone": "phone number"}
EXCERPT_WIDTH = 30

# -- canonical text -------------------------------------------------------------------------------------------
_LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n", "\x85": "\n", "\x0b": "\n", "\x0c": "\n"}
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d\u02d7\u2796"
_SLASHES = "\u2044\u2215\u29f8\uff0f"


class _CanonicalChars(dict):
    """str.translate table built lazily, one entry per character ever seen: the Unicode lookups run once."""

    def __missing__(self, code: int) -> str | None:
        ch = chr(code)
        cat = unicodedata.category(ch)
        if ch == "\n":
            out: str | None = ch
        elif ch == "\t" or cat == "Zs" or ch == "\u180e":
            out = " "
        elif cat in ("Cc", "Cf", "Mn", "Me") or ch in "\u3164\uffa0\u115f\u1160":  # controls, format, combining
            out = None
        elif cat == "Pd" or ch in _DASHES:
            out = "-"
        elif ch in _SLASHES:
            out = "/"
        elif cat == "Nd" and not ch.isascii():
            out = str(unicodedata.digit(ch))
        else:
            out = ch
        self[code] = out
        return out


_CHARS = _CanonicalChars()


def canonical(text: str) -> str:
    """The text as a reader sees it, with nothing that could split a number or hide a character."""
    if not text:
        return ""
    for old, new in _LINE_BREAKS.items():
        if old in text:
            text = text.replace(old, new)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.translate(_CHARS)


# -- patterns (over canonical text) ---------------------------------------------------------------------------
_SEP = r"[ \n\-./()\\_:]"
_DIGIT_RUN = re.compile(rf"(?<![\w.])\(?\d(?:{_SEP}{{0,3}}\d)*\)?(?![\w])")
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?:GIR ?0AA|ZZ99 ?[0-9][A-Z]{2}|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]"
    r"|[A-HK-Y][0-9][ABEHMNPRVWXY])[ \n-]{0,2}[0-9][ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])", re.IGNORECASE)
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)$", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+'-]+ ?@ ?[\w-]+(?: ?\. ?[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+])(?:\+ ?44[ \n]?(?:\(0\)[ \n]?)?|\(?0)\d[\d \n()/.-]{7,16}\d(?!\d)")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DOB_CONTEXT = r"(?:\bD\.? ?O\.? ?B\.?|\bdate of birth|\bbirth ?date|\bborn(?: on)?|\bb\.)"
_DATE = (r"(?:(?P<d>0?[1-9]|[12]\d|3[01]) ?[/.-] ?(?P<m>0?[1-9]|1[0-2]) ?[/.-] ?(?P<y>\d{4}|\d{2})(?!\d)"
         r"|(?P<iy>(?:19|20)\d{2})-(?P<im>0[1-9]|1[0-2])-(?P<id>0[1-9]|[12]\d|3[01])"
         r"|(?P<wd>\d{1,2})(?:st|nd|rd|th)?(?: of)?\s+(?P<wm>[A-Za-z]{3,9})\.?,?\s+(?P<wy>\d{4})"
         r"|(?P<md_m>[A-Za-z]{3,9})\.? (?P<md_d>\d{1,2})(?:st|nd|rd|th)?,? (?P<md_y>\d{4}))")
_DOB = re.compile(_DOB_CONTEXT + r"[\s:,-]{0,4}(?:is\s+|was\s+|on\s+)?" + _DATE, re.IGNORECASE)

# -- context: quiet where the words say organisation, strict where they say person -----------------------------
_PERSON = re.compile(r"\b(?:patient|patients'?|service user|client|resident|lives|living|his|her|mr|mrs|ms|miss|"
                     r"aged|year-old|nhs (?:no|number)|home address|d\.?o\.?b)\b", re.IGNORECASE)
_REFERENCE = re.compile(r"\b(?:reference|order (?:no|number)|invoice|isbn|issn|charity (?:no|number)|"
                        r"company (?:no|number)|registration (?:no|number)|registered (?:charity|company)|"
                        r"grant|contract|isrctn|project (?:no|number)|ods code)\b", re.IGNORECASE)
#: capitalised, as in a name ("Leeds General Infirmary", "Moss Side Surgery"): "seen at the clinic" is no address
_ORGANISATION = re.compile(r"\b(?:NHS|Hospital|Infirmary|Trust|ICB|Surgery|Practice|Clinic|Health Centre|"
                           r"Medical Centre|Centre|Council|University|College|Headquarters|HQ|House|Offices|Hub|"
                           r"Foundation|PCN|Primary Care Network)\b")
_ROLE_MAILBOX = {"team", "info", "information", "enquiries", "enquiry", "admin", "office", "contact", "contactus",
                 "hello", "help", "helpdesk", "support", "referrals", "referral", "communications", "comms",
                 "press", "media", "general", "reception", "feedback", "pals", "bookings", "booking",
                 "appointments", "noreply", "no-reply", "mailbox", "service", "services", "programme",
                 "project", "projects", "inequalities", "england", "hin", "ahsn", "research", "events",
                 "newsletter", "queries", "query", "secretariat", "digital", "data", "web", "website",
                 "governance", "complaints", "hr", "finance", "it", "ict", "clinic", "hub", "network"}
_COHORT = re.compile(r"(?:\b(?:between|from|after|before|since|cohort|people|patients|those|anyone|everyone|"
                     r"adults|women|men|children|babies|residents|all|anybody|generation)\s+(?:who\s+were\s+)?"
                     r"(?:born|b\.)\s*$)", re.IGNORECASE)
_RANGE_AFTER = re.compile(r"^\s*(?:-|to|and|until|till|through)\s*\d", re.IGNORECASE)
#: non-geographic numbers are organisations' lines (0300 helplines, 0800 freephone, 0845, 0870 …), 111 and 999
_ORGANISATION_PHONE = re.compile(r"^0(?:3\d\d|80\d|84\d|87\d|500)")


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
            word, day, year = ((m.group("wm"), m.group("wd"), m.group("wy")) if m.group("wm") else
                               (m.group("md_m"), m.group("md_d"), m.group("md_y")))
            month = word[:3].casefold()
            if month not in _MONTHS:
                return False
            date = dt.date(int(year), _MONTHS.index(month) + 1, int(day))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= date <= dt.date.today()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _phone_key(text: str) -> str:
    digits = _digits(canonical(text))
    return "0" + digits[2:].removeprefix("0") if digits.startswith("44") else digits


def _before(text: str, start: int, width: int = 40) -> str:
    return text[max(0, start - width):start]


def _around(text: str, start: int, end: int, width: int = 60) -> str:
    return text[max(0, start - width):end + width]


def _nhs_candidates(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, digits) for every 10 digits that could be one number: a whole run of exactly ten digits
    with any separators, or groups inside a longer run (at most one group shorter than three digits)."""
    for m in _DIGIT_RUN.finditer(text):
        groups = [(g.start() + m.start(), g.end() + m.start(), g.group()) for g in re.finditer(r"\d+", m.group())]
        total = sum(len(g) for _, _, g in groups)
        if total == 10:
            yield groups[0][0], groups[-1][1], "".join(g for _, _, g in groups)
            continue
        if total < 10:
            continue
        for i in range(len(groups)):
            size = 0
            for j in range(i, len(groups)):
                size += len(groups[j][2])
                if size > 10:
                    break
                if size == 10 and (i, j) != (0, len(groups) - 1):
                    chosen = groups[i:j + 1]
                    if sum(len(g) < 3 for _, _, g in chosen) <= 1:
                        yield chosen[0][0], chosen[-1][1], "".join(g for _, _, g in chosen)


def _quiet_nhs(text: str, start: int, end: int) -> bool:
    """A ten-digit number written unbroken after the word 'reference' (or an order, charity, ISBN …)."""
    before = _before(text, start, 30)
    return (bool(_REFERENCE.search(before)) and text[start:end].isdigit()
            and not _PERSON.search(_around(text, start, end, 40)))


def _quiet_email(address: str) -> bool:
    """Role mailboxes (team@nhs.net, england.inequalities@nhs.net) are an organisation's, not a person's."""
    local = address.split("@", 1)[0].strip().casefold()
    parts = [p for p in re.split(r"[._+-]", local) if p]
    return bool(parts) and (local in _ROLE_MAILBOX or parts[0] in _ROLE_MAILBOX or parts[-1] in _ROLE_MAILBOX
                            or any(p.endswith("team") for p in parts))


def _quiet_postcode(text: str, start: int, end: int) -> bool:
    """An organisation's address: a hospital, trust or practice named just before it on the same line, and
    nothing nearby that says a person lives there."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[max(line_start, start - 100):start]
    return bool(_ORGANISATION.search(before)) and not _PERSON.search(_around(text, start, end, 80))


def _quiet_dob(text: str, m: re.Match[str]) -> bool:
    """A cohort ('people born 1/1/1950 - 31/12/1960'): a range or a group, not one person's birthday."""
    if re.match(r"\s*(?:d\.? ?o\.? ?b|date of birth|birth ?date)", m.group(0), re.IGNORECASE):
        return False
    before = text[max(0, m.start() - 40):m.start()] + "born"
    return bool(_RANGE_AFTER.match(text[m.end():m.end() + 12]) or _COHORT.search(before))


def scan_text(text: str, *, allowed_emails: Iterable[str] = (), allowed_phones: Iterable[str] = ()
              ) -> Iterator[tuple[str, str, int, int]]:
    """(kind, matched text, start, end) for each piece of personal data in ``canonical(text)``, in order."""
    text = canonical(text)
    if not text:
        return
    emails = {re.sub(r"\s", "", canonical(e)).casefold() for e in allowed_emails if e and e.strip()}
    phones = {_phone_key(p) for p in allowed_phones if p and _digits(p)}
    found: list[tuple[str, str, int, int]] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int) -> None:
        if any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        found.append((kind, text[start:end], start, end))

    for m in _DOB.finditer(text):
        if _date_ok(m) and not _quiet_dob(text, m):
            add("date_of_birth", *m.span())
    for start, end, digits in _nhs_candidates(text):
        if nhs_number_valid(digits) and not _quiet_nhs(text, start, end):
            add("nhs_number", start, end)
    for m in _EMAIL.finditer(text):
        address = re.sub(r"\s", "", m.group(0)).casefold()
        if address not in emails and not _quiet_email(address):
            add("email", *m.span())
    for m in _PHONE.finditer(text):
        digits = _phone_key(m.group(0))
        if 10 <= len(digits) <= 11 and digits not in phones and not _ORGANISATION_PHONE.match(digits):
            add("phone", *m.span())
    for m in _POSTCODE.finditer(text):
        inward = re.sub(r"[ \n-]", "", m.group(0))[-3:]
        if _ORDINAL.match(inward) and not m.group(0).isupper():
            continue  # "B1 2nd floor", "m1 1st"
        if not _quiet_postcode(text, *m.span()):
            add("postcode", *m.span())
    yield from sorted(found, key=lambda f: f[2])


def finding_id(kind: str, match: str) -> str:
    """Short and stable: the same text of the same kind in one record is one finding, wherever it moves."""
    match = canonical(match)
    key = _digits(match) if kind in ("nhs_number", "phone") else re.sub(r"[\s-]+", "", match).casefold()
    return hashlib.sha1(f"{kind}:{key}".encode()).hexdigest()[:10]


def _excerpt(text: str, start: int, end: int) -> str:
    left = max(0, start - EXCERPT_WIDTH)
    right = min(len(text), end + EXCERPT_WIDTH)
    piece = " ".join(text[left:right].split())
    return ("…" if left else "") + piece + ("…" if right < len(text) else "")


def consented_contact(record: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The consented contact's e-mail and phone (allowed wherever they are printed); nobody else's."""
    contact = record.get("contact") if isinstance(record.get("contact"), dict) else {}
    if not record.get("contact_consent"):
        return [], []
    return [str(contact.get("email") or "")], [str(contact.get("phone") or "")]


def scan_texts(record: dict[str, Any], texts: Iterable[tuple[str, str]], dismissed: Iterable[str] = ()
               ) -> list[dict[str, Any]]:
    """Findings ``{"id", "title", "field", "kind", "excerpt", "match", "finding"}`` in ``texts`` (field, printed
    text) not in ``dismissed``; one finding per field and id even when two renderings of a field show it."""
    skip = set(dismissed)
    emails, phones = consented_contact(record)
    out = []
    seen: set[tuple[str, str]] = set()
    for field, text in texts:
        printed = canonical(text)
        for kind, match, start, end in scan_text(printed, allowed_emails=emails, allowed_phones=phones):
            fid = finding_id(kind, match)
            if fid in skip or (field, fid) in seen:
                continue
            seen.add((field, fid))
            out.append({"id": record.get("id"), "title": record.get("title", ""), "field": field, "kind": kind,
                        "excerpt": _excerpt(printed, start, end), "match": match, "finding": fid})
    return out


def scan_record(record: dict[str, Any], dismissed: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Findings over every string the guide prints for ``record`` (``curator.word.pii_gate.printed_texts``)."""
    from .word.pii_gate import printed_texts

    return scan_texts(record, printed_texts(record), dismissed)


def warnings_for(record: dict[str, Any], dismissed: Iterable[str] = ()) -> list[str]:
    """One warning line per finding, for saving a record (a warning, never a refusal)."""
    rid = record.get("id") or "ID"
    return [f"{f['field']}: this looks like a patient's {KINDS[f['kind']]} ('{f['match']}' in \"{f['excerpt']}\"); "
            f"remove it before the case study is published, or if it is not personal data run "
            f"'pii dismiss {rid} {f['finding']} --reason …'" for f in scan_record(record, dismissed)]

