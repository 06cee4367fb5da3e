"""The review commands' JSON contract, their errors, the Word report and the score export."""

from __future__ import annotations

import csv
import json

import pytest
from docx import Document
from openpyxl import load_workbook

from curator.cli import main
from curator.review import report
from tests.review.conftest import CASES


@pytest.fixture
def cli(tmp_path, capsys, sample_record):
    folder = tmp_path / "lib"

    def run(*args: str, code: int = 0):
        capsys.readouterr()
        assert main(["--library", str(folder), "--json", *args]) == code
        out = capsys.readouterr()
        return json.loads(out.out) if code == 0 else out.err

    ids = []
    for title, org, ics, partners in CASES[:3]:
        path = tmp_path / "case.json"
        path.write_text(json.dumps(dict(sample_record, title=title, organisation=org, ics=ics, partners=partners,
                                        status="submitted")))
        ids.append(run("import", str(path))["imported"][0]["id"])
    run.ids = ids
    return run


def test_reviewer_and_rubric_json_shapes(cli, tmp_path):
    added = cli("reviewer", "add", "Ada Example", "--org", "UKHSA", "--role", "clinician",
                "--conflict", "E54000057", "Some Trust")
    assert added["id"].startswith("rv-") and added["conflicts"] == {"ics": ["E54000057"],
                                                                     "organisations": ["Some Trust"]}
    assert [r["name"] for r in cli("reviewer", "list")["reviewers"]] == ["Ada Example"]
    rubric = cli("rubric", "show")
    assert rubric["version"] == 1 and len(rubric["criteria"]) == 6
    assert set(rubric["criteria"][0]) == {"id", "label", "weight", "levels"}
    assert list(rubric["criteria"][0]["levels"]) == ["1", "2", "3", "4", "5"]
    rubric["criteria"] = rubric["criteria"][:3]
    (tmp_path / "rubric.json").write_text(json.dumps(rubric))
    assert cli("rubric", "set", str(tmp_path / "rubric.json"))["version"] == 2
    (tmp_path / "bad.json").write_text("{\"criteria\": [}")
    assert "is not valid JSON" in cli("rubric", "set", str(tmp_path / "bad.json"), code=2)


def test_a_whole_round_from_the_command_line(cli, tmp_path):
    a = cli("reviewer", "add", "Ada", "--conflict", "NHS Greater Manchester ICB")["id"]
    b = cli("reviewer", "add", "Ben")["id"]
    c = cli("reviewer", "add", "Cy")["id"]
    result = cli("review", "assign", "--per-case", "2")
    assert set(result) >= {"assignments"} and all(set(x) >= {"case", "reviewer"} for x in result["assignments"])
    barber = cli.ids[0]
    assert (barber, a) not in {(x["case"], x["reviewer"]) for x in result["assignments"]}
    ada_case = next(x["case"] for x in result["assignments"] if x["reviewer"] == a)
    scores = ["core20plus5_fit=4", "impact=4", "evaluation=3", "co_production=5", "replicability=3",
              "sustainability=2"]
    scored = cli("review", "score", ada_case, "--reviewer", "Ada", "--score", *scores, "--recommend", "include",
                 "--comment", "Good")
    assert scored["submitted"] and scored["scores"]["co_production"] == 5
    assert "out of range" in cli("review", "score", ada_case, "--reviewer", a, "--score", "impact=9",
                                 "--recommend", "include", code=2)
    assert "CRITERION=N" in cli("review", "score", ada_case, "--reviewer", a, "--score", "impact",
                                "--recommend", "include", code=2)
    other = next(x["reviewer"] for x in result["assignments"] if x["case"] == ada_case and x["reviewer"] != a)
    assert cli("review", "scores", ada_case, "--reviewer", other)["reviews"] == []

    # the other reviewer scores offline in a pack, scored from the command line too
    pack = tmp_path / "other.curatorpack"
    assert ada_case in cli("review", "pack", "--reviewer", other, str(pack))["cases"]
    cli("review", "score", ada_case, "--pack", str(pack), "--score", *[s[:-1] + "1" for s in scores],
        "--recommend", "exclude", "--comment", "No evidence")
    opened = cli("review", "open", str(pack))
    assert next(x for x in opened["cases"] if x["id"] == ada_case)["scored"]
    merged = cli("review", "merge", str(pack))
    assert merged["merged"] == [{"case": ada_case, "outcome": "added"}]
    assert "already merged" in cli("review", "merge", str(pack), code=2)

    summary = cli("review", "summary")
    row = next(x for x in summary["cases"] if x["id"] == ada_case)
    assert {"id", "title", "n", "mean", "median", "spread", "flag", "recommendations"} <= set(row)
    assert row["n"] == 2 and row["flag"] and row["spread"] == 4
    assert "krippendorff_alpha" in summary["agreement"]

    decided = cli("review", "decide", ada_case, "reject", "--reason", "Panel agreed the evidence is thin")
    assert decided["status"] == "rejected"
    assert "required" in cli("review", "decide", ada_case, "accept", code=2)

    sheet = cli("review", "sheet", "--reviewer", b, str(tmp_path / "ben.xlsx"))
    assert sheet["word_pack"].endswith("ben case studies.docx")
    out = cli("review", "report", str(tmp_path / "panel.docx"))
    assert out["flow"]["submitted"] == 3
    assert cli("review", "export", str(tmp_path / "scores.csv"))["rows"] == 2
    progress = cli("review", "progress")
    assert {p["reviewer"] for p in progress["reviewers"]} == {a, b, c}


def test_errors_are_one_line_and_say_what_to_do(cli, tmp_path):
    assert "no reviewer 'Nobody'" in cli("review", "pack", "--reviewer", "Nobody", str(tmp_path / "x.curatorpack"),
                                         code=2)
    cli("reviewer", "add", "Ada")
    assert "no case studies assigned" in cli("review", "pack", "--reviewer", "Ada", str(tmp_path / "x.curatorpack"),
                                             code=2)
    assert ".curatorpack" in cli("review", "pack", "--reviewer", "Ada", str(tmp_path / "x.zip"), code=2)
    assert "does not exist" in cli("review", "merge", str(tmp_path / "missing.xlsx"), code=2)
    err = cli("review", "export", str(tmp_path / "x.txt"), code=2)
    assert ".csv or .xlsx" in err and err.count("\n") == 1


def test_report_and_export_for_the_panel(review_round, tmp_path):
    from curator.review import assign as assign_mod
    from curator.review import decisions, scoring
    from tests.review.conftest import full_scores

    lib, r = review_round.library, review_round.reviewers
    case_id = review_round.cases[1]
    for key, value, rec, comment in (("tom", 5, "include", "=HYPERLINK(\"x\")"), ("sam", 2, "exclude", "Weak")):
        assign_mod.assign(lib, case_id, r[key].id)
        scoring.submit(lib, case_id, r[key].id, full_scores(value), rec, comment)
    decisions.decide(lib, case_id, "accept", "Majority view after discussion")
    lib.set_status(case_id, "published")

    flow = report.flow_counts(lib)
    assert flow == {"submitted": 6, "sent_to_review": 1, "reviewed": 1,
                    "decided": {"accept": 1, "reject": 0, "revise": 0}, "accepted": 1, "published": 1}

    out = tmp_path / "panel.docx"
    report.write_report(lib, out)
    doc = Document(str(out))
    assert doc.core_properties.title == "Expert reference group review report"
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == ["Expert reference group review report", "Ranking", "For discussion: where reviewers "
                                                                                "disagree"]
    ranking = doc.tables[0]
    assert ranking.rows[0].cells[0].text == "Rank" and ranking.rows[1].cells[1].text.endswith(f"({case_id})")
    assert ranking.rows[0]._tr.trPr is not None  # repeating header row
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Krippendorff's alpha (ordinal)" in body and "scores differ by 3 on Fit with Core20PLUS5" in body
    assert any("Majority view after discussion" in c.text for t in doc.tables for row in t.rows for c in row.cells)

    rows = list(csv.reader((tmp_path / "s.csv").open(encoding="utf-8-sig"))) if report.export(
        lib, tmp_path / "s.csv") else []
    assert rows[0][:5] == ["case_id", "title", "reviewer_id", "reviewer", "rubric_version"]
    assert len(rows) == 3 and "'=HYPERLINK(\"x\")" in {row[rows[0].index("comment")] for row in rows}
    report.export(lib, tmp_path / "s.xlsx")
    ws = load_workbook(tmp_path / "s.xlsx")["Reviews"]
    comments = [ws.cell(row, rows[0].index("comment") + 1) for row in (2, 3)]
    assert {c.data_type for c in comments} == {"s"} and "=HYPERLINK(\"x\")" in {c.value for c in comments}


def test_a_refused_score_names_criteria_by_label_and_the_json_keeps_ids(cli, tmp_path, capsys):
    """Ids stay the CLI's and JSON's language (``--score impact=4``, ``"scores": {"impact": 4}``); the message
    a person reads names the rubric's labels."""
    ada = cli("reviewer", "add", "Ada")["id"]
    cli("review", "assign", "--case", cli.ids[0], "--reviewer", ada)
    capsys.readouterr()
    assert main(["--library", str(tmp_path / "lib"), "--json", "review", "score", cli.ids[0], "--reviewer", ada,
                 "--score", "impact=4", "evaluation=3", "--recommend", "include"]) == 2
    out = capsys.readouterr()
    expected = (f"{cli.ids[0]}: no score for Fit with Core20PLUS5 and the population targeted, Community "
                "involvement and co-production, Replicability and scalability, Sustainability and cost; every "
                "criterion needs a score from 1 to 5 to submit (save a draft to finish later)")
    assert json.loads(out.out) == {"error": expected}
    assert out.err.strip() == f"curator: error: {expected}"
    draft = cli("review", "score", cli.ids[0], "--reviewer", ada, "--score", "impact=4", "co_production=2",
                "--draft")
    assert draft["scores"] == {"impact": 4, "co_production": 2} and draft["submitted"] is None
