"""Core calls the window's panel screens need (issue 11): edit a reviewer, a proposal applied only when asked,
a hand-edited plan, due date, rubric versions in use, sending every reviewer's files, merging several."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from curator.errors import CuratorError
from curator.review import assign as assign_mod
from curator.review import reviewers as reviewers_mod
from curator.review import rubric as rubric_mod
from curator.review import scoring, send
from curator.review.merge import merge_files
from tests.helpers import run_cli


def test_edit_keeps_the_id_and_refuses_a_clash(review_round):
    lib, asha = review_round.library, review_round.reviewers["asha"]
    edited = reviewers_mod.edit(lib, asha.id, role="chair", conflicts=["Hull Health Partnership"])
    assert (edited.id, edited.name, edited.role, edited.conflict_ics, edited.conflict_orgs) == \
        (asha.id, asha.name, "chair", [], ["Hull Health Partnership"])
    with pytest.raises(CuratorError, match="already a reviewer called tom byrne"):
        reviewers_mod.edit(lib, asha.id, name="tom byrne")


def test_proposal_writes_nothing_and_a_plan_applies_with_override(review_round):
    lib, cases, panel = review_round.library, review_round.cases, review_round.reviewers
    proposal = assign_mod.propose(lib, 2)
    assert assign_mod.assignments(lib) == []
    assert sum(r["new"] for r in proposal["reviewers"]) == len(proposal["assignments"]) == 2 * len(cases)
    barbers = next(c for c in proposal["cases"] if c["id"] == cases[0])
    assert panel["asha"].id in barbers["conflicts"] and panel["asha"].id not in barbers["proposed"]
    add = [dict(a, how="auto") for a in proposal["assignments"]]
    with pytest.raises(CuratorError, match="conflict"):
        assign_mod.apply_plan(lib, add + [{"case": cases[0], "reviewer": panel["asha"].id}])
    assert assign_mod.assignments(lib) == []  # all or nothing
    out = assign_mod.apply_plan(lib, add + [{"case": cases[0], "reviewer": panel["asha"].id,
                                             "override_reason": "only maternity expert"}])
    assert len(out["assignments"]) == 2 * len(cases) + 1
    assert any("Conflict overridden" in h["label"] for h in lib.history(cases[0]))


def test_due_and_rubric_versions_on_the_cli(capsys, review_round):
    lib = review_round.library
    folder = str(lib.folder)
    assert run_cli(capsys, "--library", folder, "review", "due", "2026-12-01", "--json").json == {"due": "2026-12-01"}
    assert scoring.due(lib) == "2026-12-01"
    assert run_cli(capsys, "--library", folder, "review", "due", "1 Dec").code == 2
    rubric = rubric_mod.current(lib)
    rubric["criteria"][0]["weight"] = 3
    rubric_mod.set_rubric(lib, rubric)
    versions = run_cli(capsys, "--library", folder, "rubric", "versions", "--json").json["versions"]
    assert [v["version"] for v in versions] == [2, 1]


def test_send_writes_every_reviewers_files_and_merge_files_reports_each(review_round, tmp_path):
    lib, panel = review_round.library, review_round.reviewers
    assign_mod.assign_auto(lib, 2)
    out = tmp_path / "out"
    out.mkdir()
    (out / "Tom Byrne scores.xlsx").write_text("returned earlier")  # never overwritten
    sent = send.send(lib, out)
    assert sent["skipped"] == [] and len(sent["files"]) == 4
    tom = next(f for f in sent["files"] if f["reviewer"] == panel["tom"].id)
    assert tom["sheet"].endswith("Tom Byrne scores (2).xlsx")
    assert (out / "Tom Byrne scores.xlsx").read_text() == "returned earlier"
    wb = load_workbook(tom["sheet"])
    ws = wb["Scores"]
    for row in range(2, 2 + len(tom["cases"])):
        for col in range(4, 10):
            ws.cell(row, col).value = 4
        ws.cell(row, 10).value = "Include"
    wb.save(tom["sheet"])
    report = merge_files(lib, [tom["sheet"], tom["pack"]])
    assert [m["name"] for m in report["merged"]] == ["Tom Byrne"]
    assert len(report["refused"]) == 1 and "no scores yet" in report["refused"][0]["error"]
    assert len(scoring.reviews(lib, reviewer=panel["tom"].id)) == len(tom["cases"])


def test_send_refuses_nothing_chosen_and_missing_folder(review_round, tmp_path):
    with pytest.raises(CuratorError, match="choose what to send"):
        send.send(review_round.library, tmp_path, kinds=())
    with pytest.raises(CuratorError, match="not a folder"):
        send.send(review_round.library, tmp_path / "nope")
