"""Bulk changes, the trash and saved-search order through the CLI: each bulk change is one undo step."""

from __future__ import annotations

from docx import Document

from tests.helpers import run_cli


def _ids(capsys, lib, *args):
    return [i["id"] for i in run_cli(capsys, "--library", lib, "--json", "list", *args).json["items"]]


def test_bulk_status_tag_delete_are_one_undo_step_each(capsys, tmp_path):
    lib = tmp_path / "lib"
    assert run_cli(capsys, "--library", lib, "demo").code == 0
    drafts = _ids(capsys, lib, "--status", "draft")[:2]
    accepted = _ids(capsys, lib, "--status", "accepted")[:1]
    out = run_cli(capsys, "--library", lib, "--json", "bulk", "status", "submitted", *drafts, *accepted).json
    assert sorted(out["changed"]) == sorted(drafts)
    assert [s["id"] for s in out["skipped"]] == accepted and "cannot move" in out["skipped"][0]["reason"]
    assert run_cli(capsys, "--library", lib, "--json", "undo").json["ids"] == sorted(drafts)
    assert set(drafts) <= set(_ids(capsys, lib, "--status", "draft"))

    out = run_cli(capsys, "--library", lib, "--json", "bulk", "tag", "add", "area", "cyp_asthma", *drafts).json
    assert out["changed"]
    assert set(drafts) <= set(_ids(capsys, lib, "--area", "cyp_asthma"))
    run_cli(capsys, "--library", lib, "undo")
    assert not set(out["changed"]) & set(_ids(capsys, lib, "--area", "cyp_asthma"))

    run_cli(capsys, "--library", lib, "--json", "bulk", "delete", *drafts)
    trash = run_cli(capsys, "--library", lib, "--json", "list", "--trash").json
    assert {i["id"] for i in trash["items"]} == set(drafts)
    out = run_cli(capsys, "--library", lib, "--json", "empty-trash").json
    assert sorted(out["removed"]) == sorted(drafts)
    assert run_cli(capsys, "--library", lib, "--json", "list", "--trash").json["total"] == 0
    assert run_cli(capsys, "--library", lib, "--json", "show", drafts[0]).code == 2
    run_cli(capsys, "--library", lib, "undo")  # emptying is undoable: back in the trash
    assert run_cli(capsys, "--library", lib, "--json", "list", "--trash").json["total"] == 2


def test_export_forms_and_search(capsys, tmp_path):
    lib = tmp_path / "lib"
    run_cli(capsys, "--library", lib, "demo")
    ids = _ids(capsys, lib)[:2]
    out = run_cli(capsys, "--library", lib, "--json", "export", "forms", tmp_path, *ids).json
    assert out["count"] == 2 and all(ids[n] in p for n, p in enumerate(out["paths"]))
    assert Document(out["paths"][0]).paragraphs
    out = run_cli(capsys, "--library", lib, "--json", "export", "search", tmp_path / "s.json", "asthma").json
    assert out["count"] >= 1
    bad = run_cli(capsys, "--library", lib, "--json", "export", "search", tmp_path / "n.json", "zzzqqq")
    assert bad.code == 2 and "finds no case study" in bad.err


def test_saved_searches_rename_move_delete(capsys, tmp_path):
    lib = tmp_path / "lib"
    run_cli(capsys, "--library", lib, "demo")
    for name, query in (("alpha", "asthma"), ("beta", "barbers"), ("gamma", "canal")):
        assert run_cli(capsys, "--library", lib, "search", "save", name, query).code == 0
    order = run_cli(capsys, "--library", lib, "--json", "saved-search", "move", "gamma", "1").json["saved"]
    assert [s["name"] for s in order] == ["gamma", "alpha", "beta"]
    run_cli(capsys, "--library", lib, "saved-search", "rename", "alpha", "Asthma work")
    names = [s["name"] for s in run_cli(capsys, "--library", lib, "--json", "search", "saved").json["saved"]]
    assert names == ["gamma", "Asthma work", "beta"]
    clash = run_cli(capsys, "--library", lib, "saved-search", "rename", "beta", "GAMMA")
    assert clash.code == 2 and "already a saved search" in clash.err
    run_cli(capsys, "--library", lib, "saved-search", "delete", "gamma")
    names = [s["name"] for s in run_cli(capsys, "--library", lib, "--json", "saved-search", "list").json["saved"]]
    assert names == ["Asthma work", "beta"]
