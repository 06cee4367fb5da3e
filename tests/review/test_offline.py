"""Offline review packs and Excel scoring sheets: round trips, and every fault refused with nothing merged."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook

from curator.review import assign as assign_mod
from curator.review import reviewers as reviewers_mod
from curator.review import scoring
from curator.review.merge import merge
from curator.review.offline import MergeRefused
from curator.review.packs import ReviewPack, _checksum, _pack_key, make_pack
from curator.review.sheets import make_sheet
from tests.review.conftest import full_scores

SCORE_COLS = range(4, 10)  # D..I: the six criteria of the default rubric
REC_COL, COMMENT_COL = 10, 11


@pytest.fixture
def tom_round(review_round):
    """Tom is assigned three case studies (none of them conflicts)."""
    lib, tom = review_round.library, review_round.reviewers["tom"]
    cases = [review_round.cases[i] for i in (1, 2, 4)]
    for case_id in cases:
        assign_mod.assign(lib, case_id, tom.id)
    return review_round, tom, cases


def state(lib) -> tuple[list, list]:
    """Everything a merge could write: every review and the register of files."""
    return (lib.store.query("SELECT * FROM reviews ORDER BY case_id, reviewer_id"),
            lib.store.query("SELECT id, merged FROM review_files ORDER BY id"))


def refused(lib, path, message: str) -> None:
    before = state(lib)
    with pytest.raises(MergeRefused, match=message) as err:
        merge(lib, path)
    assert state(lib) == before, "a refused merge must merge nothing"
    assert "\n" not in str(err.value)


# -- packs ------------------------------------------------------------------------------------------------
def scored_pack(rnd, tom, cases, tmp_path):
    path = tmp_path / "tom.curatorpack"
    make_pack(rnd.library, tom.id, path)
    pack = ReviewPack.open(path)
    pack.score(cases[0], full_scores(5, evaluation=2), "include", "Convincing")
    pack.score(cases[1], full_scores(1), "exclude", "No outcomes at all")
    pack.save()
    return path


def test_pack_holds_only_the_reviewers_cases_and_the_rubric_without_contact_details(tom_round, tmp_path):
    rnd, tom, cases = tom_round
    path = tmp_path / "tom.curatorpack"
    assert make_pack(rnd.library, tom.id, path)["cases"] == sorted(cases)
    pack = ReviewPack.open(path)
    assert pack.reviewer == {"id": tom.id, "name": "Tom Byrne"}
    assert pack.case_ids() == sorted(cases)
    assert [c["id"] for c in pack.rubric["criteria"]][0] == "core20plus5_fit"
    record = pack.case(cases[0])
    assert record["title"] == rnd.library.get(cases[0])["title"] and "contact" not in record
    with zipfile.ZipFile(path) as zf:
        assert {n for n in zf.namelist() if n.startswith("cases/")} == {f"cases/{c}.json" for c in cases}


def test_pack_round_trip_brings_offline_scores_back_exactly(tom_round, tmp_path):
    rnd, tom, cases = tom_round
    path = scored_pack(rnd, tom, cases, tmp_path)
    report = merge(rnd.library, path)
    assert report["merged"] == sorted([{"case": cases[0], "outcome": "added"}, {"case": cases[1], "outcome": "added"}],
                                      key=lambda m: m["case"])
    assert report["not_scored"] == [cases[2]]
    got = {r["case"]: r for r in scoring.reviews(rnd.library)}
    assert got[cases[0]]["scores"] == full_scores(5, evaluation=2) and got[cases[0]]["comment"] == "Convincing"
    assert got[cases[1]]["recommendation"] == "exclude" and got[cases[1]]["source"] == "pack"
    assert len(got) == 2


def test_a_pack_returned_twice_is_refused(tom_round, tmp_path):
    rnd, tom, cases = tom_round
    path = scored_pack(rnd, tom, cases, tmp_path)
    merge(rnd.library, path)
    refused(rnd.library, path, "already merged on .*no score is counted twice")
    assert len(scoring.reviews(rnd.library)) == 2


def test_a_pack_for_an_unknown_reviewer_is_refused(tom_round, tmp_path):
    rnd, tom, cases = tom_round
    path = scored_pack(rnd, tom, cases, tmp_path)
    reviewers_mod.remove(rnd.library, tom.id)
    refused(rnd.library, path, "unknown reviewer: this review pack belongs to Tom Byrne .*left the panel on")


def test_a_pack_whose_case_study_changed_since_is_refused(tom_round, tmp_path):
    rnd, tom, cases = tom_round
    path = scored_pack(rnd, tom, cases, tmp_path)
    rnd.library.update(cases[1], {"summary": "Rewritten after the pack was sent."})
    refused(rnd.library, path, f"case study changed: {cases[1]} has changed since the review pack was made "
                               r"\(version 2 then, 3 now\)")


def test_a_status_change_alone_does_not_count_as_a_change(tom_round, tmp_path):
    rnd, tom, cases = tom_round
    path = scored_pack(rnd, tom, cases, tmp_path)
    rnd.library.set_status(cases[0], "accepted")
    assert len(merge(rnd.library, path)["merged"]) == 2


def rewrite_pack(path, change, *, fix_checksum: bool) -> None:
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    change(members)
    if fix_checksum:  # as someone who read the pack's key and re-implemented the signing would
        members.pop("checksum.sha256", None)
        try:
            key = _pack_key(members)
        except ValueError:
            key = None
        members["checksum.sha256"] = (_checksum(members, key=key) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    path.write_bytes(buffer.getvalue())


def _edit_json(members, name, edit):
    data = json.loads(members[name])
    edit(data)
    members[name] = json.dumps(data).encode()


def test_a_pack_with_out_of_range_scores_is_refused(tom_round, tmp_path):
    rnd, tom, cases = tom_round
    path = scored_pack(rnd, tom, cases, tmp_path)
    # a score edited by hand to 7 (checksum recomputed so only the range check can catch it)
    rewrite_pack(path, lambda m: _edit_json(m, "responses.json", lambda d: d[cases[1]]["scores"].update(impact=7)),
                 fix_checksum=True)
    refused(rnd.library, path, f"{cases[1]}, Evidence of impact on outcomes: score 7 is out of range")


@pytest.mark.parametrize("fix_checksum", [False, True])
def test_a_tampered_pack_is_refused(tom_round, tmp_path, fix_checksum):
    rnd, tom, cases = tom_round
    path = scored_pack(rnd, tom, cases, tmp_path)
    rewrite_pack(path, lambda m: _edit_json(m, f"cases/{cases[0]}.json", lambda d: d.update(title="Better title")),
                 fix_checksum=fix_checksum)
    refused(rnd.library, path, "tampered file")


def test_a_pack_made_for_another_library_is_refused(tom_round, tmp_path):
    from curator.library import Library

    rnd, tom, cases = tom_round
    path = scored_pack(rnd, tom, cases, tmp_path)
    with Library.open(tmp_path / "other") as other:
        refused(other, path, "unknown reviewer: .* is not on this library's panel")


# -- sheets -----------------------------------------------------------------------------------------------
def fill_sheet(path, rows: dict[int, tuple[list, str | None, str | None]]) -> None:
    wb = load_workbook(path)
    ws = wb["Scores"]
    for row, (scores, rec, comment) in rows.items():
        for col, value in zip(SCORE_COLS, scores, strict=True):
            ws.cell(row, col).value = value
        ws.cell(row, REC_COL).value = rec
        ws.cell(row, COMMENT_COL).value = comment
    wb.save(path)


def test_sheet_has_drop_downs_locked_cells_a_hidden_manifest_and_a_word_pack(tom_round, tmp_path):
    rnd, tom, cases = tom_round
    result = make_sheet(rnd.library, tom.id, tmp_path / "tom.xlsx")
    wb = load_workbook(result["file"])
    ws = wb["Scores"]
    assert [ws.cell(r, 1).value for r in (2, 3, 4)] == sorted(cases)
    validations = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert validations == {"D2:I4": '"1,2,3,4,5"', "J2:J4": '"Include,Include with changes,Exclude"'}
    assert ws.protection.sheet and wb["Rubric"].protection.sheet
    assert ws.cell(2, 1).protection.locked and ws.cell(2, 2).protection.locked and ws.cell(1, 4).protection.locked
    assert not any(ws.cell(2, c).protection.locked for c in (*SCORE_COLS, REC_COL, COMMENT_COL))
    assert wb["Manifest"].sheet_state == "veryHidden"
    manifest = {row[0]: row[1] for row in wb["Manifest"].iter_rows(values_only=True)}
    assert json.loads(manifest["reviewer"])["id"] == tom.id and len(manifest["checksum"]) == 64
    text = "\n".join(p.text for p in Document(result["word_pack"]).paragraphs)
    for case_id in cases:
        assert rnd.library.get(case_id)["title"] in text
    assert "sam@example.org" not in text and "Rubric (version 1)" in text


def test_sheet_round_trip_brings_scores_back_exactly(tom_round, tmp_path):
    rnd, tom, cases = tom_round
    path = make_sheet(rnd.library, tom.id, tmp_path / "tom.xlsx")["file"]
    fill_sheet(path, {2: ([5, 4, 3, 2, 1, 5], "Include with changes", "Needs cost data"),
                      4: (["2", "2", "2", "2", "2", "2"], "Exclude", "Too small to judge")})
    report = merge(rnd.library, path)
    ordered = sorted(cases)
    assert [m["case"] for m in report["merged"]] == [ordered[0], ordered[2]]
    got = {r["case"]: r for r in scoring.reviews(rnd.library)}
    assert list(got[ordered[0]]["scores"].values()) == [5, 4, 3, 2, 1, 5]
    assert got[ordered[0]]["recommendation"] == "revise" and got[ordered[0]]["comment"] == "Needs cost data"
    assert got[ordered[2]]["scores"] == full_scores(2) and got[ordered[2]]["source"] == "sheet"


@pytest.fixture
def filled_sheet(tom_round, tmp_path):
    rnd, tom, cases = tom_round
    path = make_sheet(rnd.library, tom.id, tmp_path / "tom.xlsx")["file"]
    fill_sheet(path, {2: ([4] * 6, "Include", None), 3: ([3] * 6, "Exclude", "Weak")})
    return rnd, tom, cases, path


def test_a_sheet_returned_twice_is_refused(filled_sheet):
    rnd, tom, cases, path = filled_sheet
    merge(rnd.library, path)
    refused(rnd.library, path, "this scoring sheet for Tom Byrne was already merged")
    assert len(scoring.reviews(rnd.library)) == 2


def test_a_sheet_with_out_of_range_scores_is_refused(filled_sheet):
    rnd, tom, cases, path = filled_sheet
    fill_sheet(path, {3: ([3, 3, 7, 3, 3, 3], "Include", None)})
    refused(rnd.library, path, r"\(row 3\), Quality of evaluation: score 7 is out of range")


def test_a_sheet_excluding_without_a_reason_is_refused(filled_sheet):
    rnd, tom, cases, path = filled_sheet
    fill_sheet(path, {3: ([3] * 6, "Exclude", None)})
    refused(rnd.library, path, "an exclude needs a reason")


def test_a_sheet_for_an_unknown_reviewer_is_refused(filled_sheet):
    rnd, tom, cases, path = filled_sheet
    reviewers_mod.remove(rnd.library, tom.id)
    refused(rnd.library, path, "unknown reviewer: this scoring sheet belongs to Tom Byrne")


def test_a_sheet_whose_case_study_changed_since_is_refused(filled_sheet):
    rnd, tom, cases, path = filled_sheet
    rnd.library.update(sorted(cases)[1], {"title": "Renamed"})
    refused(rnd.library, path, "case study changed: .* has changed since the scoring sheet was made")


@pytest.mark.parametrize("where", ["manifest", "case id"])
def test_a_tampered_sheet_is_refused(filled_sheet, where):
    rnd, tom, cases, path = filled_sheet
    wb = load_workbook(path)
    if where == "manifest":
        sheet = wb["Manifest"]
        for row in sheet.iter_rows():
            if row[0].value == "rubric_version":
                row[1].value = 2
    else:
        wb["Scores"].cell(2, 1).value = "cs-someoneelse"
    wb.save(path)
    refused(rnd.library, path, "tampered file")


def test_something_that_is_neither_is_refused(tom_round, tmp_path):
    rnd, *_ = tom_round
    junk = tmp_path / "scores.xlsx"
    junk.write_text("not a workbook")
    refused(rnd.library, junk, "neither a review pack nor an Excel scoring sheet")


def test_a_sheet_cell_holding_a_formula_is_refused_not_silently_dropped(filled_sheet):
    rnd, tom, cases, path = filled_sheet
    fill_sheet(path, {3: ([3] * 6, "Exclude", "=no evidence")})
    refused(rnd.library, path, r"\(row 3\), Comment \(needed to exclude\): cell K3 holds a formula")


def test_a_half_scored_row_comes_back_as_a_draft_and_the_next_sheet_is_prefilled(filled_sheet, tmp_path):
    rnd, tom, cases, path = filled_sheet
    fill_sheet(path, {3: ([3, 3, None, None, None, None], None, "Half way")})
    report = merge(rnd.library, path)
    ordered = sorted(cases)
    assert {m["case"]: m["outcome"] for m in report["merged"]} == {ordered[0]: "added", ordered[1]: "draft"}
    draft = scoring.reviews(rnd.library, reviewer=tom.id, case=ordered[1], include_drafts=True)[0]
    assert draft["submitted"] is None and draft["scores"] == {"core20plus5_fit": 3, "impact": 3}
    assert scoring.scores_visible_to(rnd.library, tom.id, ordered[1]) == [draft]
    again = make_sheet(rnd.library, tom.id, tmp_path / "tom-again.xlsx")["file"]
    ws = load_workbook(again)["Scores"]
    assert [ws.cell(3, c).value for c in SCORE_COLS][:3] == [3, 3, None] and ws.cell(3, COMMENT_COL).value == "Half way"


def test_text_starting_with_equals_goes_into_the_sheet_as_text_not_a_formula(tom_round, tmp_path):
    rnd, tom, cases = tom_round
    first = sorted(cases)[0]
    rnd.library.update(first, {"title": '=HYPERLINK("http://example.invalid","click")'})
    path = make_sheet(rnd.library, tom.id, tmp_path / "tom.xlsx")["file"]
    cell = load_workbook(path)["Scores"].cell(2, 2)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


@pytest.mark.parametrize("damage", [
    lambda m: m.pop("rubric.json"),
    lambda m: m.update({"manifest.json": b"[]"}),
    lambda m: _edit_json(m, "manifest.json", lambda d: d.update(rubric_version="1")),
    lambda m: _edit_json(m, "manifest.json", lambda d: d["cases"][0].pop("version")),
    lambda m: _edit_json(m, "manifest.json", lambda d: d["cases"].append({"id": "cs-x", "version": 1})),
    lambda m: m.update({"responses.json": b"[1, 2]"}),
    lambda m: m.update({"responses.json": b"{\"cs-x\": \"five\"}"}),
    lambda m: m.update({"responses.json": b"not json"}),
])
def test_a_damaged_pack_is_refused_with_a_message_never_a_crash(tom_round, tmp_path, damage):
    rnd, tom, cases = tom_round
    path = scored_pack(rnd, tom, cases, tmp_path)
    rewrite_pack(path, damage, fix_checksum=True)
    refused(rnd.library, path, "tampered file|not a Curator review pack")


@pytest.mark.parametrize("damage", ["drop checksum", "bad json", "no rows"])
def test_a_damaged_sheet_manifest_is_refused_with_a_message_never_a_crash(filled_sheet, damage):
    import hashlib

    rnd, tom, cases, path = filled_sheet
    wb = load_workbook(path)
    sheet = wb["Manifest"]
    rows = list(sheet.iter_rows())
    if damage == "drop checksum":
        rows[-1][0].value = None
    elif damage == "bad json":
        next(r for r in rows if r[0].value == "case")[1].value = "{not json"
    else:
        # a manifest rewritten with a matching checksum but missing what the library needs
        for row in rows:
            if row[0].value not in ("format", "checksum"):
                row[0].value = None
        digest = hashlib.sha256(json.dumps({"cases": [], "format": "curator-review-sheet"}, sort_keys=True)
                                .encode()).hexdigest()
        rows[-1][1].value = digest
    wb.save(path)
    refused(rnd.library, path, "tampered file")


def test_a_response_edited_outside_curator_with_the_sha256_recomputed_is_refused(tom_round, tmp_path):
    """The checksum is keyed (HMAC): recomputing a plain SHA-256 after editing a score no longer passes."""
    import hashlib

    rnd, tom, cases = tom_round
    path = scored_pack(rnd, tom, cases, tmp_path)

    def edit_and_rehash(members):
        _edit_json(members, "responses.json", lambda d: d[cases[1]].update(recommendation="include"))
        members.pop("checksum.sha256")
        digest = hashlib.sha256()
        for name in sorted(members):
            digest.update(f"{hashlib.sha256(members[name]).hexdigest()}  {name}\n".encode())
        members["checksum.sha256"] = (digest.hexdigest() + "\n").encode()

    rewrite_pack(path, edit_and_rehash, fix_checksum=False)
    refused(rnd.library, path, "tampered file")


def test_a_pack_re_signed_with_another_key_is_refused_by_the_library(tom_round, tmp_path):
    rnd, tom, cases = tom_round
    path = scored_pack(rnd, tom, cases, tmp_path)

    def forge(members):
        _edit_json(members, "responses.json", lambda d: d[cases[1]].update(recommendation="include"))
        members["pack.key"] = ("ab" * 32).encode()  # a key of the forger's own; the file is self-consistent

    rewrite_pack(path, forge, fix_checksum=True)
    ReviewPack.open(path)  # the reviewer's side cannot tell …
    refused(rnd.library, path, "tampered file")  # … but the library checks with the key it derives itself


def test_size_limits_on_review_files_say_what_to_do(tom_round, tmp_path, monkeypatch):
    """A 20 MB comment is refused with a message; an oversized sheet is refused before openpyxl reads it."""
    from curator.errors import CuratorError
    from curator.review import scoring, sheets

    rnd, tom, cases = tom_round
    path = tmp_path / "tom.curatorpack"
    make_pack(rnd.library, tom.id, path)
    pack = ReviewPack.open(path)
    with pytest.raises(CuratorError, match="comment is 20,000,001 characters"):
        pack.score(cases[0], full_scores(5), "include", "x" * 20_000_001)
    assert scoring.MAX_COMMENT_CHARS == 20_000
    sheet = make_sheet(rnd.library, tom.id, tmp_path / "tom.xlsx")["file"]
    monkeypatch.setattr(sheets, "MAX_SHEET_UNPACKED", 1000)
    refused(rnd.library, sheet, "far more than a scoring sheet can be")
