"""Invariants: the core never imports Qt, and nothing opens a network connection."""

import ast
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE_FILES = [p for p in (ROOT / "curator").rglob("*.py") if "ui" not in p.relative_to(ROOT / "curator").parts]


def test_no_core_module_imports_qt_in_its_source():
    offenders = []
    for path in CORE_FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(n.split(".")[0] in ("PySide6", "PyQt5", "PyQt6", "shiboken6") for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


def test_importing_every_core_module_and_running_the_cli_loads_no_qt(tmp_path):
    modules = sorted({".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                      for p in CORE_FILES if p.name != "__main__.py"})
    script = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "from curator.cli import main\n"
        f"main(['--library', {str(tmp_path / 'lib')!r}, 'demo'])\n"
        f"main(['--library', {str(tmp_path / 'lib')!r}, 'list', '--json'])\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')]\n"
        "print('QT' if bad else 'CLEAN', bad)\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1].startswith("CLEAN"), out.stdout + out.stderr


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network connection attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_the_cli_opens_no_network_connection(tmp_path, capsys, no_network):
    from tests.helpers import run_cli

    lib = tmp_path / "lib"
    commands = [["demo"], ["list"], ["vocab", "ics"], ["backup"], ["backups"], ["check"],
                ["export", "json", str(tmp_path / "x.json")], ["import", str(tmp_path / "x.json")], ["undo"]]
    for command in commands:
        result = run_cli(capsys, "--library", lib, "--json", *command)
        assert "network connection attempted" not in result.out + result.err, command
    assert no_network == []


def test_the_app_opens_no_network_connection(tmp_path, qtbot, no_network):
    from curator.library import Library

    with Library.open(tmp_path / "lib") as library:
        from curator.demo import load_demo

        load_demo(library)
    from curator.ui.app import main

    out = tmp_path / "shot.png"
    assert main(["--library", str(tmp_path / "lib"), "--screenshot", str(out)]) == 0
    assert out.exists() and no_network == []
