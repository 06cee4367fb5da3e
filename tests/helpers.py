"""Helpers shared by tests: run the CLI in-process and capture what a user or script sees."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from curator.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)


def run_cli(capsys, *args: str) -> Result:
    """``python -m curator ARGS`` in this process; returns exit code, stdout and stderr."""
    capsys.readouterr()
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)
