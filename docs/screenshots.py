"""Retake the README's pictures of the review windows and the import report: ``make screenshots``.

Each picture is the app's own ``main.py --screenshot OUT --view V`` on a library made here from the demo case
studies, so the pictures show real content and can be made again after any change to those screens. They are
rendered offscreen on a 1366×768 screen, the smallest laptop screen Curator is tested at, so each window has
the size a lead on such a laptop sees. Usage: ``python docs/screenshots.py [--out DIR] [NAME …]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from curator.demo import demo_records, load_demo  # noqa: E402
from curator.library import Library  # noqa: E402
from curator.review import assign, decisions, reviewers, scoring, summary  # noqa: E402
from curator.review import rubric as rubric_mod  # noqa: E402

#: the screen the pictures are taken on (Qt's offscreen platform reads it from a JSON file)
SCREEN = {"synchronousWindowSystemEvents": True, "windowFrameMargins": False,
          "screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768, "logicalDpi": 96,
                       "logicalBaseDpi": 96, "dpr": 1}]}
PANEL = (("Dr Asha Patel", "Leeds Teaching Hospitals NHS Trust", "clinician"),
         ("Tom Byrne", "Healthwatch Cornwall", "community representative"),
         ("Maya Okoro", "UKHSA", "public-health lead"),
         ("Sam Lee", "", "GP"))


def _scores(value: int, **changed: int) -> dict[str, int]:
    return {c["id"]: changed.get(c["id"], value) for c in rubric_mod.default_rubric()["criteria"]}


def _panel(library: Library, conflicts: dict[str, list[str]] | None = None) -> dict[str, str]:
    """The four reviewers, with any declared conflicts: first name → reviewer id."""
    return {name.removeprefix("Dr ").split()[0]: reviewers.add(library, name, org, role, (conflicts or {}).get(name)).id
            for name, org, role in PANEL}


def review_round(library: Library) -> None:
    """A round part-way through: three reviewers have submitted, agreeing on most case studies and split on a few;
    Asha is late, with a half-scored draft; the chair has decided one case study."""
    load_demo(library)
    people = _panel(library)
    assign.assign_auto(library, 3)
    odd = {("Tom", 0): 1, ("Maya", 1): 5}  # (reviewer, place in their list): far from the others, so flagged
    for n, name in enumerate(("Tom", "Maya", "Sam")):
        for i, row in enumerate(assign.assignments(library, reviewer=people[name])):
            value = odd.get((name, i), 3 + (i + n) % 2)
            rec = "exclude" if value == 1 else "include"
            scoring.submit(library, row["case"], people[name], _scores(value, evaluation=max(1, value - 1)), rec,
                           "No evaluation yet: not for this guide" if rec == "exclude" else
                           "Clear method and outcomes; worth sharing")
    first = assign.assignments(library, reviewer=people["Asha"])[0]["case"]
    scoring.submit(library, first, people["Asha"], {"core20plus5_fit": 4, "impact": 3, "evaluation": 3,
                                                    "co_production": 5}, None, draft=True)
    scoring.set_due(library, (dt.date.today() - dt.timedelta(days=5)).isoformat())
    best = summary.summary(library)["cases"][0]["id"]  # ranked first
    decisions.decide(library, best, "accept", "Strong evaluation and clear outcomes")


def before_assigning(library: Library) -> None:
    """Reviewers with declared conflicts, one of them assigned to each case study so far, a due date set: the
    proposal then shows proposed, assigned and conflicted cells."""
    load_demo(library)
    cases = assign.reviewable_cases(library)
    first, second = (library.get(case) for case in cases[:2])
    people = list(_panel(library, {"Dr Asha Patel": [first["ics"]],
                                   "Sam Lee": [second["organisation"]]}).values())
    for n, case in enumerate(cases):
        assign.assign(library, case, people[(n + 1) % len(people)])
    scoring.set_due(library, (dt.date.today() + dt.timedelta(days=21)).isoformat())


def import_file(folder: Path) -> Path:
    """A file that shows every part of the report: a new record with a field Curator does not know, one refused
    with a "did you mean", and two near-duplicates of demo case studies."""
    demo = [{k: v for k, v in r.items() if k not in ("id", "status")} for r in demo_records()]
    records = [
        {"title": "Pharmacy outreach to farming families", "organisation": "Shropshire Community Pharmacies",
         "ics": "Shropshire, Telford and Wrekin", "clinical_areas": ["adult_hypertension_lipids"],
         "funding_code": "SH-2026-14"},
        {"title": "Hepatitis C testing at food banks", "ics": "NHS Greater Manchester ICB",
         "clinical_areas": ["ext_liver"], "population_groups": ["people experiencing homelesness"]},
        dict(demo[0], summary=demo[0]["summary"] + " Updated with the second year's figures."),
        demo[5],
    ]
    path = folder / "submissions.json"
    path.write_text(json.dumps(records, indent=1), encoding="utf-8")
    return path


#: picture name (docs/screenshot-NAME.png) → (library set-up, --view, extra arguments given the work folder)
PICTURES: dict[str, tuple[Callable[[Library], None], str, Callable[[Path], list[str]]]] = {
    "review-scoring": (review_round, "scoring", lambda _: []),
    "review-chair": (review_round, "chair", lambda _: []),
    "review-assign": (before_assigning, "assign", lambda _: []),
    "import": (load_demo, "import", lambda work: ["--import-file", str(import_file(work))]),
}


def take(name: str, out: Path, work: Path) -> Path:
    """Make the picture's library in ``work``, then run the app's screenshot mode on it."""
    setup, view, extra = PICTURES[name]
    folder = work / name
    library = Library.open(folder, daily_backup=False)
    try:
        setup(library)
    finally:
        library.close()
    screen = work / "screen.json"
    screen.write_text(json.dumps(SCREEN), encoding="utf-8")
    target = out / f"screenshot-{name}.png"
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screen}", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--library", str(folder), "--screenshot",
                           str(target), "--view", view, *extra(work)], env=env, capture_output=True, text=True,
                          timeout=180)
    if done.returncode:
        raise SystemExit(f"screenshots: error: {name}: {done.stderr.strip() or done.returncode}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"which pictures (default all): "
                                                                 f"{', '.join(PICTURES)}")
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="where the PNGs go (default docs/)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in PICTURES]
    if unknown:
        parser.error(f"no picture called {unknown[0]!r}; the pictures are {', '.join(PICTURES)}")
    with tempfile.TemporaryDirectory(prefix="curator-screenshots-") as tmp:
        for name in args.names or PICTURES:
            print(take(name, args.out, Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
