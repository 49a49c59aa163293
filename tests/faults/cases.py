"""The fault cases: a crawl or a replay killed at random moments then run again to its end, and
concurrent writers storing into one database. Each returns a :class:`Case` with what it cost,
checked by :func:`tests.faults.audit.audit`."""

from __future__ import annotations

import random
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from tests.faults.audit import article_rows, audit, partition, sqlite_url
from tests.faults.procs import finish, interrupt, kill_session, start
from tests.helpers import FAST, count_articles, scrapy, wait_for

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Callable

    from tests.simulator import Simulator

# slower than FAST so a kill lands mid-crawl; still a few seconds per crawl. A batch is stored
# once a second, so a kill lands with pages downloaded and not yet stored (read back from the
# WARC on resume, not fetched again)
PACED = [*FAST, "-s", "CONCURRENT_REQUESTS=2", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
         "-s", "DOWNLOAD_DELAY=0.1", "-s", "EXTRACT_WORKERS=2",
         "-s", "STORE_BATCH_WAIT=1"]  # fmt: skip
# a replay paced so a kill lands mid-way: one worker, small store batches
PACED_REPLAY = ["-s", "EXTRACT_WORKERS=1", "-s", "STORE_BATCH_SIZE=4", "-s", "LOG_LEVEL=INFO"]


MADE: list[Case] = []  # every case of this process, for the summary at the end of pytest


@dataclass
class Case:
    """One fault case and what it cost."""

    name: str
    kills: int = 0
    truth: int = 0
    lost: int = 0
    stored_twice: int = 0
    fetched_twice: int = 0
    orphans: int = 0
    unindexed_warcs: int = 0
    warcs: int = 0  # closed WARCs checked with gzip -t and warcio check
    problems: list[str] = field(default_factory=list)  # see tests.faults.audit
    exit_status: int | None = None
    notes: list[str] = field(default_factory=list)
    log: Path | None = None
    expected_exit: int = 0  # 1 where errors worth a look are the right answer

    def __post_init__(self) -> None:
        MADE.append(self)

    @property
    def survived(self) -> bool:
        return self.exit_status == self.expected_exit and not (
            self.lost or self.stored_twice or self.orphans or self.unindexed_warcs or self.problems
        )

    def line(self) -> str:
        text = (
            f"{self.name}: {self.kills} kills, {self.truth} articles, lost {self.lost}, "
            f"stored twice {self.stored_twice}, fetched twice {self.fetched_twice}, "
            f"orphans {self.orphans}, WARCs not indexed {self.unindexed_warcs}, "
            f"WARCs checked {self.warcs}, problems {len(self.problems)}, "
            f"final exit {self.exit_status}"
        )
        if self.notes:
            text += f" ({'; '.join(self.notes)})"
        return text + "".join(f"\n    {p}" for p in self.problems[:10])

    def settle(self, data: Path, truth: set[str], database_url: str | None = None) -> None:
        """Count lost and twice-stored articles against ``truth``; run the audit."""
        found = audit(data, database_url)
        self.lost = len(truth - set(found.stored))
        self.stored_twice = sum(1 for n in found.stored.values() if n > 1)
        self.warcs = found.warcs
        self.problems += found.problems


def summary(cases: list[Case]) -> str:
    """The suite's one line: cases, survived, kills, articles lost, stored twice, ..."""
    figures = {
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
    return ", ".join(f"{k} {v}" for k, v in figures.items())


def _stored_or_ended(db: Path, target: int, proc: subprocess.Popen[str]) -> bool:
    return count_articles(db) >= target or proc.poll() is not None


def kill_repeatedly(
    case: Case,
    args: list[str],
    env: dict[str, str],
    db: Path,
    kills: int,
    rng: random.Random,
    how: str,
    next_target: Callable[[int], int],
    max_wait: float,
) -> None:
    """Run ``scrapy <args>`` and interrupt it ``kills`` times (each once ``next_target(stored)``
    articles are stored, then after a random 0 to ``max_wait`` s), then run it again to its
    end."""
    assert case.log is not None
    for _ in range(kills):
        target = min(next_target(count_articles(db)), case.truth - 1)
        proc = start(args, env, case.log)
        try:
            wait_for(partial(_stored_or_ended, db, target, proc), 120, "articles")
        except AssertionError:
            kill_session(proc.pid)
            raise
        time.sleep(rng.uniform(0, max_wait))
        if proc.poll() is not None:
            case.notes.append(f"a run ended before its kill (exit {proc.returncode})")
            case.exit_status, orphans = finish(proc)
            case.orphans += orphans
            return
        case.orphans += interrupt(proc, how, rng)
        case.kills += 1
    case.exit_status, orphans = finish(start(args, env, case.log))  # the same command again
    case.orphans += orphans


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
    """Crawl ``site``, interrupt it ``kills`` times at random moments, then let the same command
    run to its end. Counts are against the simulator's truth and request log."""
    sites, data = root / "sites", root / "data"
    sites.mkdir(parents=True, exist_ok=True)
    sim.write_profiles(sites)
    env = {"DATA_DIR": str(data), "SITES_DIR": str(sites)}
    extra = ["-s", f"JOBDIR={root / 'job'}"] if jobdir else []
    case = Case(f"{how}{' jobdir' if jobdir else ''} {site}", log=root / "crawl.log")
    truth = {t["url"] for t in sim.truth() if t["site"] == site}
    case.truth = len(truth)
    sim.reset_requests()
    args = ["crawl", site, *PACED, *extra]
    db = data / "articles.db"
    kill_repeatedly(case, args, env, db, kills, rng, how, lambda n: n + min_stored, max_wait)
    case.settle(data, truth)
    index = data / "index.cdxj"
    indexed = index.read_text("utf-8") if index.exists() else ""
    case.unindexed_warcs = sum(
        f'"{warc.name}"' not in indexed for warc in (data / "warc").glob("*.warc.gz*")
    )
    fetched = Counter(url for _, url, status in sim.requests() if status == 200)
    case.fetched_twice = sum(1 for url in truth if fetched[url] > 1)
    return case


def crawled_source(sim: Simulator, sites: list[str], root: Path) -> tuple[Path, dict[str, str]]:
    """``sites`` crawled once, one after another, into ``root/data``: (data dir, env)."""
    profiles = root / "sites"
    profiles.mkdir(parents=True, exist_ok=True)
    sim.write_profiles(profiles)
    env = {"DATA_DIR": str(root / "data"), "SITES_DIR": str(profiles)}
    for site in sites:
        scrapy("crawl", site, *FAST, env=env)
    return root / "data", env


def kill_replay(
    source: Path, sites: Path, root: Path, kills: int, rng: random.Random, max_wait: float = 0.2
) -> Case:
    """Replay ``source``'s WARCs into a fresh database, SIGKILL the replay ``kills`` times at
    random moments, then run it again to its end: it must store what the crawl stored, once
    each, every pointer reading back its record (the WARCs are the crawl's, in ``data/warc``)."""
    data = root / "data"
    shutil.copytree(source / "warc", data / "warc")
    truth = {row["url"] for row in article_rows(sqlite_url(source))}
    case = Case("sigkill replay", truth=len(truth), log=root / "replay.log")
    env = {"DATA_DIR": str(data), "SITES_DIR": str(sites)}
    args = ["replay", str(data / "warc"), *PACED_REPLAY]

    # at a random count of stored articles: a replay stores hundreds a second
    def somewhere(stored: int) -> int:
        return rng.randint(stored + 1, max(stored + 1, case.truth - 1))

    db = data / "articles.db"
    kill_repeatedly(case, args, env, db, kills, rng, "sigkill", somewhere, max_wait)
    case.settle(data, truth)
    return case


def concurrent_writers(
    sim: Simulator, root: Path, database_url: str | None = None, name: str = "sqlite"
) -> Case:
    """Four processes store into one database at once: two crawls of the same portal (their
    articles' pointers name two WARC files), a crawl of another portal, and a replay of a third
    portal's WARCs (crawled before). Syndicated copies across the three portals make them race
    on the same duplicate clusters. The clusters must equal those of one replay of every WARC
    into a fresh database, in one process."""
    same, other, replayed = (sim.portals[i].id for i in (0, 1, 2))
    source, _ = crawled_source(sim, [replayed], root / "source")
    data = root / "data"
    sites = root / "sites"
    sim.write_profiles(sites)
    shutil.copytree(source / "warc", data / "warc")
    env = {"DATA_DIR": str(data), "SITES_DIR": str(sites)}
    if database_url:
        env["DATABASE_URL"] = database_url
    case = Case(f"4 concurrent writers {name}", log=root / "writers.log")
    truth = {t["url"] for t in sim.truth() if t["site"] in (same, other, replayed)}
    case.truth = len(truth)
    warcs = [str(p) for p in sorted((data / "warc").glob("*.warc.gz"))]
    writers = [
        start(["crawl", same, *FAST, "-s", "EXTRACT_WORKERS=1"], env, case.log),
        start(["crawl", same, *FAST, "-s", "EXTRACT_WORKERS=1"], env, case.log),
        start(["crawl", other, *FAST, "-s", "EXTRACT_WORKERS=1"], env, case.log),
        start(["replay", *warcs, "-s", "EXTRACT_WORKERS=1", "-s", "STORE_BATCH_SIZE=8"], env, case.log),
    ]  # fmt: skip
    statuses = []
    for proc in writers:
        status, orphans = finish(proc)
        statuses.append(status)
        case.orphans += orphans
    case.exit_status = max(statuses)
    if any(statuses):
        case.notes.append(f"exit statuses {statuses}")
    case.settle(data, truth, database_url)
    # the reference: every WARC replayed into a fresh SQLite database by one process
    reference = root / "reference"
    shutil.copytree(data / "warc", reference / "warc")
    ref_env = {"DATA_DIR": str(reference), "SITES_DIR": str(sites)}
    scrapy("replay", str(reference / "warc"), env=ref_env)
    want = partition(article_rows(sqlite_url(reference)))
    got = partition(article_rows(database_url or sqlite_url(data)))
    split = sorted(aid for aid in want if aid in got and got[aid] != want[aid])
    if split:
        case.problems.append(
            f"cluster: {len(split)} articles not in the cluster one process gives them, "
            f"e.g. {split[0]}: {got[split[0]]} instead of {want[split[0]]}"
        )
    return case


def power_cut(sim: Simulator, site: str, root: Path, rng: random.Random, stored: int = 8) -> Case:
    """A crawl killed once ``stored`` articles are stored, its open WARC then cut inside the
    record of a stored article, as a power cut leaves a file whose last pages never reached
    the disk though the database points at them. The same command again repairs the file
    (flagging what pointed past the cut) and resumes: the pages whose records went are
    fetched again, so nothing is lost and every pointer reads back."""
    sites, data = root / "sites", root / "data"
    sim.write_profiles(sites)
    env = {"DATA_DIR": str(data), "SITES_DIR": str(sites)}
    # the lost records are an error worth a look (exit 1), though the resume made up for them
    case = Case(f"power cut {site}", log=root / "crawl.log", expected_exit=1)
    truth = {t["url"] for t in sim.truth() if t["site"] == site}
    case.truth = len(truth)
    db = data / "articles.db"
    args = ["crawl", site, *PACED]
    proc = start(args, env, case.log)
    wait_for(partial(_stored_or_ended, db, stored, proc), 120, "articles")
    if proc.poll() is not None:
        case.notes.append(f"the crawl ended before its kill (exit {proc.returncode})")
    case.orphans += interrupt(proc, "sigkill", rng)
    case.kills = 1
    opened = {p.name.removesuffix(".open"): p for p in (data / "warc").glob("*.open")}
    rows = sorted(
        (r for r in article_rows(sqlite_url(data)) if r["warc_file"] in opened),
        key=lambda r: r["warc_offset"],
    )
    if rows:
        victim = rows[rng.randrange(len(rows))]
        with opened[victim["warc_file"]].open("r+b") as fh:
            fh.truncate(victim["warc_offset"] + rng.randrange(1, victim["warc_length"]))
        case.notes.append(f"{len(rows) - rows.index(victim)} stored records cut")
    case.exit_status, orphans = finish(start(args, env, case.log))
    case.orphans += orphans
    case.settle(data, truth)
    return case
