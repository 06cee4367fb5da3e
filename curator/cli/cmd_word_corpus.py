"""``bench word-corpus DIR``: every Word file of a folder imported into a fresh library, words counted."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(commands: argparse._SubParsersAction, groups) -> None:
    bench = groups("bench", "measure speed and memory")
    p = bench.add_parser("word-corpus", help="import each Word file of DIR into a fresh library: imported / "
                         "refused / crashed / over 30 s, words kept, time and peak memory")
    p.add_argument("folder", metavar="DIR")
    p.add_argument("--jobs", type=int, default=2, help="files imported at once (default 2)")
    p.add_argument("--limit", type=float, default=60.0, help="seconds before a file's import is killed")
    p.add_argument("--detail", action="store_true", help="with --json, every file's row as well")
    p.set_defaults(func=cmd_bench_word_corpus)


def cmd_bench_word_corpus(ctx, args) -> None:
    from ..bench import word_corpus
    from ..errors import CuratorError

    if args.jobs < 1 or args.limit <= 0:
        raise CuratorError("--jobs must be at least 1 and --limit more than 0 seconds")
    result = word_corpus.run(Path(args.folder), jobs=args.jobs, limit=args.limit, progress=ctx.progress)
    if ctx.json and not args.detail:
        result["files_detail"] = [r for r in result["files_detail"] if r["outcome"] != "imported" or (
            r["words"] and (r["lost"] or 0) / r["words"] > word_corpus.GOAL_LOST_PER_DOC)]
    ctx.emit(result, word_corpus.human)
