"""Near-duplicate update merges field by field: what the file gives replaces, the rest and the status stay
(issue 10.4); the plan behind it is generic (mine | theirs | result)."""

from __future__ import annotations

import json

from curator import merge
from curator.importers import ImportItem
from tests.helpers import run_cli


def _published(library, sample_record):
    record, _ = library.create(dict(sample_record, programme="Core20PLUS5 accelerator", ahsn="Health Innovation "
                                    "Manchester", partners=["Barbers' guild"], population_groups=["ih_homelessness"],
                                    key_actions=[{"action": "Train barbers", "audience": "Operational staff"}]))
    for status in ("submitted", "in_review", "accepted", "published"):
        library.set_status(record["id"], status)
    return library.get(record["id"])


def test_update_keeps_the_fields_the_file_does_not_give_and_the_status(library, sample_record):
    before = _published(library, sample_record)
    resubmission = {"title": before["title"], "organisation": before["organisation"], "ics": before["ics"],
                    "summary": "A shorter summary from the resubmission.", "year": 2024, "programme": ""}
    report = library.import_records([ImportItem("resub.json", resubmission)], on_duplicate="update")
    assert [r["id"] for r in report.imported] == [before["id"]]
    after = library.get(before["id"])
    assert after["summary"] == "A shorter summary from the resubmission." and after["year"] == 2024
    for field in ("programme", "ahsn", "partners", "population_groups", "key_actions", "clinical_areas",
                  "contact", "outcomes"):
        assert after[field] == before[field], field
    assert after["status"] == "published"
    library.undo()
    assert library.get(before["id"]) == before


def test_plan_defaults_and_choices_are_generic():
    mine = {"id": "x", "status": "published", "title": "Old", "programme": "P", "contact": {"name": "Ann",
                                                                                          "email": ""}}
    theirs = {"status": "draft", "title": "New", "programme": "", "contact": {"name": "", "email": "a@b.uk"}}
    plan = {m.field: m for m in merge.plan(mine, theirs)}
    assert plan["title"].choice == merge.THEIRS and plan["programme"].choice == merge.MINE
    assert plan["status"].choice == merge.MINE and plan["status"].differs
    assert plan["contact"].result == {"name": "Ann", "email": "a@b.uk"}
    plan["status"].choice = merge.THEIRS
    out = merge.result(plan.values(), base=mine)
    assert out == {"id": "x", "status": "draft", "title": "New", "programme": "P",
                   "contact": {"name": "Ann", "email": "a@b.uk"}}
    assert mine["title"] == "Old"  # the inputs are never changed


def test_cli_update_follows_the_same_rule_and_says_so(tmp_path, sample_record, capsys):
    lib = str(tmp_path / "lib")
    help_text = " ".join(run_cli(capsys, "import", "--help").out.split())
    assert "the fields the file gives replace the match's, every other field and the match's status stay" in \
        help_text
    first = tmp_path / "first.json"
    first.write_text(json.dumps(dict(sample_record, programme="InHIP", status="published")), encoding="utf-8")
    assert run_cli(capsys, "--library", lib, "import", first).code == 0
    second = tmp_path / "second.json"
    second.write_text(json.dumps({"title": sample_record["title"], "organisation": sample_record["organisation"],
                                  "summary": "Resubmitted summary"}), encoding="utf-8")
    done = run_cli(capsys, "--library", lib, "--json", "import", second, "--on-duplicate", "update")
    case_id = done.json["imported"][0]["id"]
    shown = run_cli(capsys, "--library", lib, "--json", "show", case_id).json
    assert shown["summary"] == "Resubmitted summary" and shown["programme"] == "InHIP"
    assert shown["status"] == "published" and shown["ics"]
