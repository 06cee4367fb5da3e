"""Export the high impact actions guide: choose records, pass the PII gate, lay out, save, record the edition.

``export_guide`` is what the CLI (and later the UI) calls. Nothing is written when a printed field holds
possible patient-identifiable data: ``PiiBlocked`` carries the findings so the lead can fix or dismiss them.
Every new guide is an edition (records as they went in); ``edition=N`` writes edition N again, unchanged.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from ..errors import CuratorError
from ..history import now_iso
from ..model import STATUSES
from ..progress import ProgressFn, no_progress
from ..vocab import vocabularies
from . import editions, guide_text, house, pii_gate
from .guide_sections import GuideWriter
from .pdf import find_soffice, write_pdf  # noqa: F401 - find_soffice is part of this module's API

GROUPINGS = {"action": "The four key areas for action", "area": "Core20PLUS5 clinical areas",
             "region": "NHS regions"}
DEFAULT_STATUSES = ["accepted", "published"]
DEFAULT_TITLE = "Tackling healthcare inequalities: high impact actions"
DEFAULT_PUBLISHER = "the Health Innovation Network"


class PiiBlocked(CuratorError):
    """The guide was not written: printed text holds possible patient-identifiable data."""

    def __init__(self, findings: list[dict[str, Any]]) -> None:
        self.findings = findings
        records = len({f["id"] for f in findings})
        super().__init__(f"the guide was not written: {len(findings)} possible piece(s) of patient-identifiable "
                         f"data in {records} case stud{'y' if records == 1 else 'ies'}; fix the text, or if one is "
                         "not personal data run 'pii dismiss ID FINDING --reason …'")


def group_records(records: list[dict[str, Any]], group_by: str) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(key, title, records) per section in vocabulary order. A case study is in every section it is tagged
    with (every key area for action, every Core20PLUS5 clinical area); sections no case study is in are left out."""
    vocab = vocabularies()
    order = guide_text.section_keys(group_by)
    known = {k for k, _ in order}
    if group_by == "action":
        def keys(r: dict[str, Any]) -> list[str]:
            return [a for a in r.get("action_areas") or [] if a in known] or [""]
    elif group_by == "area":
        def keys(r: dict[str, Any]) -> list[str]:
            tags = r.get("clinical_areas") or []
            return [a for a in tags if a in known] + (["other"] if not tags or any(a not in known for a in tags)
                                                       else [])
    else:
        def keys(r: dict[str, Any]) -> list[str]:
            return [vocab.region_of(r.get("ics")) or ""]
    buckets: dict[str, list[dict[str, Any]]] = {k: [] for k, _ in order}
    for record in records:
        for key in dict.fromkeys(keys(record)):
            buckets[key].append(record)
    return [(k, title, sorted(buckets[k], key=lambda r: r["title"].casefold())) for k, title in order if buckets[k]]


def _date_text(stamp: str) -> str:
    when = dt.datetime.strptime(stamp[:10], "%Y-%m-%d")
    return f"{when.day} {when:%B %Y}"


def build_guide(edition: editions.Edition, log: dict[str, Any], template: Path | None = None,
                progress: ProgressFn = no_progress, attachments_dir: Path | None = None) -> tuple[Any, GuideWriter]:
    """The guide of one edition as a python-docx Document (same edition in, same content out), and its writer
    (which lists the pictures it left out and why). Everything printed comes from the edition: its records and
    the options saved with it (openings, acknowledgements, review counts), so edition N is always the same."""
    options = edition.options
    group_by = options["group_by"]
    sections = group_records(edition.records, group_by)
    document = house.new_document(template)
    house.set_properties(document, title=edition.title, subject="High impact actions guide",
                         keywords="Core20PLUS5; health inequalities; case studies",
                         when=dt.datetime.strptime(edition.created, "%Y-%m-%dT%H:%M:%SZ"))
    house.update_fields_on_open(document)
    house.page_number_footer(document.sections[0], edition.title if len(edition.title) < 60 else "")
    writer = GuideWriter(document, attachments_dir)
    date_text = _date_text(edition.created)
    count = len(edition.records)
    publisher = options.get("publisher") or DEFAULT_PUBLISHER
    writer.cover(edition.title, options.get("subtitle") or f"Lessons from {count} NHS case studies",
                 date_text, publisher, edition.number, options.get("contact") or publisher)
    back = ["Acknowledgements", "Appendix A: Case studies by region and ICS", "Appendix B: Coverage",
            "Appendix C: About this edition"]
    writer.contents(["Introduction", "How the case studies were gathered and reviewed",
                     *(title for _, title, _ in sections), *back])
    writer.introduction(count, GROUPINGS[group_by])
    writer.method(options.get("flow") or {}, count, options["statuses"])
    openings = options.get("openings") or {}
    placed: list[tuple[str, dict[str, Any]]] = []
    printed: set[str] = set()
    done = 0
    for key, title, records in sections:
        writer.section(title, openings.get(key or "none", ""))
        writer.checklist(records)
        again = []
        for record in records:
            if record["id"] in printed:
                again.append(record)
                continue
            writer.case_study(record)
            printed.add(record["id"])
            placed.append((title, record))
            done += 1
            progress(done, count, record["title"])
        writer.cross_references(again, title)
    writer.acknowledgements(edition.records, options.get("acknowledged") or [])
    writer.index_appendix(placed)
    writer.coverage_appendix(edition.records)
    writer.edition_appendix(edition.number, date_text, options["statuses"], GROUPINGS[group_by], log,
                            [r for _, r in placed])
    return document, writer


def _review_counts(library: Any) -> dict[str, Any]:
    from ..review.report import flow_counts

    return flow_counts(library)


def export_guide(library: Any, out: Path, *, statuses: list[str] | None = None, group_by: str = "action",
                 template: Path | None = None, title: str | None = None, subtitle: str | None = None,
                 publisher: str | None = None, edition: int | None = None, pdf: bool = False,
                 progress: ProgressFn = no_progress, contact: str | None = None) -> dict[str, Any]:
    """Write the guide (a new edition, edition N again, or the last edition again when nothing in it has
    changed); returns what was written for the CLI's JSON."""
    started = time.perf_counter()
    out = Path(out)
    if template is not None and not Path(template).is_file():
        raise CuratorError(f"--template {template}: no such file; give a Word .docx whose styles to use")
    reused = False
    if edition is not None:
        chosen = editions.load_edition(library, edition)
    else:
        statuses = statuses or DEFAULT_STATUSES
        for status in statuses:
            if status not in STATUSES:
                raise CuratorError(f"--status: '{status}' is not a status; use one of {', '.join(STATUSES)}")
        if group_by not in GROUPINGS:
            raise CuratorError(f"--group-by must be one of {', '.join(GROUPINGS)}, not '{group_by}'")
        records = [r for s in statuses for r in library.iter_records(status=s)]
        if not records:
            raise CuratorError(f"no case studies have status {' or '.join(statuses)}, so there is nothing to put in "
                               "the guide; accept some first, or choose others with --status")
        sections = group_records(records, group_by)
        openings = {}
        for key, section_title, _ in sections:
            words, _custom = guide_text.opening(library, group_by, key, section_title)
            openings[key or "none"] = words
        options = {"group_by": group_by, "statuses": statuses, "subtitle": subtitle or "",
                   "publisher": publisher or "", "contact": contact or "", "openings": openings,
                   "acknowledged": guide_text.acknowledged(library), "flow": _review_counts(library),
                   "created": now_iso()}
        number = (library.store.scalar("SELECT MAX(number) FROM guide_editions") or 0) + 1
        ids = [r["id"] for r in records]
        chosen = editions.Edition(number, options["created"], title or DEFAULT_TITLE, options, records,
                                  editions.record_versions(library, ids),
                                  {i: editions.decision_for(library, i) for i in ids})
        same = editions.same_as_last(library, chosen)
        if same is not None:
            chosen, reused = same, True
    findings = pii_gate.scan(library, chosen.records)
    if findings:
        raise PiiBlocked(findings)
    log = editions.change_log(library, chosen)
    document, writer = build_guide(chosen, log, template, progress, library.attachments_dir)
    size = house.save_clean(document, out)
    if edition is None and not reused:
        editions.save_edition(library, chosen, str(out.resolve()))
    result = {"path": str(out.resolve()), "edition": chosen.number, "records": len(chosen.records),
              "group_by": chosen.options["group_by"], "statuses": chosen.options["statuses"], "bytes": size,
              "rewritten": edition is not None or reused, "reused": reused, "changes": log,
              "pictures_skipped": writer.skipped_pictures}
    if pdf:
        result["pdf"] = str(write_pdf(out))
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result
