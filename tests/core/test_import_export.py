"""Import and export: the round trip, refusals that change nothing, the file kinds, near-duplicates."""

import json
from pathlib import Path

import pytest

from curator.library import Library
from tests.helpers import run_cli

UNICODE_RECORD = {
    "title": "Croeso: iechyd y galon i bawb — صحت مند دل 💙",
    "organisation": "Bwrdd Iechyd & Partners",
    "ics": "Shropshire, Telford and Wrekin",
    "clinical_areas": ["adult_hypertension_lipids", "Smoking cessation"],
    "population_groups": ["plus_ethnic_minority", "local_other"],
    "local_groups": ["Live-aboard boaters"],
    "key_actions": [{"action": "Use trusted community venues", "audience": "Managers"}],
    "summary": "Zoë's team: A&E attendances down; <5% did not attend. 😀",
    "body": "## Background\n\nUrdu leaflet «صحت مند دل».",
    "outcomes": [{"measure": "Checks", "value": "~95%"}],
    "year": 2023,
    "review_by": "2027-03-31",
    "status": "accepted",
    "contact": {"name": "Zoë Example", "role": "Lead", "email": "zoe@example.org", "phone": "01632 960123"},
    "contact_consent": True,
    "declarations": {"sponsorship": "", "data_protection_consent": True},
    "signoff": {"wording_approved_by": "Comms", "comms_signoff": True, "image_rights": ""},
    "x_local_score": {"panel": [3, 4], "note": "kept"},
}


def comparable(record: dict) -> dict:
    return {k: v for k, v in record.items() if k not in ("id",)}


def test_round_trip_through_export_into_a_new_library_is_identical(tmp_path, capsys, demo_records):
    src = tmp_path / "in.json"
    src.write_text(json.dumps([UNICODE_RECORD, *demo_records[:5]], ensure_ascii=False), encoding="utf-8")
    a, b = tmp_path / "a", tmp_path / "b"
    first = run_cli(capsys, "--library", a, "--json", "import", src)
    assert first.code == 0, first.out
    assert run_cli(capsys, "--library", a, "export", "json", tmp_path / "out.json", "--json").json["count"] == 6
    assert run_cli(capsys, "--library", b, "import", tmp_path / "out.json", "--json").code == 0
    run_cli(capsys, "--library", b, "export", "json", tmp_path / "again.json")
    once = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    twice = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    assert once == twice  # ids, timestamps, unknown fields and all
    unicode_back = next(r for r in twice if r["title"] == UNICODE_RECORD["title"])
    assert unicode_back["x_local_score"] == UNICODE_RECORD["x_local_score"]
    assert unicode_back["summary"] == UNICODE_RECORD["summary"]
    assert unicode_back["ics"] == "E54000011"


def test_show_gives_the_interchange_format_plus_metadata(tmp_path, capsys):
    src = tmp_path / "one.json"
    src.write_text(json.dumps(UNICODE_RECORD, ensure_ascii=False), encoding="utf-8")
    case_id = run_cli(capsys, "--library", tmp_path / "l", "import", src, "--json").json["imported"][0]["id"]
    shown = run_cli(capsys, "show", case_id, "--library", tmp_path / "l", "--json").json
    assert {"id", "status", "created", "updated"} <= set(shown)
    assert shown["x_local_score"] == UNICODE_RECORD["x_local_score"]


@pytest.mark.parametrize("bad, field", [
    ({"organisation": "no title"}, "title"),
    ({"title": "t", "ics": "Wessex Imaginary ICS"}, "ics"),
    ({"title": "t", "clinical_areas": ["matrnity"]}, "clinical_areas"),
    ({"title": "t", "year": "twenty twenty"}, "year"),
])
def test_each_bad_record_is_refused_naming_the_field_and_nothing_changes(tmp_path, capsys, demo_records,
                                                                         bad, field):
    lib = tmp_path / "lib"
    good = tmp_path / "good.json"
    good.write_text(json.dumps(demo_records[:3]), encoding="utf-8")
    run_cli(capsys, "--library", lib, "import", good)
    before = run_cli(capsys, "--library", lib, "export", "json", tmp_path / "before.json")
    assert before.code == 0
    src = tmp_path / "bad.json"
    src.write_text(json.dumps(bad), encoding="utf-8")
    result = run_cli(capsys, "--library", lib, "--json", "import", src)
    assert result.code == 1
    refused = result.json["refused"]
    assert len(refused) == 1 and refused[0]["error"].startswith(f"{field}:") or f"; {field}:" in refused[0]["error"]
    if field == "clinical_areas":
        assert "did you mean 'Maternity'" in refused[0]["error"]
    run_cli(capsys, "--library", lib, "export", "json", tmp_path / "after.json")
    assert (tmp_path / "before.json").read_text() == (tmp_path / "after.json").read_text()


def test_file_that_is_not_json_names_line_and_column(tmp_path, capsys):
    src = tmp_path / "broken.json"
    src.write_text('[\n  {"title": "ok"},\n  {"title": oops}\n]', encoding="utf-8")
    result = run_cli(capsys, "--library", tmp_path / "lib", "--json", "import", src)
    assert result.code == 1
    error = result.json["refused"][0]["error"]
    assert "line 3" in error and "column" in error
    assert run_cli(capsys, "--library", tmp_path / "lib", "--json", "list").json["total"] == 0


def test_a_batch_accepts_and_refuses_records_one_by_one(tmp_path, capsys):
    src = tmp_path / "mixed.json"
    src.write_text(json.dumps([{"title": "Good one"}, {"title": ""}, {"title": "Good two", "year": 2022}]))
    result = run_cli(capsys, "--library", tmp_path / "lib", "--json", "import", src).json
    assert [r["title"] for r in result["imported"]] == ["Good one", "Good two"]
    assert [r["source"] for r in result["refused"]] == ["mixed.json#2"]


def test_jsonl_and_csv_import(tmp_path, capsys):
    (tmp_path / "a.jsonl").write_text('{"title": "Line one"}\n\n{"title": "Line two", "ics": "E54000057"}\n')
    (tmp_path / "b.csv").write_text(
        "title,ics,clinical_areas,outcomes,contact.email,contact_consent,year\n"
        '"Asthma in Oldham, with schools",Greater Manchester,Asthma;Smoking cessation,'
        '"Attacks: down 30%;Reliever use: -12%",a@example.org,yes,2022\n', encoding="utf-8")
    result = run_cli(capsys, "--library", tmp_path / "lib", "--json", "import", tmp_path / "a.jsonl",
                     tmp_path / "b.csv").json
    assert len(result["imported"]) == 3 and not result["refused"]
    lib = Library.open(tmp_path / "lib")
    csv_id = next(r["id"] for r in result["imported"] if r["source"].startswith("b.csv"))
    record = lib.get(csv_id)
    lib.close()
    assert record["clinical_areas"] == ["cyp_asthma", "cross_smoking_cessation"]
    assert record["outcomes"] == [{"measure": "Attacks", "value": "down 30%"},
                                  {"measure": "Reliever use", "value": "-12%"}]
    assert record["contact"]["email"] == "a@example.org" and record["contact_consent"] is True


def test_unsupported_and_missing_files_are_refused_clearly(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("hello")
    result = run_cli(capsys, "--library", tmp_path / "lib", "--json", "import", tmp_path / "notes.txt",
                     tmp_path / "nope.json")
    assert result.code == 1
    errors = [r["error"] for r in result.json["refused"]]
    assert any("cannot import .txt" in e for e in errors) and any("no such file" in e for e in errors)


def test_near_duplicate_is_named_and_skipped_by_default(library: Library, sample_record, tmp_path):
    from curator.importers import ImportItem

    original, _ = library.create(sample_record)
    variant = dict(sample_record, title="Barbershop blood-pressure checks with black community barbers.",
                   organisation="Moss Side PCN")
    report = library.import_records([ImportItem("again.json", variant)])
    assert not report.imported
    assert report.duplicates[0]["match_id"] == original["id"]
    assert original["id"] in report.warnings[0]["message"]
    assert library.count() == 1


@pytest.mark.parametrize("mode, expected_count", [("keep", 2), ("update", 1)])
def test_near_duplicate_keep_or_update(library: Library, sample_record, mode, expected_count):
    from curator.importers import ImportItem

    original, _ = library.create(sample_record)
    variant = dict(sample_record, title=sample_record["title"].upper(), summary="Updated summary")
    report = library.import_records([ImportItem("again.json", variant)], on_duplicate=mode)
    assert len(report.imported) == 1 and library.count() == expected_count
    if mode == "update":
        assert report.imported[0]["id"] == original["id"]
        assert library.get(original["id"])["summary"] == "Updated summary"


def test_different_organisation_is_not_a_duplicate(library: Library, sample_record):
    from curator.importers import ImportItem

    library.create(sample_record)
    other = dict(sample_record, organisation="Bristol Community Health Trust")
    assert len(library.import_records([ImportItem("x", other)]).imported) == 1


def test_duplicates_inside_one_file_are_caught(tmp_path, capsys):
    src = tmp_path / "twice.json"
    src.write_text(json.dumps([{"title": "Roma health mediators", "organisation": "Sheffield PCN"},
                               {"title": "Roma Health Mediators!", "organisation": "Sheffield PCN"}]))
    result = run_cli(capsys, "--library", tmp_path / "lib", "--json", "import", src).json
    assert len(result["imported"]) == 1 and len(result["duplicates"]) == 1


def test_export_json_writes_the_interchange_format_atomically(library: Library, sample_record, tmp_path):
    library.create(sample_record)
    out = tmp_path / "all.json"
    assert library.export_json(out) == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data[0]["title"] == sample_record["title"] and not list(tmp_path.glob("*.partial"))


def test_export_to_a_missing_folder_is_a_clear_error(tmp_path, capsys):
    result = run_cli(capsys, "--library", tmp_path / "lib", "export", "json", tmp_path / "no" / "x.json")
    assert result.code == 2 and "does not exist" in result.err


def test_list_filters_accept_codes_ids_and_labels(tmp_path, capsys, demo_records):
    src = tmp_path / "demo.json"
    src.write_text(json.dumps(demo_records), encoding="utf-8")
    lib = tmp_path / "lib"
    run_cli(capsys, "--library", lib, "import", src)
    everything = run_cli(capsys, "--library", lib, "--json", "list").json
    assert everything["total"] == len(demo_records)
    assert set(everything["items"][0]) == {"id", "title", "ics", "status", "updated"}
    by_label = run_cli(capsys, "--library", lib, "--json", "list", "--area", "Asthma").json
    by_id = run_cli(capsys, "--library", lib, "--json", "list", "--area", "cyp_asthma").json
    expected = sum("cyp_asthma" in r["clinical_areas"] for r in demo_records)
    assert by_label == by_id and by_id["total"] == expected > 0
    gm = run_cli(capsys, "--library", lib, "--json", "list", "--ics", "NHS Greater Manchester ICB").json
    assert all(i["ics"] == "E54000057" for i in gm["items"])
    bad = run_cli(capsys, "--library", lib, "--json", "list", "--group", "pirates")
    assert bad.code == 2 and "population group" in bad.json["error"]


def test_demo_spans_regions_areas_groups_and_statuses(tmp_path, capsys):
    from curator.vocab import vocabularies

    lib = tmp_path / "lib"
    assert run_cli(capsys, "--library", lib, "demo").code == 0
    records = json.loads((Path(run_cli(capsys, "--library", lib, "--json", "export", "json",
                                       tmp_path / "d.json").json["path"])).read_text(encoding="utf-8"))
    vocab = vocabularies()
    assert len(records) >= 24
    assert {vocab.region_of(r["ics"]) for r in records} == {t.id for t in vocab.regions}
    core = {t.id for t in vocab.areas if t.extra.get("cohort") != "other"}
    assert core <= {a for r in records for a in r["clinical_areas"]}
    assert len({g for r in records for g in r["population_groups"]}) >= 12
    assert {r["status"] for r in records} == {"draft", "submitted", "in_review", "accepted", "rejected",
                                              "published", "archived"}
    assert all("Illustrative" in r["summary"] for r in records)
    again = run_cli(capsys, "--library", lib, "demo")
    assert again.code == 2 and "already holds" in again.err
