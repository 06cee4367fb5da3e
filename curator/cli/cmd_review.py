"""Expert reference group review commands: ``reviewer add|list|edit|conflicts|remove``,
``rubric show|set|versions``, ``review assign|unassign|due|score|scores|progress|summary|decide|pack|open|sheet|send|
merge|report|export``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..errors import CuratorError
from ..review import assign as assign_mod
from ..review import decisions, merge, packs, report, scoring, send, sheets
from ..review import reviewers as reviewers_mod
from ..review import rubric as rubric_mod
from ..review.summary import summary as summary_of
from .cmd_core import _read_json_arg
from .output import table


def register(commands: argparse._SubParsersAction, groups) -> None:
    def sub(group, name: str, func, help: str) -> argparse.ArgumentParser:
        parser = group.add_parser(name, help=help, description=help)
        parser.set_defaults(func=func)
        return parser

    people = groups("reviewer", "the expert reference group's reviewers and their conflicts of interest")
    p = sub(people, "add", cmd_reviewer_add, "add a reviewer to the panel")
    p.add_argument("name")
    p.add_argument("--org", default="", help="their organisation (always counts as a conflict)")
    p.add_argument("--role", default="", help="e.g. clinician, public-health lead, community representative")
    p.add_argument("--conflict", nargs="+", default=[], metavar="CODE_OR_ORG",
                   help="ICS codes or names, or organisations, they must not review")
    sub(people, "list", cmd_reviewer_list, "list the panel")
    p = sub(people, "edit", cmd_reviewer_edit, "change a reviewer's name, organisation, role or conflicts")
    p.add_argument("reviewer")
    p.add_argument("--name")
    p.add_argument("--org")
    p.add_argument("--role")
    p.add_argument("--conflict", nargs="*", metavar="CODE_OR_ORG", help="replace the declared conflicts")
    p = sub(people, "conflicts", cmd_reviewer_conflicts, "replace a reviewer's declared conflicts")
    p.add_argument("reviewer")
    p.add_argument("--conflict", nargs="*", default=[], metavar="CODE_OR_ORG")
    p = sub(people, "remove", cmd_reviewer_remove, "take a reviewer off the panel (their scores stay)")
    p.add_argument("reviewer")

    rubrics = groups("rubric", "the scoring rubric: criteria, weights and score descriptors")
    sub(rubrics, "show", cmd_rubric_show, "show the current rubric")
    p = sub(rubrics, "set", cmd_rubric_set, "set a new rubric version from a JSON file (the shape 'rubric show' gives)")
    p.add_argument("file", metavar="FILE.json")
    sub(rubrics, "versions", cmd_rubric_versions, "every rubric version and how many reviews use it")

    review = groups("review", "the review round: assignment, scoring, summary, decisions, offline packs, reports")
    p = sub(review, "assign", cmd_assign, "assign reviewers: automatically, or one by hand with --case and --reviewer")
    p.add_argument("--per-case", type=int, default=3, metavar="N", help="reviewers per case study (default 3)")
    p.add_argument("--case", help="assign by hand: this case study …")
    p.add_argument("--reviewer", help="… to this reviewer (id or name)")
    p.add_argument("--override", metavar="REASON", help="assign despite a conflict, for this reason (recorded)")
    p.add_argument("--due", metavar="YYYY-MM-DD", help="the date reviews are due (reviewers after it are late)")
    p.add_argument("--propose", action="store_true", help="show the automatic assignment without applying it")
    p.add_argument("--plan", metavar="FILE.json", help="apply a plan: {\"add\": [{\"case\", \"reviewer\", "
                   "\"override_reason\"?}], \"remove\": [{\"case\", \"reviewer\"}]} (all or nothing)")
    p = sub(review, "due", cmd_due, "show or set the date reviews are due")
    p.add_argument("date", nargs="?", metavar="YYYY-MM-DD")
    p.add_argument("--clear", action="store_true", help="no due date")
    p = sub(review, "unassign", cmd_unassign, "remove a reviewer from a case study they have not scored")
    p.add_argument("case")
    p.add_argument("--reviewer", required=True)
    p = sub(review, "score", cmd_score, "score a case study as a reviewer (in the library, or in a review pack)")
    p.add_argument("case")
    p.add_argument("--reviewer", help="the reviewer (id or name); not needed with --pack")
    p.add_argument("--score", nargs="+", default=[], metavar="CRITERION=N")
    p.add_argument("--recommend", metavar="include|revise|exclude")
    p.add_argument("--comment", default="")
    p.add_argument("--draft", action="store_true", help="save without submitting (scores may be incomplete)")
    p.add_argument("--pack", metavar="FILE.curatorpack", help="score inside an offline review pack instead")
    p = sub(review, "scores", cmd_scores, "the reviews of one case study a person may see (blind until they submit)")
    p.add_argument("case")
    p.add_argument("--reviewer", help="as this reviewer (default: as the chair, every submitted review)")
    sub(review, "progress", cmd_progress, "who has scored what, and who is late")
    sub(review, "summary", cmd_summary, "per case study scores, flags and ranking; agreement for the round")
    p = sub(review, "decide", cmd_decide, "the chair's decision, which sets the case study's status")
    p.add_argument("case")
    p.add_argument("decision", choices=tuple(decisions.DECISIONS))
    p.add_argument("--reason", required=True)
    p = sub(review, "pack", cmd_pack, "write a reviewer's offline review pack")
    p.add_argument("--reviewer", required=True)
    p.add_argument("out", metavar="OUT.curatorpack")
    p = sub(review, "open", cmd_open, "show what an offline review pack holds and what is scored")
    p.add_argument("file", metavar="FILE.curatorpack")
    p = sub(review, "sheet", cmd_sheet, "write a reviewer's Excel scoring sheet and Word pack of case studies")
    p.add_argument("--reviewer", required=True)
    p.add_argument("out", metavar="OUT.xlsx")
    p = sub(review, "send", cmd_send, "write every reviewer's review pack and/or Excel sheet to one folder")
    p.add_argument("folder", metavar="FOLDER")
    p.add_argument("--what", choices=("packs", "sheets", "both"), default="both")
    p.add_argument("--reviewer", nargs="+", metavar="R", help="only these reviewers (ids or names)")
    p = sub(review, "merge", cmd_merge, "take returned review packs or scoring sheets back (each all or nothing)")
    p.add_argument("file", metavar="FILE", nargs="+")
    p = sub(review, "report", cmd_report, "write the panel's review report (.docx)")
    p.add_argument("out", metavar="OUT.docx")
    p = sub(review, "export", cmd_export, "write every score and comment to .csv or .xlsx")
    p.add_argument("out", metavar="OUT.csv|OUT.xlsx")

    bench = groups("bench", "measure speed and memory (figures are ratios against a baseline in the same run)")
    p = sub(bench, "review", cmd_bench_review, "a whole review round at scale against raw SQLite")
    p.add_argument("--cases", type=int, default=2000)
    p.add_argument("--reviewers", type=int, default=25)


def cmd_reviewer_add(ctx, args) -> None:
    reviewer = reviewers_mod.add(ctx.library, args.name, args.org, args.role, args.conflict)
    ctx.emit(reviewer.as_json(), lambda d: f"Added {d['name']} as {d['id']}")


def cmd_reviewer_edit(ctx, args) -> None:
    reviewer = reviewers_mod.edit(ctx.library, args.reviewer, name=args.name, organisation=args.org, role=args.role,
                                  conflicts=args.conflict)
    ctx.emit(reviewer.as_json(), lambda d: _reviewer_rows([d]))


def _reviewer_rows(items: list[dict[str, Any]]) -> str:
    rows = [dict(r, conflicts=", ".join(r["conflicts"]["ics"] + r["conflicts"]["organisations"])) for r in items]
    return table(rows, ["id", "name", "organisation", "role", "conflicts"])


def cmd_reviewer_list(ctx, args) -> None:
    ctx.emit({"reviewers": [r.as_json() for r in reviewers_mod.list_reviewers(ctx.library)]},
             lambda d: _reviewer_rows(d["reviewers"]))


def cmd_reviewer_conflicts(ctx, args) -> None:
    ctx.emit(reviewers_mod.set_conflicts(ctx.library, args.reviewer, args.conflict).as_json(),
             lambda d: _reviewer_rows([d]))


def cmd_reviewer_remove(ctx, args) -> None:
    ctx.emit(reviewers_mod.remove(ctx.library, args.reviewer).as_json(), lambda d: f"{d['name']} left the panel")


def _rubric_text(rubric: dict[str, Any]) -> str:
    lines = [f"Rubric version {rubric['version']}"]
    for c in rubric["criteria"]:
        lines.append(f"\n{c['label']} ({c['id']}, weight {c['weight']})")
        lines += [f"  {n}: {text}" for n, text in c["levels"].items()]
    return "\n".join(lines)


def cmd_rubric_show(ctx, args) -> None:
    ctx.emit(rubric_mod.current(ctx.library), _rubric_text)


def cmd_rubric_set(ctx, args) -> None:
    rubric, changed = rubric_mod.set_rubric(ctx.library, _read_json_arg(args.file))
    ctx.emit(dict(rubric, changed=changed), lambda d: f"Rubric is now version {d['version']}"
             + ("" if changed else " (unchanged: the criteria are the same)"))


def cmd_rubric_versions(ctx, args) -> None:
    ctx.emit({"versions": rubric_mod.versions(ctx.library)},
             lambda d: table(d["versions"], ["version", "created", "user", "reviews"]))


def cmd_due(ctx, args) -> None:
    if args.clear or args.date:
        scoring.set_due(ctx.library, None if args.clear else args.date)
    ctx.emit({"due": scoring.due(ctx.library)}, lambda d: f"Reviews due: {d['due'] or 'no date set'}")


def cmd_assign(ctx, args) -> None:
    if args.due is not None:
        scoring.set_due(ctx.library, args.due)
    if args.propose:
        ctx.emit(assign_mod.propose(ctx.library, args.per_case), lambda d: "Proposed (not applied):\n" + "\n".join(
            f"  {a['case']} → {a['reviewer']}" for a in d["assignments"]) + "".join(
            f"\nwarning: {s['case']} needs {s['needed']} more reviewer(s): {s['reason']}" for s in d["short"]))
        return
    if args.plan:
        plan = _read_json_arg(args.plan)
        if not isinstance(plan, dict) or not isinstance(plan.get("add", []), list) or \
                not isinstance(plan.get("remove", []), list):
            raise CuratorError('a plan is a JSON object {"add": [{"case", "reviewer", "override_reason"?}], '
                               '"remove": [{"case", "reviewer"}]}')
        ctx.emit(assign_mod.apply_plan(ctx.library, plan.get("add", []), plan.get("remove", [])),
                 lambda d: f"{len(d['assignments'])} assigned, {len(d['removed'])} removed")
        return
    if args.case or args.reviewer:
        if not (args.case and args.reviewer):
            raise CuratorError("to assign by hand give both --case ID and --reviewer R")
        result = {"assignments": [assign_mod.assign(ctx.library, args.case, args.reviewer,
                                                    override_reason=args.override)], "short": []}
    else:
        result = assign_mod.assign_auto(ctx.library, args.per_case)

    def human(d: dict[str, Any]) -> str:
        lines = [f"{len(d['assignments'])} new assignment(s)"]
        lines += [f"  {a['case']} → {a['reviewer']}" for a in d["assignments"]]
        lines += [f"warning: {s['case']} needs {s['needed']} more reviewer(s): {s['reason']}" for s in d["short"]]
        return "\n".join(lines)

    ctx.emit(result, human)


def cmd_unassign(ctx, args) -> None:
    ctx.emit(assign_mod.unassign(ctx.library, args.case, args.reviewer),
             lambda d: f"{d['reviewer']} no longer reviews {d['case']}")


def _parse_scores(items: list[str]) -> dict[str, str]:
    scores = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise CuratorError(f"--score '{item}' should be CRITERION=N, e.g. --score impact=4 (criteria: "
                               "'rubric show')")
        scores[name.strip()] = value.strip()
    return scores


def cmd_score(ctx, args) -> None:
    scores = _parse_scores(args.score)
    if args.pack:
        pack = packs.ReviewPack.open(args.pack)
        response = pack.score(args.case, scores, args.recommend, args.comment, draft=args.draft)
        pack.save()
        ctx.emit(dict(response, case=args.case, pack=args.pack, progress=pack.progress()),
                 lambda d: f"Saved scores for {d['case']} in {d['pack']} "
                           f"({d['progress']['scored']} of {d['progress']['cases']} scored)")
        return
    if not args.reviewer:
        raise CuratorError("say who is scoring: --reviewer R (or --pack FILE to score inside a review pack)")
    review = scoring.submit(ctx.library, args.case, args.reviewer, scores, args.recommend, args.comment,
                            draft=args.draft)
    ctx.emit(review, lambda d: f"{'Draft saved' if not d['submitted'] else 'Review submitted'} for {d['case']} "
                               f"by {d['reviewer_name']} ({d['outcome']})")


def cmd_scores(ctx, args) -> None:
    items = scoring.scores_visible_to(ctx.library, args.reviewer, args.case)
    rows = [dict(r, scores=" ".join(f"{k}={v}" for k, v in r["scores"].items())) for r in items]
    ctx.emit({"case": args.case, "reviews": items},
             lambda d: table(rows, ["reviewer_name", "scores", "recommendation", "comment", "submitted"]))


def cmd_progress(ctx, args) -> None:
    def human(d: dict[str, Any]) -> str:
        rows = [dict(r, outstanding=len(r["outstanding"]), late="LATE" if r["late"] else "") for r in d["reviewers"]]
        return (f"Due: {d['due'] or 'no date set'}\n"
                + table(rows, ["name", "assigned", "submitted", "outstanding", "late"]))

    ctx.emit(scoring.progress(ctx.library), human)


def cmd_summary(ctx, args) -> None:
    def human(d: dict[str, Any]) -> str:
        rows = [dict(c, flag="FLAG" if c["flag"] else "", recs="/".join(str(v) for v in c["recommendations"].values()),
                     decision=(c["decision"] or {}).get("decision", "")) for c in d["cases"]]
        alpha = d["agreement"]["krippendorff_alpha"]
        return (table(rows, ["rank", "id", "title", "n", "mean", "median", "spread", "recs", "flag", "decision"],
                      ["rank", "id", "title", "n", "mean", "median", "spread", "inc/chg/exc", "flag", "decision"],
                      max_width=40)
                + f"\nKrippendorff's alpha (ordinal): {'not enough scores yet' if alpha is None else alpha}")

    ctx.emit(summary_of(ctx.library), human)


def cmd_decide(ctx, args) -> None:
    ctx.emit(decisions.decide(ctx.library, args.case, args.decision, args.reason),
             lambda d: f"{d['case']}: {d['decision']} (status now {d['status']})")


def cmd_pack(ctx, args) -> None:
    ctx.emit(packs.make_pack(ctx.library, args.reviewer, args.out),
             lambda d: f"Wrote {d['file']} with {len(d['cases'])} case studies for {d['reviewer']}")


def cmd_open(ctx, args) -> None:
    pack = packs.ReviewPack.open(args.file)
    data = {"reviewer": pack.reviewer, "rubric_version": pack.rubric["version"],
            "cases": [{"id": c["id"], "title": c["title"], "scored": c["id"] not in pack.progress()["outstanding"]}
                      for c in pack.manifest["cases"]], "responses": pack.responses}
    ctx.emit(data, lambda d: f"Review pack for {d['reviewer']['name']}\n" + table(d["cases"], ["id", "title", "scored"]))


def cmd_sheet(ctx, args) -> None:
    ctx.emit(sheets.make_sheet(ctx.library, args.reviewer, args.out),
             lambda d: f"Wrote {d['file']} and {d['word_pack']} ({len(d['cases'])} case studies)")


def cmd_send(ctx, args) -> None:
    kinds = {"packs": ("pack",), "sheets": ("sheet",), "both": ("pack", "sheet")}[args.what]

    def human(d: dict[str, Any]) -> str:
        lines = [f"Wrote to {d['folder']}:"]
        for f in d["files"]:
            lines += [f"  {f['name']}: {Path(f[k]).name}" for k in ("pack", "sheet", "word_pack") if k in f]
        lines += [f"Skipped {s['name']}: {s['reason']}" for s in d["skipped"]]
        return "\n".join(lines)

    ctx.emit(send.send(ctx.library, args.folder, kinds=kinds, reviewers=args.reviewer), human)


def cmd_merge(ctx, args) -> int | None:
    if len(args.file) > 1:  # several files: each merged whole or refused, with a report of both
        data = merge.merge_files(ctx.library, args.file)
        ctx.emit(data, lambda d: "\n".join([f"Merged {Path(m['file']).name} ({m['name']}): {len(m['merged'])} "
                                             "case studies" for m in d["merged"]]
                                           + [f"Refused {r['name']}: {r['error']}" for r in d["refused"]]))
        return 1 if data["refused"] else 0
    args.file = args.file[0]

    def human(d: dict[str, Any]) -> str:
        lines = [f"Merged {d['kind']} from {d['reviewer']}:"]
        lines += [f"  {m['case']}: {m['outcome']}" for m in d["merged"]]
        if d["not_scored"]:
            lines.append(f"Not scored yet: {', '.join(d['not_scored'])}")
        return "\n".join(lines)

    ctx.emit(merge.merge(ctx.library, args.file), human)


def cmd_report(ctx, args) -> None:
    ctx.emit(report.write_report(ctx.library, args.out), lambda d: f"Wrote {d['file']}")


def cmd_export(ctx, args) -> None:
    ctx.emit(report.export(ctx.library, args.out), lambda d: f"Wrote {d['rows']} reviews to {d['file']}")


def cmd_bench_review(ctx, args) -> None:
    from ..review import bench

    if args.cases < 1 or args.reviewers < 3:
        raise CuratorError("--cases must be at least 1 and --reviewers at least 3")
    ctx.emit(bench.run(args.cases, args.reviewers), bench.human)
