"""The command line is a contract: globals anywhere, errors as one line with exit 2, JSON errors for scripts."""

import json

import pytest

from curator.cli import build_parser
from tests.helpers import run_cli


def test_global_options_work_before_and_after_the_command(tmp_path, capsys):
    lib = str(tmp_path / "lib")
    before = run_cli(capsys, "--library", lib, "--json", "init")
    after = run_cli(capsys, "init", "--json", "--library", lib)
    assert before.json == after.json == {"library": lib}


def test_library_from_environment(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CURATOR_LIBRARY", str(tmp_path / "env-lib"))
    assert run_cli(capsys, "--json", "init").json == {"library": str(tmp_path / "env-lib")}


def test_errors_are_one_line_exit_2_and_json_when_asked(tmp_path, capsys):
    result = run_cli(capsys, "--library", tmp_path / "lib", "show", "cs-nope")
    assert result.code == 2 and result.out == ""
    assert result.err.count("\n") == 1 and result.err.startswith("curator: error: no case study")
    as_json = run_cli(capsys, "--library", tmp_path / "lib", "show", "cs-nope", "--json")
    assert as_json.code == 2 and "no case study" in json.loads(as_json.out)["error"]
    assert "Traceback" not in result.err + as_json.err


@pytest.mark.parametrize("args", [["frobnicate"], ["show"], ["set-status", "x", "flying"], ["list", "--limit", "x"],
                                  ["--library"], ["export"]])
def test_usage_errors_keep_the_contract(tmp_path, capsys, args):
    result = run_cli(capsys, "--json", *args)
    assert result.code == 2 and result.err.startswith("curator: error:") and "error" in json.loads(result.out)


def test_update_from_stdin_and_file(tmp_path, capsys, monkeypatch, sample_record):
    import io

    lib = tmp_path / "lib"
    src = tmp_path / "r.json"
    src.write_text(json.dumps(sample_record), encoding="utf-8")
    case_id = run_cli(capsys, "--library", lib, "--json", "import", src).json["imported"][0]["id"]
    monkeypatch.setattr("sys.stdin", io.StringIO('{"summary": "From stdin"}'))
    updated = run_cli(capsys, "--library", lib, "--json", "update", case_id, "-").json
    assert updated["summary"] == "From stdin" and updated["title"] == sample_record["title"]
    bad = tmp_path / "bad.json"
    bad.write_text('{"summary": ')
    result = run_cli(capsys, "--library", lib, "update", case_id, bad)
    assert result.code == 2 and "not valid JSON" in result.err and "line 1" in result.err


def test_status_undo_history_and_trash_from_the_cli(tmp_path, capsys, sample_record):
    lib = tmp_path / "lib"
    src = tmp_path / "r.json"
    src.write_text(json.dumps(sample_record), encoding="utf-8")
    case_id = run_cli(capsys, "--library", lib, "--json", "import", src).json["imported"][0]["id"]
    assert run_cli(capsys, "--library", lib, "--json", "set-status", case_id, "submitted").json["status"] == "submitted"
    refused = run_cli(capsys, "--library", lib, "set-status", case_id, "published")
    assert refused.code == 2 and "only an accepted case study can be published" in refused.err
    assert run_cli(capsys, "--library", lib, "--json", "undo").json["label"] == "Undo change status to submitted"
    assert run_cli(capsys, "--library", lib, "--json", "redo").json["ids"] == [case_id]
    run_cli(capsys, "--library", lib, "delete", case_id)
    assert run_cli(capsys, "--library", lib, "--json", "list", "--trash").json["total"] == 1
    run_cli(capsys, "--library", lib, "restore", case_id)
    changes = run_cli(capsys, "--library", lib, "--json", "history", case_id).json["changes"]
    assert [c["action"] for c in changes] == ["import", "status", "undo", "redo", "delete", "restore"]


def test_backup_commands(tmp_path, capsys, sample_record):
    lib = tmp_path / "lib"
    src = tmp_path / "r.json"
    src.write_text(json.dumps(sample_record), encoding="utf-8")
    run_cli(capsys, "--library", lib, "import", src)
    path = run_cli(capsys, "--library", lib, "--json", "backup").json["path"]
    listed = run_cli(capsys, "--library", lib, "--json", "backups").json["backups"]
    assert path in [b["path"] for b in listed]
    restored = run_cli(capsys, "--library", lib, "--json", "restore-backup", path).json
    assert restored["records"] == 1
    assert run_cli(capsys, "--library", lib, "--json", "check").json["ok"] is True


def test_vocab_lists(capsys, tmp_path):
    ics = run_cli(capsys, "--library", tmp_path / "l", "--json", "vocab", "ics").json
    assert len(ics) == 42 and {"code", "name", "region"} <= set(ics[0])
    for name in ("regions", "areas", "groups", "actions", "audiences"):
        assert run_cli(capsys, "--library", tmp_path / "l", "--json", "vocab", name).json


def test_a_library_path_that_is_a_file_is_refused_clearly(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    result = run_cli(capsys, "--library", tmp_path / "file", "list")
    assert result.code == 2 and "--library" in result.err


def test_every_command_has_help():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0]
    for name, sub in commands.choices.items():
        assert sub.description or sub.format_help(), name
    helps = {a.dest: a.help for a in commands._choices_actions}
    assert all(helps.values())


def test_plain_import_output_says_where_each_part_of_a_word_document_went(tmp_path, capsys):
    from docx import Document

    doc = Document()
    doc.add_heading("Roma health mediators in Sheffield", 0)
    doc.add_heading("The challenge", 1)
    doc.add_paragraph("Low uptake of childhood immunisations.")
    doc.add_heading("Key learning", 1)
    doc.add_paragraph("Trust takes time", style="List Bullet")
    doc.save(tmp_path / "cs.docx")
    result = run_cli(capsys, "--library", tmp_path / "lib", "import", tmp_path / "cs.docx")
    assert result.code == 0
    assert "heading 'The challenge' → body" in result.out and "heading 'Key learning' → lessons" in result.out
