"""``python -m tests.faults``: the long run of the fault harness, one line per case and a
summary (cases, survived, kills, articles lost, stored twice, ...). A case that did not survive
keeps its folder (WARCs, database, the commands' log) and prints the log's tail."""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.faults.cases import (
    Case,
    concurrent_writers,
    crawled_source,
    kill_and_resume,
    kill_replay,
)
from tests.faults.procs import log_tail
from tests.helpers import running_simulator

PLAN = [(True, "sigkill"), (False, "sigkill"), (True, "double_sigint"), (False, "double_sigint")]


def report(case: Case, folder: Path) -> None:
    print(case.line(), flush=True)
    if case.survived:
        shutil.rmtree(folder, ignore_errors=True)
        return
    print(f"  kept {folder}; the end of {case.log}:", flush=True)
    if case.log is not None:
        for line in log_tail(case.log).splitlines():
            print(f"  | {line}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.faults", description=__doc__)
    parser.add_argument("--kills", type=int, default=20, help="kill points of crawls in all")
    parser.add_argument("--replay-kills", type=int, default=10, help="kill points of replays")
    parser.add_argument("--articles", type=int, default=60, help="articles per portal")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--per-run", type=int, default=5, help="kills of one command before its final run"
    )
    parser.add_argument(
        "--postgres", default="", help="a PostgreSQL URL for the concurrent writers (optional)"
    )
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    keep = Path(tempfile.mkdtemp(prefix="faults-"))
    cases: list[Case] = []

    def run(make: Any, *more: Any) -> None:
        folder = Path(tempfile.mkdtemp(prefix="case-", dir=keep))
        case = make(folder, *more)
        report(case, folder)
        cases.append(case)

    with running_simulator(articles_per_portal=args.articles) as sim:
        done, turn = 0, 0
        while done < args.kills:
            jobdir, how = PLAN[turn % len(PLAN)]
            turn += 1
            n = min(args.per_run, args.kills - done)
            site = rng.choice([p.id for p in sim.portals])
            run(lambda f, s=site, n=n, j=jobdir, h=how: kill_and_resume(sim, s, f, n, j, rng, h, 2))
            done += n
        source_root = Path(tempfile.mkdtemp(prefix="source-", dir=keep))
        source, env = crawled_source(sim, [p.id for p in sim.portals[:3]], source_root)
        done = 0
        while done < args.replay_kills:
            n = min(args.per_run, args.replay_kills - done)
            run(lambda f, n=n: kill_replay(source, Path(env["SITES_DIR"]), f, n, rng))
            done += n
        run(lambda f: concurrent_writers(sim, f))
        if args.postgres:
            run(lambda f: concurrent_writers(sim, f, args.postgres, "postgresql"))
    summary: dict[str, Any] = {
        "cases": len(cases),
        "survived": sum(c.survived for c in cases),
        "kills": sum(c.kills for c in cases),
        "articles lost": sum(c.lost for c in cases),
        "stored twice": sum(c.stored_twice for c in cases),
        "fetched twice": sum(c.fetched_twice for c in cases),
        "orphans": sum(c.orphans for c in cases),
        "WARCs checked": sum(c.warcs for c in cases),
        "problems": sum(len(c.problems) for c in cases),
    }
    print("summary: " + ", ".join(f"{k} {v}" for k, v in summary.items()), flush=True)
    if summary["survived"] == len(cases):
        shutil.rmtree(keep, ignore_errors=True)
    return 0 if summary["survived"] == len(cases) else 1


if __name__ == "__main__":
    sys.exit(main())
