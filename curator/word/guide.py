"""Export the high impact actions guide: choose records, pass the PII gate, lay out, save, record the edition.

``export_guide`` is what the CLI (and later the UI) calls. Nothing is written when a printed field holds
possible patient-identifiable data: ``PiiBlocked`` carries the findings so the lead can fix or dismiss them.
Every new guide is an edition (records as they went in); ``edition=N`` writes edition N again, unchanged.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from ..errors import CuratorError
from ..history import now_iso
from ..model import STATUSES
from ..progress import ProgressFn, no_progress
from ..vocab import vocabularies
from . import editions, house, pii_gate
from .guide_sections import COHORT_TITLES, GuideWriter

GROUPINGS = {"action": "The four key areas for action", "area": "Core20PLUS5 clinical areas",
             "region": "NHS regions"}
DEFAULT_STATUSES = ["accepted", "published"]
DEFAULT_TITLE = "Tackling healthcare inequalities: high impact actions"
DEFAULT_PUBLISHER = "the Health Innovation Network"
PDF_TIMEOUT = 240
TAGGED_PDF = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'


class PiiBlocked(CuratorError):
    """The guide was not written: printed text holds possible patient-identifiable data."""

    def __init__(self, findings: list[dict[str, Any]]) -> None:
        self.findings = findings
        records = len({f["id"] for f in findings})
        super().__init__(f"the guide was not written: {len(findings)} possible piece(s) of patient-identifiable "
                         f"data in {records} case stud{'y' if records == 1 else 'ies'}; fix the text, or if one is "
                         "not personal data run 'pii dismiss ID FINDING --reason …'")


def group_records(records: list[dict[str, Any]], group_by: str) -> list[tuple[str, list[dict[str, Any]]]]:
    """Sections in vocabulary order, each case study once (in the section of its first tag), empty ones left out."""
    vocab = vocabularies()
    if group_by == "action":
        order = [(a.id, a.label) for a in vocab.actions] + [("", "Other case studies")]
        key = lambda r: (r.get("action_areas") or [""])[0]  # noqa: E731
    elif group_by == "area":
        order = list(COHORT_TITLES.items())
        key = lambda r: vocab.area_cohort((r.get("clinical_areas") or [""])[0])  # noqa: E731
    elif group_by == "region":
        order = [(t.id, t.label) for t in vocab.regions] + [("", "Region not recorded")]
        key = lambda r: vocab.region_of(r.get("ics")) or ""  # noqa: E731
    else:
        raise CuratorError(f"--group-by must be one of {', '.join(GROUPINGS)}, not '{group_by}'")
    buckets: dict[str, list[dict[str, Any]]] = {k: [] for k, _ in order}
    for record in records:
        buckets.setdefault(key(record), buckets[order[-1][0]]).append(record)
    return [(title, sorted(buckets[k], key=lambda r: r["title"].casefold())) for k, title in order if buckets[k]]


def _date_text(stamp: str) -> str:
    when = dt.datetime.strptime(stamp[:10], "%Y-%m-%d")
    return f"{when.day} {when:%B %Y}"


def build_guide(edition: editions.Edition, log: dict[str, Any], template: Path | None = None,
                progress: ProgressFn = no_progress, attachments_dir: Path | None = None) -> tuple[Any, GuideWriter]:
    """The guide of one edition as a python-docx Document (same edition in, same content out), and its writer
    (which lists the pictures it left out and why)."""
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
    writer.cover(edition.title, options.get("subtitle") or f"Lessons from {count} NHS case studies",
                 date_text, options.get("publisher") or DEFAULT_PUBLISHER)
    writer.contents(["Introduction", *(title for title, _ in sections), "Appendix A: Case studies by region and ICS",
                     "Appendix B: Coverage by ICS and clinical area", "Appendix C: About this edition"])
    writer.introduction(count, GROUPINGS[group_by])
    placed: list[tuple[str, dict[str, Any]]] = []
    done = 0
    for title, records in sections:
        writer.section(title)
        writer.checklist(records)
        for record in records:
            writer.case_study(record)
            placed.append((title, record))
            done += 1
            progress(done, count, record["title"])
    writer.index_appendix(placed)
    writer.coverage_appendix(edition.records)
    rows = [[r["title"], str(edition.versions.get(r["id"], "")), r.get("status", ""),
             edition.decisions.get(r["id"], "")] for r in edition.records]
    writer.edition_appendix(edition.number, date_text, options["statuses"], GROUPINGS[group_by], log, rows)
    return document, writer


def export_guide(library: Any, out: Path, *, statuses: list[str] | None = None, group_by: str = "action",
                 template: Path | None = None, title: str | None = None, subtitle: str | None = None,
                 publisher: str | None = None, edition: int | None = None, pdf: bool = False,
                 progress: ProgressFn = no_progress) -> dict[str, Any]:
    """Write the guide (a new edition, or edition N again); returns what was written for the CLI's JSON."""
    started = time.perf_counter()
    out = Path(out)
    if template is not None and not Path(template).is_file():
        raise CuratorError(f"--template {template}: no such file; give a Word .docx whose styles to use")
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
        options = {"group_by": group_by, "statuses": statuses, "subtitle": subtitle or "",
                   "publisher": publisher or "", "created": now_iso()}
        number = (library.store.scalar("SELECT MAX(number) FROM guide_editions") or 0) + 1
        ids = [r["id"] for r in records]
        chosen = editions.Edition(number, options["created"], title or DEFAULT_TITLE, options, records,
                                  editions.record_versions(library, ids),
                                  {i: editions.decision_for(library, i) for i in ids})
    findings = pii_gate.scan(library, chosen.records)
    if findings:
        raise PiiBlocked(findings)
    log = editions.change_log(library, chosen)
    document, writer = build_guide(chosen, log, template, progress, library.attachments_dir)
    size = house.save_clean(document, out)
    if edition is None:
        editions.save_edition(library, chosen, str(out.resolve()))
    result = {"path": str(out.resolve()), "edition": chosen.number, "records": len(chosen.records),
              "group_by": chosen.options["group_by"], "statuses": chosen.options["statuses"], "bytes": size,
              "rewritten": edition is not None, "changes": log, "pictures_skipped": writer.skipped_pictures}
    if pdf:
        result["pdf"] = str(write_pdf(out))
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result


def find_soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    for base in (os.environ.get("PROGRAMFILES", r"C:\Program Files"), os.environ.get("PROGRAMFILES(X86)", "")):
        candidate = Path(base) / "LibreOffice" / "program" / "soffice.exe"
        if base and candidate.is_file():
            return str(candidate)
    return None


def write_pdf(docx_path: Path) -> Path:
    """A tagged (accessible) PDF beside the .docx, made by LibreOffice with a private profile."""
    soffice = find_soffice()
    if soffice is None:
        raise CuratorError(f"{docx_path.name} was written, but --pdf needs LibreOffice, which was not found; "
                           "install LibreOffice, or open the .docx in Word and use File > Save As > PDF")
    target = docx_path.with_suffix(".pdf")
    with tempfile.TemporaryDirectory() as profile, tempfile.TemporaryDirectory() as outdir:
        command = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--convert-to",
                   TAGGED_PDF, "--outdir", outdir, str(docx_path)]
        try:
            subprocess.run(command, capture_output=True, timeout=PDF_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as err:
            raise CuratorError(f"{docx_path.name} was written, but LibreOffice could not make the PDF ({err}); "
                               "open the .docx in Word and save it as PDF") from err
        made = Path(outdir) / f"{docx_path.stem}.pdf"
        if not made.is_file():
            raise CuratorError(f"{docx_path.name} was written, but LibreOffice made no PDF; close any open "
                               "LibreOffice windows and try again, or save it as PDF from Word")
        partial = target.with_name(target.name + ".partial")
        shutil.move(str(made), partial)
        partial.replace(target)
    return target
