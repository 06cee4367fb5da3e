"""Word commands: the submission form (template, export), the guide (export, editions), the PII gate
(check-pii, pii dismiss) and the export benchmark. Importing .docx goes through the shared ``import`` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import CuratorError
from ..model import STATUSES
from ..pii import KINDS
from .output import table


def register(commands: argparse._SubParsersAction, groups) -> None:
    def add(name: str, func, help: str) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help, description=help)
        parser.set_defaults(func=func)
        return parser

    template = commands.add_parser("template", help="write a blank form to fill in Word",
                                   description="write a blank form to fill in Word")
    kinds = template.add_subparsers(dest="template_kind", metavar="KIND")
    kinds.required = True
    p = kinds.add_parser("submission", help="the case study submission form (.docx)")
    p.add_argument("out", metavar="OUT.docx")
    p.set_defaults(func=cmd_template_submission)

    export = groups("export", "write case studies out (json, and more)")
    p = export.add_parser("submission", help="one case study as a filled submission form (.docx)")
    p.add_argument("id")
    p.add_argument("out", metavar="OUT.docx")
    p.set_defaults(func=cmd_export_submission)
    p = export.add_parser("guide", help="the high impact actions guide (.docx, optionally a tagged PDF)",
                          description="Write the high impact actions guide. Refused (exit 1) if printed text holds "
                          "possible patient-identifiable data.")
    p.add_argument("out", metavar="OUT.docx")
    p.add_argument("--status", action="append", choices=STATUSES, metavar="STATUS",
                   help="include case studies with this status (repeatable; default: accepted and published)")
    p.add_argument("--group-by", choices=("action", "area", "region"), default="action",
                   help="sections by action area (default), clinical area or region")
    p.add_argument("--template", metavar="FILE.docx", help="a Word file whose styles to use instead of house style")
    p.add_argument("--title", help="the guide's title")
    p.add_argument("--subtitle", help="the line under the title")
    p.add_argument("--publisher", help="who publishes it (on the cover)")
    p.add_argument("--edition", type=int, metavar="N", help="write edition N again, unchanged")
    p.add_argument("--contact", help="who to contact for an alternative format (default: the publisher)")
    p.add_argument("--pdf", action="store_true", help="also write a PDF/UA file beside it (needs LibreOffice)")
    p.set_defaults(func=cmd_export_guide)

    guide = commands.add_parser("guide", help="guide editions", description="guide editions")
    sub = guide.add_subparsers(dest="guide_command", metavar="SUBCOMMAND")
    sub.required = True
    p = sub.add_parser("editions", help="list the guide editions written so far (--show N: what went into one)")
    p.add_argument("--show", type=int, metavar="N", help="list the case studies in edition N with the version of "
                   "each that went in (in a team library also the team's version, the same on every laptop)")
    p.set_defaults(func=cmd_guide_editions)
    p = sub.add_parser("opening", help="show or set the text that opens a section of the guide",
                       description="Show the opening text of every section (or one), or set one: the lead's words "
                       "are kept in the library and printed in every later edition; without them a default drawn "
                       "from the vocabularies is printed.")
    p.add_argument("section", nargs="?", metavar="SECTION", help="a key area, clinical area or region (id or name)")
    p.add_argument("--group-by", choices=("action", "area", "region"), default="action",
                   help="which sections: key areas for action (default), clinical areas or regions")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--set", metavar="TEXT", help="the new opening text (Markdown)")
    how.add_argument("--file", metavar="FILE", help="read the new opening text from a UTF-8 text file")
    how.add_argument("--reset", action="store_true", help="go back to the default text")
    p.set_defaults(func=cmd_guide_opening)
    p = sub.add_parser("acknowledge", help="name a reviewer in the guide's acknowledgements (they agreed)",
                       description="Record that an expert reference group reviewer agreed to be named in the "
                       "guide's acknowledgements (or, with --remove, no longer agrees). Without REVIEWER, list "
                       "who is named.")
    p.add_argument("reviewer", nargs="?", metavar="REVIEWER", help="reviewer id or name")
    p.add_argument("--remove", action="store_true", help="do not name this reviewer")
    p.set_defaults(func=cmd_guide_acknowledge)

    p = add("check-pii", cmd_check_pii, "scan case studies for possible patient-identifiable data")
    p.add_argument("ids", nargs="*", metavar="ID")
    p.add_argument("--all", action="store_true", help="scan every case study")

    pii = commands.add_parser("pii", help="manage PII findings", description="manage PII findings")
    sub = pii.add_subparsers(dest="pii_command", metavar="SUBCOMMAND")
    sub.required = True
    p = sub.add_parser("dismiss", help="mark one finding as not personal data (kept in the history)")
    p.add_argument("id")
    p.add_argument("finding", metavar="FINDING", help="the finding id from check-pii")
    p.add_argument("--reason", required=True, help="why it is not personal data")
    p.set_defaults(func=cmd_pii_dismiss)

    bench = groups("bench", "measure speed and memory")
    p = bench.add_parser("export", help="time the guide against bare python-docx writing the same text")
    p.add_argument("--cases", type=int, default=200)
    p.set_defaults(func=cmd_bench_export)


def _docx_out(name: str) -> Path:
    """Word writes .docx; a guide saved as 'guide.pdf' would be a Word file with the wrong name."""
    path = Path(name)
    if path.suffix.lower() != ".docx":
        hint = " (add --pdf to get a PDF beside it)" if path.suffix.lower() == ".pdf" else ""
        raise CuratorError(f"{name}: the file to write must end in .docx{hint}")
    return path


def cmd_template_submission(ctx, args) -> None:
    from ..word.submission import write_form

    size = write_form(_docx_out(args.out))
    ctx.emit({"path": str(Path(args.out).resolve()), "bytes": size},
             f"Wrote the submission form to {args.out}; send it out, then 'import' the filled copies")


def cmd_export_submission(ctx, args) -> None:
    from ..word.submission import write_form

    record = ctx.library.get(args.id)
    size = write_form(_docx_out(args.out), record)
    ctx.emit({"path": str(Path(args.out).resolve()), "id": args.id, "bytes": size},
             f"Wrote '{record['title']}' as a submission form to {args.out}")


def _findings_text(findings: list[dict[str, Any]]) -> str:
    rows = [dict(f, kind=KINDS[f["kind"]]) for f in findings]
    return table(rows, ["id", "finding", "field", "kind", "excerpt"], max_width=70)


def cmd_export_guide(ctx, args) -> int:
    from ..word.guide import PiiBlocked, export_guide

    try:
        result = export_guide(ctx.library, _docx_out(args.out), statuses=args.status, group_by=args.group_by,
                              template=Path(args.template) if args.template else None, title=args.title,
                              subtitle=args.subtitle, publisher=args.publisher, edition=args.edition, pdf=args.pdf,
                              progress=ctx.progress, contact=args.contact)
    except PiiBlocked as blocked:
        findings = [{k: f[k] for k in ("id", "title", "field", "kind", "excerpt", "finding")}
                    for f in blocked.findings]
        if ctx.json:
            ctx.emit({"error": str(blocked), "pii": findings})
        else:
            print(_findings_text(findings))
        print(f"curator: error: {blocked}", file=sys.stderr)
        return 1
    what = ("Nothing has changed since the last edition: wrote" if result.get("reused") else
            "Rewrote" if result["rewritten"] else "Wrote")
    ctx.emit(result, f"{what} edition {result['edition']} of the guide ({result['records']} case studies) to "
                     f"{result['path']}" + (f" and {result['pdf']}" if result.get("pdf") else ""))
    return 0


def cmd_guide_editions(ctx, args) -> None:
    from ..word.editions import contents, list_editions

    if args.show is not None:
        shown = contents(ctx.library, args.show)
        ctx.emit(shown, lambda d: (f"Edition {d['edition']}, {d['created'][:10]}, by {d['user']}: {d['title']}"
                                   + (f"\n{d['note']}" if d["note"] else "") + "\n"
                                   + table(d["records"], ["id", "version", "team_version", "title"], max_width=60)))
        return
    items = list_editions(ctx.library)
    ctx.emit({"editions": items}, lambda d: table(d["editions"], ["edition", "created", "records", "group_by",
                                                                  "title"], max_width=60))


def cmd_guide_opening(ctx, args) -> None:
    from ..word import guide_text

    if args.section is None:
        if args.set is not None or args.file or args.reset:
            raise CuratorError("name the section to change: guide opening SECTION --set \"…\"")
        items = guide_text.openings(ctx.library, args.group_by)
        ctx.emit({"openings": items}, lambda d: "\n\n".join(
            f"{i['title']} ({i['key'] or 'other'}{', default' if not i['custom'] else ''}):\n{i['text']}"
            for i in d["openings"]))
        return
    if args.file:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise CuratorError(f"cannot read {args.file} ({err}); give a UTF-8 text file") from err
    elif args.reset:
        text = ""
    else:
        text = args.set
    if text is None:
        key, title = guide_text.resolve_key(args.group_by, args.section)
        words, custom = guide_text.opening(ctx.library, args.group_by, key, title)
        result = {"group_by": args.group_by, "key": key, "title": title, "text": words, "custom": custom}
        ctx.emit(result, f"{title}{'' if custom else ' (default)'}:\n{words}")
        return
    result = guide_text.set_opening(ctx.library, args.group_by, args.section, text)
    ctx.emit(result, f"{'Set' if result['custom'] else 'Reset'} the opening of '{result['title']}'; the next "
                     "guide prints it")


def cmd_guide_acknowledge(ctx, args) -> None:
    from ..word import guide_text

    if args.reviewer:
        result = guide_text.set_named(ctx.library, args.reviewer, not args.remove)
        ctx.emit(result, f"{result['name']} will {'' if result['named'] else 'not '}be named in the guide's "
                         "acknowledgements")
        return
    names = guide_text.acknowledged(ctx.library)
    ctx.emit({"named": names}, "\n".join(names) if names else "No reviewer has agreed to be named yet.")


def cmd_check_pii(ctx, args) -> int:
    from ..word.pii_gate import scan

    if not args.ids and not args.all:
        raise CuratorError("name the case studies to scan (check-pii ID …) or scan them all with --all")
    records = ctx.library.iter_records() if args.all else (ctx.library.get(i) for i in args.ids)
    findings = [{k: f[k] for k in ("id", "title", "field", "kind", "excerpt", "finding")}
                for f in scan(ctx.library, records)]
    ctx.emit({"findings": findings}, lambda d: _findings_text(d["findings"]) if d["findings"] else
             "No possible patient-identifiable data found.")
    return 1 if findings else 0


def cmd_pii_dismiss(ctx, args) -> None:
    from ..word.pii_gate import dismiss

    result = dismiss(ctx.library, args.id, args.finding, args.reason)
    ctx.emit(result, f"Dismissed the possible {KINDS[result['kind']]} in {result['field']} of {args.id}; "
                     "it is recorded in the history")


def cmd_bench_export(ctx, args) -> int:
    from ..word.bench import bench_export

    if args.cases < 1:
        raise CuratorError("--cases must be at least 1")
    result = bench_export(args.cases)
    ctx.emit(result, lambda d: (f"Guide of {d['cases']} case studies: {d['guide_seconds']} s "
                                f"(bare python-docx, same text: {d['baseline_seconds']} s; ratio {d['ratio']}×, "
                                f"goal ≤ {d['goal_ratio']}× and < {d['goal_seconds']} s: "
                                f"{'met' if d['met'] else 'NOT met'}); peak memory {d['guide_peak_mb']} MB "
                                f"vs {d['baseline_peak_mb']} MB"))
    return 0 if result["met"] else 1
