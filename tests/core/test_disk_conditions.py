"""A full disk and a read-only library, on real small tmpfs mounts (root only; skipped with the reason otherwise):
reading always works, a change is refused with what to do, and nothing is half-written."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from curator.bench.import_bench import synthetic_records
from curator.importers import ImportItem
from curator.library import Library

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def tmpfs(where: Path, size: str):
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("needs root to mount a small tmpfs (a real full or read-only disk); run the suite as root")
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def cli(library: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "curator", "--library", str(library), *args], capture_output=True,
                          text=True, env=env, timeout=120)


def fill(disk: Path) -> None:
    with open(disk / "filler", "wb", buffering=0) as handle, contextlib.suppress(OSError):
        while True:
            handle.write(b"\0" * 65536)


def test_full_disk_on_the_first_open_of_the_day_still_reads(tmp_path):
    with tmpfs(tmp_path / "disk", "4m") as disk:
        folder = disk / "lib"
        with Library.open(folder, extensions=False) as library:
            library.import_records([ImportItem(str(i), r) for i, r in enumerate(synthetic_records(60))],
                                   on_duplicate="keep", backup=False)
        for backup in (folder / "backups").iterdir():
            backup.unlink()  # no backup today yet: the next open would take one
        fill(disk)
        listed = cli(folder, "--json", "list")
        assert listed.returncode == 0, listed.stderr
        assert json.loads(listed.stdout)["total"] == 60
        assert ("backup was skipped" in listed.stderr or "disk full" in listed.stderr) and "Traceback" not in listed.stderr
        exported = cli(folder, "export", "json", str(tmp_path / "all.json"))
        assert exported.returncode == 0, exported.stderr
        assert len(json.loads((tmp_path / "all.json").read_text())) == 60
        source = tmp_path / "more.jsonl"
        source.write_text("\n".join(json.dumps(r) for r in synthetic_records(200, seed=5)))
        imported = cli(folder, "--json", "import", str(source), "--on-duplicate", "keep")
        assert imported.returncode == 2 and "disk" in imported.stderr and "full" in imported.stderr, imported.stderr
        assert "bug" not in imported.stderr and "Traceback" not in imported.stderr
        (disk / "filler").unlink()
        checked = cli(folder, "--json", "check")
        assert checked.returncode == 0 and json.loads(checked.stdout)["records"] == 60  # nothing half-written


def test_read_only_library_is_diagnosed_and_readable(tmp_path, sample_record):
    with tmpfs(tmp_path / "disk", "8m") as disk:
        folder = disk / "lib"
        with Library.open(folder, extensions=False) as library:
            record, _ = library.create(sample_record)
        remount = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True, text=True)
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only here ({remount.stderr.strip()})")
        shown = cli(folder, "--json", "show", record["id"])
        assert shown.returncode == 0, shown.stderr
        assert json.loads(shown.stdout)["title"] == sample_record["title"]
        assert "read-only" in shown.stderr and "Traceback" not in shown.stderr
        changed = cli(folder, "--json", "delete", record["id"])
        assert changed.returncode == 2 and "read-only" in json.loads(changed.stdout)["error"]
        assert "bug" not in changed.stderr
