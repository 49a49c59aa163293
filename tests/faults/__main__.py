"""``python -m tests.faults``: the long run of the fault harness, one line per case and a
summary (cases, survived, kills, articles lost, stored twice, ...). A case that did not survive
keeps its folder (WARCs, database, the commands' log) and prints the log's tail."""

from __future__ import annotations

import argparse
import logging
import random
import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.faults.cases import (
    Case,
    concurrent_writers,
    crawled_source,
    kill_and_resume,
    kill_replay,
    power_cut,
    summary,
)
from tests.faults.damage import cut_at_every_byte
from tests.faults.hostile import hostile_case
from tests.faults.procs import log_tail
from tests.helpers import running_simulator

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PLAN = [(True, "sigkill"), (False, "sigkill"), (True, "double_sigint"), (False, "double_sigint")]


@contextmanager
def fresh_postgres(admin: str) -> Iterator[str | None]:
    """The URL of a fresh database on ``admin``'s server, dropped afterwards; None (said on
    stdout) when there is no server."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    from crawler.db.session import driver_url

    if not admin:
        yield None
        return
    engine = create_engine(driver_url(admin), isolation_level="AUTOCOMMIT")
    name = f"t_faults_{uuid.uuid4().hex[:10]}"
    try:
        with engine.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
    except OperationalError as exc:
        print(f"no PostgreSQL at {admin} ({str(exc).splitlines()[0]}): that case left out")
        yield None
        return
    try:
        yield admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with engine.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        engine.dispose()


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
        "--postgres",
        default=PG_ADMIN,
        help="a PostgreSQL server (admin URL) where the concurrent writers case gets a fresh "
        "database; '' to leave that case out",
    )
    args = parser.parse_args(argv)
    logging.getLogger("archive").addHandler(logging.NullHandler())  # repairs of damaged files
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
        run(lambda f: power_cut(sim, rng.choice([p.id for p in sim.portals]), f, rng))
        run(lambda f: concurrent_writers(sim, f))
        with fresh_postgres(args.postgres) as url:
            if url:
                run(lambda f: concurrent_writers(sim, f, url, "postgresql"))
    run(lambda f: hostile_case(f)[0])
    run(cut_at_every_byte)
    print(f"summary: {summary(cases)}", flush=True)
    survived = all(c.survived for c in cases)
    if survived:
        shutil.rmtree(keep, ignore_errors=True)
    return 0 if survived else 1


if __name__ == "__main__":
    sys.exit(main())
