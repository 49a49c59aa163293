"""Fault harness: crawl the simulator, kill the crawl with SIGKILL (or two SIGINTs) at random
moments, run the same command again, and count what was lost, stored twice, fetched twice and
which processes outlived their crawl.

Used by ``tests/e2e/test_faults.py``; ``python -m tests.faults --kills 50`` is the longer run
(prints one line per case and a summary).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from tests.helpers import FAST, ROOT, SCRAPY, count_articles, running_simulator, scrapy, wait_for
from tests.simulator import Simulator

# slower than FAST so a kill lands mid-crawl; still a few seconds per crawl
PACED = [*FAST, "-s", "CONCURRENT_REQUESTS=2", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
         "-s", "DOWNLOAD_DELAY=0.1", "-s", "EXTRACT_WORKERS=2"]  # fmt: skip


def session_pids(sid: int) -> list[int]:
    """Live processes of session ``sid`` (a crawl started with ``start_new_session``): the
    crawl and every child it started, even once reparented to init."""
    table = subprocess.run(
        ["ps", "-e", "-o", "pid=,sid=,stat="], capture_output=True, text=True, check=True
    ).stdout
    rows = (line.split() for line in table.splitlines())
    return [int(pid) for pid, s, state in rows if int(s) == sid and not state.startswith("Z")]


def kill_session(sid: int) -> None:
    for pid in session_pids(sid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def stored_urls(db: Path) -> Counter[str]:
    try:
        with sqlite3.connect(db) as conn:
            return Counter(url for (url,) in conn.execute("SELECT url FROM articles"))
    except sqlite3.Error:
        return Counter()


@dataclass
class Case:
    """One kill-and-resume case and what it cost."""

    name: str
    kills: int = 0
    truth: int = 0
    lost: int = 0
    stored_twice: int = 0
    fetched_twice: int = 0
    orphans: int = 0
    unindexed_warcs: int = 0
    exit_status: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def survived(self) -> bool:
        return not (self.lost or self.stored_twice or self.orphans or self.unindexed_warcs)

    def line(self) -> str:
        return (
            f"{self.name}: {self.kills} kills, {self.truth} articles, lost {self.lost}, "
            f"stored twice {self.stored_twice}, fetched twice {self.fetched_twice}, "
            f"orphans {self.orphans}, WARCs not indexed {self.unindexed_warcs}, "
            f"final exit {self.exit_status}" + (f" ({'; '.join(self.notes)})" if self.notes else "")
        )


def crawl_process(
    site: str, env: dict[str, str], extra: list[str], log: Path
) -> subprocess.Popen[str]:
    # the log goes to a file: orphans holding a pipe would keep a reader waiting forever
    with log.open("a") as stderr:
        return subprocess.Popen(
            [*SCRAPY, "crawl", site, *PACED, *extra],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            text=True,
            start_new_session=True,
        )


def _stored_or_ended(data: Path, target: int, proc: subprocess.Popen[str]) -> bool:
    return count_articles(data / "articles.db") >= target or proc.poll() is not None


def interrupt(proc: subprocess.Popen[str], how: str, rng: random.Random) -> int:
    """Kill ``proc`` (``sigkill`` or ``double_sigint``); return the orphans it left."""
    if how == "sigkill":
        proc.kill()
    else:
        proc.send_signal(signal.SIGINT)
        time.sleep(rng.uniform(0.05, 0.5))
        proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 10
    while session_pids(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = session_pids(proc.pid)
    kill_session(proc.pid)
    return len(left)


def kill_and_resume(
    sim: Simulator,
    site: str,
    root: Path,
    kills: int,
    jobdir: bool,
    rng: random.Random,
    how: str = "sigkill",
    min_stored: int = 0,
    max_wait: float = 3.0,
) -> Case:
    """Crawl ``site``, interrupt it ``kills`` times at random moments (each after at least
    ``min_stored`` more articles were stored, then a random 0 to ``max_wait`` s), then let the
    same command run to its end. Counts are against the simulator's truth and request log."""
    sites, data = root / "sites", root / "data"
    sites.mkdir(parents=True, exist_ok=True)
    sim.write_profiles(sites)
    env = {"DATA_DIR": str(data), "SITES_DIR": str(sites)}
    extra = ["-s", f"JOBDIR={root / 'job'}"] if jobdir else []
    case = Case(f"{how}{' jobdir' if jobdir else ''} {site}")
    truth = {t["url"] for t in sim.truth() if t["site"] == site}
    case.truth = len(truth)
    sim.reset_requests()
    finished: int | None = None  # exit status of a crawl that ended before its kill
    for _ in range(kills):
        before = count_articles(data / "articles.db")
        proc = crawl_process(site, env, extra, root / "crawl.log")
        target = min(before + min_stored, len(truth) - 1)
        try:
            wait_for(partial(_stored_or_ended, data, target, proc), 120, "articles")
        except AssertionError:
            kill_session(proc.pid)
            raise
        time.sleep(rng.uniform(0, max_wait))
        if proc.poll() is not None:
            case.notes.append(f"a crawl ended before its kill (exit {proc.returncode})")
            finished = proc.returncode
            break
        case.orphans += interrupt(proc, how, rng)
        case.kills += 1
    if finished is None:  # the same command again, to the end
        finished = scrapy("crawl", site, *PACED, *extra, env=env, check=False).returncode
    case.exit_status = finished
    stored = stored_urls(data / "articles.db")
    case.lost = len(truth - set(stored))
    case.stored_twice = sum(1 for n in stored.values() if n > 1)
    index = data / "index.cdxj"
    indexed = index.read_text("utf-8") if index.exists() else ""
    case.unindexed_warcs = sum(
        f'"{warc.name}"' not in indexed for warc in (data / "warc").glob("*.warc.gz*")
    )
    fetched = Counter(url for _, url, status in sim.requests() if status == 200)
    case.fetched_twice = sum(1 for url in truth if fetched[url] > 1)
    return case


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.faults", description=__doc__)
    parser.add_argument("--kills", type=int, default=20, help="kill points in all")
    parser.add_argument("--articles", type=int, default=60, help="articles per portal")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--per-run", type=int, default=5, help="kills of one crawl before its final run"
    )
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    cases: list[Case] = []
    plan = [
        (True, "sigkill"),
        (False, "sigkill"),
        (True, "double_sigint"),
        (False, "double_sigint"),
    ]
    with running_simulator(articles_per_portal=args.articles) as sim:
        done, turn = 0, 0
        while done < args.kills:
            jobdir, how = plan[turn % len(plan)]
            turn += 1
            n = min(args.per_run, args.kills - done)
            site = rng.choice([p.id for p in sim.portals])
            with tempfile.TemporaryDirectory(prefix="faults-") as tmp:
                case = kill_and_resume(sim, site, Path(tmp), n, jobdir, rng, how, 2)
            print(case.line(), flush=True)
            cases.append(case)
            done += n
    kills = sum(c.kills for c in cases)
    summary: dict[str, Any] = {
        "cases": len(cases),
        "kills": kills,
        "survived": sum(c.survived for c in cases),
        "articles lost": sum(c.lost for c in cases),
        "stored twice": sum(c.stored_twice for c in cases),
        "fetched twice": sum(c.fetched_twice for c in cases),
        "orphans": sum(c.orphans for c in cases),
    }
    print("summary: " + ", ".join(f"{k} {v}" for k, v in summary.items()), flush=True)
    return 0 if summary["survived"] == len(cases) else 1


if __name__ == "__main__":
    sys.exit(main())
