"""Team library commands: ``team connect|status|sync|conflicts|resolve|disconnect``."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..errors import CuratorError
from ..team import sync


def register(commands: argparse._SubParsersAction, groups) -> None:
    team = groups("team", "share this library with a team through a PostgreSQL database (offline first)")
    p = team.add_parser("connect", help="link this library to a team database (created on first connect)",
                        description="Link to postgresql://YOUR-NAME[:PASSWORD]@SERVER[:PORT]/DATABASE. The "
                        "address is kept in the library without the password; a password goes to the OS "
                        "keyring, never to a file.")
    p.add_argument("url", metavar="POSTGRESQL-URL")
    p.set_defaults(func=cmd_connect)
    p = team.add_parser("status", help="last sync, changes waiting each way, conflicts")
    p.add_argument("--offline", action="store_true", help="do not contact the server")
    p.set_defaults(func=cmd_status)
    p = team.add_parser("sync", help="pull everyone's changes, merge field by field, push this library's")
    p.set_defaults(func=cmd_sync)
    p = team.add_parser("conflicts", help="case studies changed on both sides in the same field")
    p.set_defaults(func=cmd_conflicts)
    p = team.add_parser("resolve", help="settle a conflict: --take mine|theirs, or FIELD=VALUE (JSON or text)")
    p.add_argument("id")
    p.add_argument("values", nargs="*", metavar="FIELD=VALUE")
    p.add_argument("--take", choices=sync.TAKE)
    p.set_defaults(func=cmd_resolve)
    p = team.add_parser("access-sql", help="print the SQL an administrator runs once: roles curator_lead, "
                        "curator_reviewer (row-level security) and curator_read")
    p.set_defaults(func=cmd_access_sql)
    bench = groups("bench", "measure speed and memory")
    p = bench.add_parser("sync", help="several libraries converge through a PostgreSQL server started for the run")
    p.add_argument("--docs", type=int, default=2000, help="case studies (default 2000)")
    p.add_argument("--clients", type=int, default=3, help="laptops (default 3)")
    p.set_defaults(func=cmd_bench_sync)
    p = team.add_parser("disconnect", help="unlink this library from the team database (nothing is deleted)")
    p.set_defaults(func=cmd_disconnect)


def cmd_connect(ctx, args) -> None:
    result = sync.connect(ctx.library, args.url)
    ctx.emit(result, lambda d: f"Linked to {d['url']} (team schema {d['schema']}); run 'team sync' to share")


def cmd_status(ctx, args) -> None:
    ctx.emit(sync.status(ctx.library, online=not args.offline), _status_text)


def _status_text(d: dict[str, Any]) -> str:
    pull = "unknown (offline)" if d["to_pull"] is None else d["to_pull"]
    role = d.get("role")
    kept = " (kept here: your role cannot send case studies)" if d["to_push"] and role in ("reviewer", "read") else ""
    return (f"Team library: {d['url']}\n" + (f"Your role: {role}\n" if role else "")
            + f"Last sync: {d['last_sync'] or 'never'}\nWaiting to send: {d['to_push']}{kept}\n"
            f"Waiting to receive: {pull}\nConflicts: {d['conflicts']}")


def cmd_sync(ctx, args) -> int:
    report = sync.sync(ctx.library)
    ctx.emit(report.as_json(), _sync_text)
    return 1 if report.conflicts else 0


def _sync_text(d: dict[str, Any]) -> str:
    lines = [f"Received {d['pulled']} change(s), sent {d['pushed']}; {len(d['merged'])} merged automatically; "
             f"{len(d['conflicts'])} conflict(s)" + (" (see 'team conflicts')" if d["conflicts"] else "")]
    if d["editions_pulled"] or d["editions_pushed"]:
        lines.append(f"Guide editions: received {d['editions_pulled']}, sent {d['editions_pushed']}")
    if d["held_back"]:
        lines.append(f"{d['held_back']} change(s) kept on this laptop: your team role ({d['role']}) cannot send "
                     "them")
    return "\n".join(lines + d["notes"])


def cmd_conflicts(ctx, args) -> None:
    items = sync.conflicts(ctx.library)
    ctx.emit({"conflicts": items}, _conflicts_text)


def _conflicts_text(d: dict[str, Any]) -> str:
    if not d["conflicts"]:
        return "No conflicts."
    lines = []
    for c in d["conflicts"]:
        lines.append(f"{c['id']}  {c['title']}  ({c['kind'].replace('_', ' ')})")
        for f in c["fields"]:
            lines.append(f"    {f['field']}: mine {json.dumps(f['mine'], ensure_ascii=False)[:60]} | "
                         f"theirs {json.dumps(f['theirs'], ensure_ascii=False)[:60]}")
    return "\n".join(lines)


def cmd_resolve(ctx, args) -> None:
    values: dict[str, Any] = {}
    for item in args.values:
        name, sep, raw = item.partition("=")
        if not sep or not name:
            raise CuratorError(f"'{item}' should be FIELD=VALUE, e.g. summary=\"The agreed text\"")
        try:
            values[name] = json.loads(raw)
        except json.JSONDecodeError:
            values[name] = raw
    result = sync.resolve(ctx.library, args.id, args.take, values)
    ctx.emit(result, lambda d: f"Resolved {d['resolved']}; it is sent on the next 'team sync'")


def cmd_access_sql(ctx, args) -> None:
    from ..team.access import ACCESS_SQL

    ctx.emit({"sql": ACCESS_SQL}, ACCESS_SQL)


def cmd_bench_sync(ctx, args) -> None:
    from ..team import bench

    ctx.emit(bench.run(args.docs, args.clients), bench.human)


def cmd_disconnect(ctx, args) -> None:
    sync.disconnect(ctx.library)
    ctx.emit({"disconnected": True}, "Unlinked from the team library; the local library is unchanged")
