"""Library management commands: bulk status / tag / delete / restore over many ids, emptying the trash,
exporting a selection as Word forms or a search as JSON, and arranging saved searches. The window's
multi-select, Trash view and sidebar call the same functions (``curator.manage``, ``curator.search.saved``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..model import STATUSES
from .output import table

FILTERS = (("--ics", "ics"), ("--region", "region"), ("--area", "area"), ("--group", "group"),
           ("--status", "status"), ("--action", "action"), ("--year", "year"))


def register(commands: argparse._SubParsersAction, groups) -> None:
    bulk = groups("bulk", "change many case studies at once (one undo step)")
    p = bulk.add_parser("status", help="move the case studies to STATUS (those the workflow refuses are listed)")
    p.add_argument("status", choices=STATUSES, metavar="STATUS")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.set_defaults(func=cmd_bulk_status)
    p = bulk.add_parser("tag", help="add or remove a clinical area, population group or action area")
    p.add_argument("change", choices=("add", "remove"))
    p.add_argument("kind", choices=("area", "group", "action"))
    p.add_argument("value", help="the code, id or label of the tag")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.set_defaults(func=cmd_bulk_tag)
    p = bulk.add_parser("delete", help="move the case studies to the trash")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.set_defaults(func=cmd_bulk_delete)
    p = bulk.add_parser("restore", help="bring the case studies back from the trash")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.set_defaults(func=cmd_bulk_restore)

    p = commands.add_parser("empty-trash", help="remove every case study in the trash (undo puts them back)",
                            description="remove every case study in the trash (undo puts them back)")
    p.set_defaults(func=cmd_empty_trash)

    export = groups("export", "write case studies out (json, and more)")
    p = export.add_parser("forms", help="case studies as filled Word submission forms, one file each, in FOLDER")
    p.add_argument("folder", metavar="FOLDER")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.set_defaults(func=cmd_export_forms)
    p = export.add_parser("search", help="what a search finds, best first, as interchange JSON")
    p.add_argument("out", metavar="OUT.json")
    p.add_argument("query", nargs="*", metavar="QUERY")
    for flag, dest in FILTERS:
        p.add_argument(flag, dest=dest, action="append", help="filter (repeat for OR)")
    p.set_defaults(func=cmd_export_search)

    saved = groups("saved-search", "arrange saved searches: list, rename, move, share with the team, delete")
    saved.add_parser("list", help="saved searches in their order").set_defaults(func=cmd_saved_list)
    p = saved.add_parser("rename", help="rename a saved search")
    p.add_argument("old")
    p.add_argument("new")
    p.set_defaults(func=cmd_saved_rename)
    p = saved.add_parser("move", help="put a saved search at POSITION (1 = top)")
    p.add_argument("name")
    p.add_argument("position", type=int)
    p.set_defaults(func=cmd_saved_move)
    for verb, helptext in (("share", "share a saved search with the team library (sent at the next sync)"),
                           ("unshare", "keep a saved search on this laptop only (taken out of the team's lists "
                                       "at the next sync)")):
        p = saved.add_parser(verb, help=helptext)
        p.add_argument("name")
        p.set_defaults(func=cmd_saved_share, shared=verb == "share")
    p = saved.add_parser("delete", help="delete a saved search")
    p.add_argument("name")
    p.set_defaults(func=cmd_saved_delete)


def _skipped_text(result) -> str:
    lines = [f"{result['label']}"]
    lines += [f"  not changed: {s['title']} ({s['reason']})" for s in result.get("skipped", [])]
    return "\n".join(lines)


def cmd_bulk_status(ctx, args) -> None:
    from ..manage import bulk_set_status

    ctx.emit(bulk_set_status(ctx.library, args.ids, args.status), _skipped_text)


def cmd_bulk_tag(ctx, args) -> None:
    from ..manage import bulk_tag

    result = bulk_tag(ctx.library, args.ids, args.kind, args.value, add=args.change == "add")
    ctx.emit(result, lambda d: f"{d['label']}: {len(d['changed'])} changed")


def cmd_bulk_delete(ctx, args) -> None:
    from ..manage import bulk_delete

    ctx.emit(bulk_delete(ctx.library, args.ids), lambda d: f"{d['label']} ('undo' brings them back)")


def cmd_bulk_restore(ctx, args) -> None:
    from ..manage import restore_many

    ctx.emit(restore_many(ctx.library, args.ids), lambda d: d["label"])


def cmd_empty_trash(ctx, args) -> None:
    from ..manage import empty_trash

    result = empty_trash(ctx.library)
    ctx.emit(result, lambda d: f"{d['label']}; 'undo' puts them back in the trash" if d["removed"]
             else "The trash is already empty.")


def cmd_export_forms(ctx, args) -> None:
    from ..manage import export_forms

    result = export_forms(ctx.library, args.ids, Path(args.folder), progress=ctx.progress)
    ctx.emit(result, lambda d: f"Wrote {d['count']} submission forms to {d['folder']}")


def cmd_export_search(ctx, args) -> None:
    from ..manage import export_search_json

    filters = {dest: getattr(args, dest) for _, dest in FILTERS if getattr(args, dest)}
    result = export_search_json(ctx.library, Path(args.out), " ".join(args.query), filters)
    ctx.emit(result, lambda d: f"Wrote {d['count']} case studies to {d['path']}")


def cmd_saved_list(ctx, args) -> None:
    from ..search.saved import listed

    ctx.emit({"saved": listed(ctx.library.store)}, lambda d: table(d["saved"], ["name", "query", "shared"]))


def cmd_saved_rename(ctx, args) -> None:
    from ..search.saved import rename

    ctx.emit(rename(ctx.library.store, args.old, args.new), lambda d: f"Renamed '{d['was']}' to '{d['name']}'")


def cmd_saved_move(ctx, args) -> None:
    from ..search.saved import move

    ctx.emit({"saved": move(ctx.library.store, args.name, args.position)},
             lambda d: table(d["saved"], ["name", "query"]))


def cmd_saved_share(ctx, args) -> None:
    from ..search.saved import share
    from ..team.sync import linked as team_link

    linked = team_link(ctx.library) is not None
    result = dict(share(ctx.library.store, args.name, args.shared), team_linked=linked)
    where = ("the next sync sends it to your team" if linked else
             "it goes to your team once this library is linked ('team connect')")
    ctx.emit(result, lambda d: (f"'{d['name']}' is shared: {where}" if d["shared"] else
                                f"'{d['name']}' is kept on this laptop only" + (
                                    "; the next sync takes it out of your team's lists" if linked else "")))


def cmd_saved_delete(ctx, args) -> None:
    from ..search.saved import delete

    delete(ctx.library.store, args.name)
    ctx.emit({"deleted": args.name}, f"Deleted saved search '{args.name}'")
