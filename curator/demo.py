"""The demo library: illustrative case studies (written for Curator, not real projects) for trying it out."""

from __future__ import annotations

import json

from .errors import CuratorError
from .importers import ImportItem
from .library import ImportReport, Library
from .resources import resource


def demo_records() -> list[dict]:
    with resource("demo", "case_studies.json").open(encoding="utf-8") as fh:
        return json.load(fh)


def load_demo(library: Library, *, force: bool = False) -> ImportReport:
    """Import the demo records; refuse to mix them into a library that already has real ones."""
    if library.count(include_deleted=True) and not force:
        raise CuratorError(f"{library.folder} already holds case studies; run 'demo' on a new library "
                           "(--library DIR) or add --force to mix the demo records in")
    items = [ImportItem(f"demo#{i + 1}", record) for i, record in enumerate(demo_records())]
    report = library.import_records(items, on_duplicate="keep", backup=False)
    if report.refused:
        raise CuratorError(f"the demo data has {len(report.refused)} invalid records: {report.refused[0]['error']}")
    return report
