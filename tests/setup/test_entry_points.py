"""`python -m curator` from the folder above a checkout named `curator` works (or says what to install)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_python_m_curator_from_the_folder_above_the_checkout(tmp_path):
    above = tmp_path / "above"
    above.mkdir()
    (above / "curator").symlink_to(ROOT, target_is_directory=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["CURATOR_LIBRARY"] = str(tmp_path / "lib")
    result = subprocess.run([sys.executable, "-m", "curator", "--json", "vocab", "regions"], cwd=above,
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "London" in json.dumps(json.loads(result.stdout))
    assert "Traceback" not in result.stderr


def test_without_the_libraries_it_says_what_to_run(tmp_path):
    above = tmp_path / "above"
    above.mkdir()
    (above / "curator").symlink_to(ROOT, target_is_directory=True)
    # -S -E -s: no site-packages and no environment, as with a system Python that never had `make` run
    result = subprocess.run([sys.executable, "-S", "-E", "-s", "-m", "curator", "list"], cwd=above,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "make run" in result.stderr and ".venv" in result.stderr and "Traceback" not in result.stderr
