"""``python -m curator``: every capability from the command line, with ``--json`` for scripts.

Commands live in ``curator/cli/cmd_*.py``; each module's ``register(commands, groups)`` adds its own, so an
area (search, Word, review) brings its commands without editing this file. Errors exit with status 2 and
one line ``curator: error: …`` on stderr (and ``{"error": …}`` on stdout with ``--json``), never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import logging
import pkgutil
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import CuratorError

EXIT_OK, EXIT_PARTIAL, EXIT_ERROR = 0, 1, 2


class UsageError(CuratorError):
    """The command line itself is wrong."""


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting, so errors keep the one-line contract."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see 'python -m curator {self.prog.split(' ', 1)[-1]} --help')"
                         if " " in self.prog else f"{message} (see 'python -m curator --help')")


class Context:
    """What every command handler gets: global options, the lazily opened library, and output helpers."""

    def __init__(self, library_dir: str | None, as_json: bool) -> None:
        self.library_dir = library_dir
        self.json = as_json
        self._library = None

    @property
    def library(self):
        if self._library is None:
            from ..library import Library
            from ..logs import log_file_for

            self._library = Library.open(self.library_dir)
            log_file_for(self._library.folder if not self._library.read_only else None)
            for warning in self._library.warnings:
                print(f"curator: warning: {warning}", file=sys.stderr)
        return self._library

    @property
    def library_folder(self) -> Path:
        """The library folder named on the command line (or the default), without opening it."""
        from ..library import default_library_dir

        return Path(self.library_dir).expanduser() if self.library_dir else default_library_dir()

    def close(self) -> None:
        if self._library is not None:
            self._library.close()

    def emit(self, data: Any, human: Callable[[Any], str] | str | None = None) -> None:
        """Print JSON with --json, else the human rendering (a string, a function of data, or indented JSON)."""
        if self.json:
            print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
            return
        if callable(human):
            text = human(data)
        elif isinstance(human, str):
            text = human
        else:
            text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
        if text:
            print(text)

    def progress(self, done: int, total: int, message: str) -> None:
        """A one-line progress counter on stderr for people at a terminal (never in --json output)."""
        if not self.json and sys.stderr.isatty() and total > 1:
            print(f"\r{done}/{total} {message[:60]:<60}", end="" if done < total else "\n", file=sys.stderr)


class Groups:
    """Shared command groups (``export``, ``bench``, ``review`` …) that several modules add sub-commands to."""

    def __init__(self, commands: argparse._SubParsersAction) -> None:
        self.commands = commands
        self._groups: dict[str, argparse._SubParsersAction] = {}

    def __call__(self, name: str, help: str) -> argparse._SubParsersAction:
        if name not in self._groups:
            parser = self.commands.add_parser(name, help=help, description=help)
            self._groups[name] = parser.add_subparsers(dest=f"{name}_command", metavar="SUBCOMMAND",
                                                       parser_class=Parser)
            self._groups[name].required = True
        return self._groups[name]


def build_parser() -> Parser:
    parser = Parser(prog="curator", description="Curate good-practice case studies on tackling health "
                    "inequalities. Global options --library DIR and --json go before or after the command.")
    parser.add_argument("--library", metavar="DIR", help="library folder (default: $CURATOR_LIBRARY or the "
                        "per-user data folder)")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    groups = Groups(commands)
    package = Path(__file__).parent
    for info in sorted(pkgutil.iter_modules([str(package)]), key=lambda m: m.name):
        if info.name.startswith("cmd_"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            module.register(commands, groups)
    return parser


def _split_globals(argv: list[str]) -> tuple[list[str], str | None, bool]:
    """Take --library/--json from anywhere on the line, so both 'curator --json list' and 'list --json' work."""
    rest: list[str] = []
    library, as_json = None, False
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        if arg == "--json":
            as_json = True
        elif arg == "--library":
            if i + 1 >= len(argv):
                raise UsageError("--library needs a folder: --library DIR")
            library = argv[i + 1]
            i += 1
        elif arg.startswith("--library="):
            library = arg.split("=", 1)[1]
        else:
            rest.append(arg)
        i += 1
    return rest, library, as_json


def _fail(message: str, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"error": message}, ensure_ascii=False))
    print(f"curator: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def _log_unexpected(ctx: Context | None) -> str:
    """Write the traceback to the library's log (or the per-user log) and return where it went."""
    from ..logs import log_file_for

    folder = None
    if ctx is not None:
        if ctx._library is not None and not ctx._library.read_only:
            folder = ctx._library.folder
        else:
            with contextlib.suppress(Exception):
                candidate = ctx.library_folder
                folder = candidate if (candidate / "logs").is_dir() else None
    path = log_file_for(folder)
    logging.getLogger("curator").error("unexpected error\n%s", traceback.format_exc())
    return str(path)


def _interrupted_message(ctx: Context | None) -> str:
    """What Ctrl+C left, truthfully: a change in progress was rolled back whole, or nothing was being saved."""
    library = ctx._library if ctx is not None else None
    if library is not None and library.store.interrupted_rollback:
        return ("interrupted; the change in progress was rolled back whole, so nothing from it was saved; run the "
                "command again to do it")
    return ("interrupted; no change was in progress (each change is saved whole or not at all): run 'history' to "
            "see the last one saved")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in argv
    ctx: Context | None = None
    try:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.default_int_handler)  # from here Ctrl+C is answered truthfully
        rest, library, as_json = _split_globals(argv)
        parser = build_parser()
        if not rest or rest in (["-h"], ["--help"]):
            parser.print_help()
            return EXIT_OK if rest else EXIT_ERROR
        args = parser.parse_args(rest)
        ctx = Context(library or args.library, as_json or args.json)
        result = args.func(ctx, args)
        return EXIT_OK if result is None else int(result)
    except CuratorError as err:
        return _fail(str(err), as_json)
    except BrokenPipeError:  # output piped into `head` and the like: the reader has what it wanted
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return _fail(_interrupted_message(ctx), as_json)
    except SystemExit as exc:  # --help inside a sub-command
        return int(exc.code or 0)
    except Exception as err:  # noqa: BLE001 - the one place that turns bugs into a message, not a traceback
        from ..errors import explain

        expected = explain(err)
        if expected is not None:  # a locked database, a full or read-only disk, input too deep: not a bug
            return _fail(str(expected), as_json)
        where = _log_unexpected(ctx)
        return _fail(f"unexpected problem ({type(err).__name__}: {err}); this is a bug in Curator, "
                     f"details are in {where}", as_json)
    finally:
        if ctx is not None:
            with contextlib.suppress(Exception):  # closing after a full disk or a damaged file: already reported
                ctx.close()
