"""Search commands: ``search``, saved searches, ``index rebuild|check`` and ``bench search``."""

from __future__ import annotations

import argparse
import html
import re
from typing import Any

from ..errors import CuratorError
from .output import table

FILTER_FLAGS = (("--ics", "ics", "X"), ("--region", "region", "R"), ("--area", "area", "A"),
                ("--group", "group", "G"), ("--status", "status", "S"), ("--action", "action", "A"),
                ("--year", "year", "Y"), ("--programme", "programme", "P"))
_TAG = re.compile(r"</?b>")


def register(commands: argparse._SubParsersAction, groups) -> None:
    p = commands.add_parser(
        "search", help="full-text search; also 'search save NAME QUERY', 'search saved', 'search run NAME', "
        "'search forget NAME'",
        description="Search the library. Words must all match; use \"exact phrases\", OR, NOT or -word, prefix*, "
        "title: org: ics: region: area: group: action: status: year:2021..2023 has:FIELD missing:FIELD. "
        "Saved searches: 'search save NAME QUERY', 'search saved', 'search run NAME', 'search forget NAME'. "
        "To search for those words themselves, use --query.")
    p.add_argument("words", nargs="*", metavar="QUERY")
    p.add_argument("--query", "-q", help="the query, taken literally (even 'save' or 'run')")
    for flag, dest, meta in FILTER_FLAGS:
        p.add_argument(flag, dest=dest, metavar=meta, action="append",
                       help="filter (repeat for OR); same codes, ids and labels as import")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--offset", type=int, default=0)
    p.set_defaults(func=cmd_search)

    index = groups("index", "the search index: rebuild it or check it against the library")
    p = index.add_parser("rebuild", help="rebuild the search index from the library's database")
    p.set_defaults(func=cmd_index_rebuild)
    p = index.add_parser("check", help="compare the search index with the database (exit 1 if they differ)")
    p.set_defaults(func=cmd_index_check)

    bench = groups("bench", "measure speed and memory")
    p = bench.add_parser("search", help="Curator (Whoosh) against SQLite FTS5 and tantivy on a synthetic library "
                         "built in this run")
    p.add_argument("--docs", type=int, default=2000, help="number of synthetic case studies (default 2000)")
    p.add_argument("--queries", metavar="FILE", help="one query per line instead of the built-in mix")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--keep", metavar="DIR", help="build the libraries in DIR and keep them")
    p.add_argument("--repeats", type=int, default=5, help="passes over the query mix, engines interleaved; each "
                   "query's median counts (default 5)")
    p.add_argument("--saves", type=int, default=20, help="records saved and found again per engine (default 20)")
    p.set_defaults(func=cmd_bench_search)


def service(ctx):
    return ctx.library.extensions["search"]


def _filters(args: argparse.Namespace) -> dict[str, list[str]]:
    return {dest: getattr(args, dest) for _, dest, _ in FILTER_FLAGS if getattr(args, dest)}


def _plain(snippet: str) -> str:
    return html.unescape(_TAG.sub("", snippet))


def _human(data: dict[str, Any]) -> str:
    lines = []
    if data["hits"]:
        lines.append(table([dict(h, snippet=_plain(h["snippet"])) for h in data["hits"]],
                           ["id", "score", "title", "snippet"], max_width=50))
    shown = len(data["hits"])
    lines.append(f"{data['total']} match{'' if data['total'] == 1 else 'es'}"
                 + (f", showing {shown}" if shown < data["total"] else ""))
    for name, counts in data["facets"].items():
        if counts:
            lines.append(f"  {name}: " + ", ".join(f"{k} ({v})" for k, v in list(counts.items())[:8]))
    if data.get("suggestion"):
        lines.append(f"Did you mean: {data['suggestion']}")
    if data.get("notice"):
        lines.append(f"Note: {data['notice']}")
    return "\n".join(lines)


def cmd_search(ctx, args) -> int | None:
    words = list(args.words)
    if args.query is not None:
        return _run(ctx, args.query, args)
    verb = words[0] if words else ""
    if verb == "save" and len(words) >= 3:
        saved = service(ctx).save_search(words[1], " ".join(words[2:]))
        ctx.emit(saved, lambda d: f"Saved search '{d['name']}': {d['query']}")
        return None
    if verb == "saved" and len(words) == 1:
        items = service(ctx).saved_searches()
        ctx.emit({"saved": items}, lambda d: table(d["saved"], ["name", "query"]))
        return None
    if verb == "run" and len(words) == 2:
        return _run(ctx, service(ctx).saved_query(words[1]), args)
    if verb == "forget" and len(words) == 2:
        service(ctx).delete_saved_search(words[1])
        ctx.emit({"forgotten": words[1]}, f"Forgot saved search '{words[1]}'")
        return None
    if verb in ("save", "run", "forget") and len(words) == 1:
        raise CuratorError(f"'search {verb}' needs a name: search save NAME QUERY | search run NAME | "
                           "search forget NAME (use --query to search for the word itself)")
    return _run(ctx, " ".join(words), args)


def _run(ctx, query: str, args: argparse.Namespace) -> None:
    filters = _filters(args)
    if not query.strip() and not filters:
        raise CuratorError("give words to search for, or a filter such as --ics X, e.g. search \"blood pressure\"")
    result = service(ctx).search(query, filters, limit=args.limit, offset=args.offset)
    ctx.emit(result, _human)


def cmd_index_rebuild(ctx, args) -> None:
    result = service(ctx).rebuild(progress=ctx.progress)
    ctx.emit(result, lambda d: f"Indexed {d['documents']} case studies in {d['seconds']} s")


def cmd_index_check(ctx, args) -> int:
    result = service(ctx).check()

    def human(d: dict[str, Any]) -> str:
        if d["ok"]:
            return "The search index matches the library."
        parts = [f"{k}: {', '.join(v[:10])}{' …' if len(v) > 10 else ''}" for k, v in d.items() if k != "ok" and v]
        return "The search index differs from the library (run 'index rebuild'):\n  " + "\n  ".join(parts)

    ctx.emit(result, human)
    return 0 if result["ok"] else 1


def cmd_bench_search(ctx, args) -> None:
    from ..bench.search import human, run_bench

    if args.docs < 10:
        raise CuratorError("--docs must be at least 10")
    if args.repeats < 1:
        raise CuratorError("--repeats must be at least 1")
    result = run_bench(args.docs, queries_file=args.queries, seed=args.seed, keep=args.keep,
                       repeats=args.repeats, saves=max(1, args.saves), progress=ctx.progress)
    ctx.emit(result, human)
