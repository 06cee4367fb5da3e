"""Library commands: init, import, show, list, update, status, delete/restore, undo/redo, history, export json,
vocabularies, demo, backups and integrity check."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import CuratorError, FileRefused
from ..import_fixes import note_text as _note_text
from ..importers import read_file
from ..library import ON_DUPLICATE, plural
from ..model import STATUSES
from .output import record_text, table


def register(commands: argparse._SubParsersAction, groups) -> None:
    def add(name: str, func, help: str) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help, description=help)
        parser.set_defaults(func=func)
        return parser

    add("init", cmd_init, "create the library folder (done automatically on first use)")

    p = add("import", cmd_import, "import case studies from .json, .jsonl, .csv or .docx files")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--on-duplicate", choices=ON_DUPLICATE, default="skip",
                   help="what to do with a near-duplicate of a record already held: skip (the default, with a "
                   "warning), keep (add it as a new record) or update (merge into the match: the fields the file "
                   "gives replace the match's, every other field and the match's status stay)")

    p = add("show", cmd_show, "show one case study in the interchange format")
    p.add_argument("id")

    p = add("list", cmd_list, "list case studies, newest first")
    for flag, meta in (("--status", "S"), ("--ics", "X"), ("--area", "A"), ("--group", "G"), ("--region", "R"),
                       ("--action", "A")):
        p.add_argument(flag, metavar=meta)
    p.add_argument("--limit", type=int)
    p.add_argument("--trash", action="store_true", help="list the trash instead")

    p = add("update", cmd_update, "replace the given fields of a case study from a JSON file (or - for stdin)")
    p.add_argument("id")
    p.add_argument("file", metavar="FILE|-")

    p = add("set-status", cmd_set_status, "move a case study along the workflow")
    p.add_argument("id")
    p.add_argument("status", choices=STATUSES, metavar="STATUS")

    p = add("delete", cmd_delete, "move a case study to the trash")
    p.add_argument("id")
    p = add("restore", cmd_restore, "bring a case study back from the trash")
    p.add_argument("id")
    add("undo", cmd_undo, "revert the last change to the library")
    add("redo", cmd_redo, "re-apply the change just undone")
    p = add("history", cmd_history, "every change made to one case study")
    p.add_argument("id")

    export = groups("export", "write case studies out (json, and more)")
    p = export.add_parser("json", help="every case study in the interchange format")
    p.add_argument("out", metavar="OUT.json")
    p.add_argument("--status", choices=STATUSES)
    p.set_defaults(func=cmd_export_json)

    p = add("vocab", cmd_vocab, "list a vocabulary: ics, regions, areas, groups, actions, audiences")
    p.add_argument("name", choices=("ics", "regions", "areas", "groups", "actions", "audiences"))

    p = add("demo", cmd_demo, "fill the library with illustrative demo case studies")
    p.add_argument("--force", action="store_true", help="add the demo records even if the library has records")

    p = add("backup", cmd_backup, "back the library's database up now")
    add("backups", cmd_backups, "list the library's backups")
    p = add("restore-backup", cmd_restore_backup, "replace the database with a backup (the current state is "
            "backed up first)")
    p.add_argument("file", metavar="FILE")
    add("check", cmd_check, "check the database's integrity")


def cmd_init(ctx, args) -> None:
    ctx.emit({"library": str(ctx.library.folder)}, lambda d: f"Library ready at {d['library']}")


def _import_human(report: dict[str, Any]) -> str:
    lines = [f"Imported {len(report['imported'])}, refused {len(report['refused'])}, "
             f"warnings {len(report['warnings'])}."]
    if report["imported"]:
        lines += ["", table(report["imported"], ["id", "title", "source"])]
    for r in report["refused"]:
        lines.append(f"REFUSED {r['source']}: {r['error']}")
    for w in report["warnings"]:
        lines.append(f"warning {w['source']}: {w['message']}")
    notes = report.get("notes") or []
    if notes:
        lines += ["", "Where the document's parts went:"]
        lines += [f"  {n['source']}: {_note_text(n)}" for n in notes]
    return "\n".join(lines)


def cmd_import(ctx, args) -> int:
    items = []
    refused_files = []
    for name in args.paths:
        try:
            items.extend(read_file(Path(name)))
        except FileRefused as err:
            refused_files.append({"source": Path(name).name, "error": str(err)})
    report = ctx.library.import_records(items, on_duplicate=args.on_duplicate, progress=ctx.progress)
    data = report.as_json()
    for dup in data["duplicates"]:
        dup.pop("raw", None)
    data["refused"] = refused_files + data["refused"]
    ctx.emit(data, _import_human)
    return 1 if data["refused"] else 0


def cmd_show(ctx, args) -> None:
    ctx.emit(ctx.library.get(args.id), record_text)


def cmd_list(ctx, args) -> None:
    if args.trash:
        rows = ctx.library.trash()
        ctx.emit({"total": len(rows), "items": rows}, lambda d: table(d["items"], ["id", "title", "deleted"]))
        return
    result = ctx.library.list_records(status=args.status, ics=args.ics, area=args.area, group=args.group,
                                      region=args.region, action=args.action, limit=args.limit)
    ctx.emit(result, lambda d: f"{table(d['items'], ['id', 'title', 'ics', 'status', 'updated'])}\n"
                               f"{d['total']} case stud{'y' if d['total'] == 1 else 'ies'}")


def _read_json_arg(name: str) -> Any:
    """The fields of one record from a file or stdin: the same limits as an import (size, depth, numbers)."""
    from ..importers.structured import MAX_BYTES, _loads

    try:
        if name == "-":
            text = sys.stdin.read(MAX_BYTES + 1)
        else:
            if Path(name).stat().st_size > MAX_BYTES:
                raise CuratorError(f"{name} is more than {MAX_BYTES // 2**20} MB; one record's fields are far smaller")
            text = Path(name).read_text(encoding="utf-8")
    except OSError as err:
        raise CuratorError(f"cannot read {name} ({err.strerror})") from err
    except UnicodeDecodeError as err:
        raise CuratorError(f"{name} is not UTF-8 text (byte {err.start}); save it as UTF-8 and try again") from err
    if len(text) > MAX_BYTES:
        raise CuratorError(f"{name} is more than {MAX_BYTES // 2**20} MB; one record's fields are far smaller")
    return _loads(Path(name), text)


def _emit_record(ctx, record: dict[str, Any], warnings: list[str] | None = None) -> None:
    for warning in warnings or []:
        print(f"curator: warning: {warning}", file=sys.stderr)
    ctx.emit(record, record_text)


def cmd_update(ctx, args) -> None:
    record, warnings = ctx.library.update(args.id, _read_json_arg(args.file))
    _emit_record(ctx, record, warnings)


def cmd_set_status(ctx, args) -> None:
    _emit_record(ctx, ctx.library.set_status(args.id, args.status))


def cmd_delete(ctx, args) -> None:
    record = ctx.library.delete(args.id)
    ctx.emit({"deleted": args.id, "title": record["title"]},
             f"Moved '{record['title']}' to the trash ('restore {args.id}' or 'undo' brings it back)")


def cmd_restore(ctx, args) -> None:
    record = ctx.library.restore(args.id)
    ctx.emit({"restored": args.id, "title": record["title"]}, f"Restored '{record['title']}'")


def _changes_json(changes) -> dict[str, Any]:
    return {"label": changes.label, "ids": sorted(changes.ids | changes.removed)}


def _emit_changes(ctx, changes) -> None:
    count = plural(len(changes.ids | changes.removed), "case study", "case studies")
    ctx.emit(_changes_json(changes), f"{changes.label} ({count})")


def cmd_undo(ctx, args) -> None:
    _emit_changes(ctx, ctx.library.undo())


def cmd_redo(ctx, args) -> None:
    _emit_changes(ctx, ctx.library.redo())


def cmd_history(ctx, args) -> None:
    changes = ctx.library.history(args.id)
    ctx.emit({"changes": changes},
             lambda d: table([dict(c, fields=", ".join(c["fields"]), undone="undone" if c["undone"] else "")
                              for c in d["changes"]], ["at", "user", "label", "fields", "undone"]))


def cmd_export_json(ctx, args) -> None:
    count = ctx.library.export_json(Path(args.out), status=args.status)
    ctx.emit({"path": str(Path(args.out).resolve()), "count": count}, f"Wrote {count} case studies to {args.out}")


def cmd_vocab(ctx, args) -> None:
    from ..vocab import vocabularies

    vocab = vocabularies()
    if args.name == "ics":
        items = [{"code": t.id, "name": t.label, "region": t.extra.get("region"), "icb_name": t.extra.get("icb_name")}
                 for t in vocab.ics]
        ctx.emit(items, lambda d: table(d, ["code", "name", "region"]))
    elif args.name == "regions":
        items = [{"name": t.id, "ons_code": t.extra.get("ons_code"), "ods_code": t.extra.get("ods_code")}
                 for t in vocab.regions]
        ctx.emit(items, lambda d: table(d, ["name", "ons_code", "ods_code"]))
    elif args.name == "areas":
        items = [{"id": t.id, "label": t.label, "cohort": t.extra.get("cohort")} for t in vocab.areas]
        ctx.emit(items, lambda d: table(d, ["id", "cohort", "label"], max_width=80))
    elif args.name == "groups":
        items = [{"id": t.id, "label": t.label, "group": t.extra.get("group"), "parent": t.extra.get("parent")}
                 for t in vocab.groups]
        ctx.emit(items, lambda d: table(d, ["id", "group", "parent", "label"], max_width=80))
    elif args.name == "actions":
        items = [{"id": t.id, "label": t.label} for t in vocab.actions]
        ctx.emit(items, lambda d: table(d, ["id", "label"], max_width=80))
    else:
        items = [t.label for t in vocab.audiences]
        ctx.emit(items, "\n".join(items))


def cmd_demo(ctx, args) -> None:
    from ..demo import load_demo

    report = load_demo(ctx.library, force=args.force)
    ctx.emit({"library": str(ctx.library.folder), "imported": len(report.imported)},
             f"Added {len(report.imported)} illustrative case studies to {ctx.library.folder}")


def cmd_backup(ctx, args) -> None:
    info = ctx.library.backup("manual")
    ctx.emit({"path": str(info.path)}, f"Backed up to {info.path}")


def cmd_backups(ctx, args) -> None:
    from ..recovery import list_backups  # never opens the database: this must work when it is damaged

    items = [b.as_json() for b in reversed(list_backups(ctx.library_folder))]
    ctx.emit({"backups": items}, lambda d: table(d["backups"], ["taken", "reason", "bytes", "path"], max_width=90))


def cmd_restore_backup(ctx, args) -> None:
    from ..recovery import restore  # works on a library whose database cannot be opened

    result = restore(ctx.library_folder, args.file)
    kept = (f"the state before is kept in {result['safety_backup']}" if result["safety_backup"] else
            "there was no database to keep")
    ctx.emit(result, f"Restored {result['restored']} ({result['records']} case studies); {kept}")


def cmd_check(ctx, args) -> int:
    result = ctx.library.check()
    ctx.emit(result, lambda d: "Library is sound." if d["ok"] else "Problems:\n" + "\n".join(d["problems"]))
    return 0 if result["ok"] else 1
