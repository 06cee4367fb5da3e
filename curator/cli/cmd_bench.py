"""``bench import``: storage speed (other areas add ``bench search``, ``bench export``, ``bench startup``)."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction, groups) -> None:
    bench = groups("bench", "measure speed and memory (figures are ratios against a baseline in the same run)")
    p = bench.add_parser("import", help="records/s of a full import against raw sqlite-utils insert_all")
    p.add_argument("--docs", type=int, default=10_000)
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are reported")
    p.set_defaults(func=cmd_bench_import)
    register_faults(bench)


def cmd_bench_import(ctx, args) -> None:
    from ..bench import import_bench

    if args.docs < 1 or args.rounds < 1:
        from ..errors import CuratorError

        raise CuratorError("--docs and --rounds must be at least 1")
    ctx.emit(import_bench.run(args.docs, args.rounds), import_bench.human)


def register_faults(bench) -> None:
    p = bench.add_parser("faults", help="kill imports at random moments: each must end all or nothing, check ok")
    p.add_argument("--trials", type=int, default=25)
    p.add_argument("--docs", type=int, default=5000)
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(func=cmd_bench_faults)


def cmd_bench_faults(ctx, args) -> int:
    from ..bench import faults

    if args.trials < 1 or args.docs < 1:
        from ..errors import CuratorError

        raise CuratorError("--trials and --docs must be at least 1")
    data = faults.run(args.trials, args.docs, args.seed)
    ctx.emit(data, faults.human)
    return 0 if data["ok"] else 1
