"""Smoke test of the standalone build: run the *built* programs, never the source.

``python packaging/smoke.py dist/Curator``: the command line imports a JSON file, searches it and exports the
guide; the app saves an offscreen screenshot of the main window. Runs from an empty temporary folder with no
PYTHONPATH, so nothing can come from the checkout. Prints what it did and exits non-zero on the first failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RECORD = {
    "title": "Barbershop blood pressure checks with Black community barbers",
    "organisation": "Moss Side Primary Care Network",
    "ics": "NHS Greater Manchester ICB",
    "clinical_areas": ["adult_hypertension_lipids"],
    "population_groups": ["plus_ethnic_minority"],
    "action_areas": ["shared_understanding"],
    "year": 2023,
    "status": "accepted",
    "summary": "Barbers trained to take blood pressure readings in their shops.",
    "body": "Twelve barbers were trained by practice nurses.",
}


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    print(f"  {Path(cmd[0]).name} {' '.join(cmd[1:])}: exit {result.returncode} "
          f"in {time.perf_counter() - started:.1f} s")
    if result.returncode != 0:
        sys.exit(f"smoke test failed:\n{result.stdout}\n{result.stderr}")
    return result


def main(argv: list[str]) -> int:
    folder = Path(argv[0] if argv else "dist/Curator").resolve()
    exe = ".exe" if sys.platform == "win32" else ""
    cli = folder / (f"curator-cli{exe}" if sys.platform == "win32" else "curator")
    app = folder / f"Curator{exe}"
    for program in (cli, app):
        if not program.exists():
            sys.exit(f"smoke test failed: {program} is missing (run `make dist` first)")
    work = Path(tempfile.mkdtemp(prefix="curator-smoke-"))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(QT_QPA_PLATFORM="offscreen", CURATOR_LIBRARY=str(work / "library"))
    try:
        source = work / "submission.json"
        source.write_text(json.dumps(RECORD), encoding="utf-8")
        print(f"smoke test of {folder}")
        imported = json.loads(_run([str(cli), "--json", "import", str(source)], work, env).stdout)
        assert len(imported["imported"]) == 1, imported
        found = json.loads(_run([str(cli), "--json", "search", "barbers"], work, env).stdout)
        assert found["total"] == 1, found
        guide = work / "guide.docx"
        _run([str(cli), "--json", "export", "guide", str(guide)], work, env)
        assert guide.stat().st_size > 10_000 and guide.read_bytes()[:2] == b"PK"
        shot = work / "main.png"
        _run([str(app), "--screenshot", str(shot)], work, env)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        print(f"smoke test passed: folder {size / 1e6:.0f} MB")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
