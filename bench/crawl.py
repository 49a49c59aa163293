"""Crawl and replay throughput on the portal simulator, each figure against its baseline measured
in the same run (issue 13's acceptance: full crawl >= 0.9x bare, replay >= 1.2x trafilatura,
WARC writing <= 3% of crawl time).

    python -m bench.crawl [--articles 480] [--rounds 3] [--repeat 3] [--keep] [--base-port N]
    python -m bench.crawl --replay-only DIR [--repeat 3]  # steps 3 and 4 only, on a kept run

The six portals are served from another process, so the server's work is not the crawler's:
by default nginx serving the simulator's pages rendered once into files (``bench.static``; the
setup of issue 13's own figures), or with ``--server simulator`` the Python simulator, which
renders every page on request and so takes CPU from the crawls on a 2-core machine. Then, one
process per portal, as users run them, the bare and the full crawl of a portal one after the
other (so that a change in the machine's load falls on both):

1. bare: a Scrapy ``CrawlSpider`` with the profile's regexes and Scrapy's defaults
   (``bench.bare``: no pipelines, no WARC, no database);
2. full: ``scrapy crawl <id>``: WARC capture, extract -> normalize -> dedup -> store;

``--rounds N`` (default 3) crawls the six portals N times and reports the round with the median
ratio: one round's ratio swings by 0.05-0.1 with the machine (the full crawl needs both cores,
the bare crawl one, so a slow stretch costs the full crawl more). Then:

3. replay: ``scrapy replay`` of the full crawl's WARCs into a fresh database;
4. trafilatura: plain ``trafilatura.extract`` over the same article pages, on every core.

Steps 3 and 4 alternate ``--repeat`` times (default 3): each side's median is reported, with
every round's ratio, since one pair of runs on a busy machine swings by a third.

No politeness delay (loopback: the figures are CPU-bound). Wall time of each process from
launch to exit; peak RSS is the largest sum over a process tree (crawl + extraction workers);
CPU seconds of the whole tree, the fork server's workers included (they are re-parented to the
bench and reaped by it when the crawl process exits first).
The project's modules are compiled to bytecode before the runs (``compile_project``), as a
user's first run leaves them; Scrapy's and trafilatura's come compiled in their wheels.
The load average is printed with the figures: on a shared machine they mean little when it is
above the number of cores.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.static import nginx_binary, serve
from tests.helpers import ROOT, free_base_port

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=INFO"]  # fmt: skip
RESPONSES = re.compile(r"'downloader/response_count': (\d+)")
ITEMS = re.compile(r"'item_scraped_count': (\d+)")
WARC_SECONDS = re.compile(r"'warc/seconds': ([\d.e-]+)")
WRITE_SECONDS = re.compile(r"'warc/write_seconds': ([\d.e-]+)")
HELD_SECONDS = re.compile(r"'backlog/held_seconds': ([\d.e-]+)")
STORED = re.compile(r"(\d+) articles stored")
PAGE = 4096


@dataclass
class Run:
    """One measured process (or a series of them): wall seconds, output, peak RSS in bytes and
    CPU seconds of the process and every descendant it reaped (extraction workers, store)."""

    seconds: float
    stderr: str
    peak_rss: int
    cpu: float = 0.0


def _tree(root: int) -> set[int]:
    """``root`` and all its descendants (from /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
            except (OSError, IndexError):
                continue
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return tree


def _rss(pids: set[int]) -> int:
    """Resident bytes of ``pids``, summed."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * PAGE
        except (OSError, IndexError):
            continue
    return total


def _become_subreaper() -> None:
    """Processes orphaned by a measured command (the multiprocessing fork server and its
    workers outlive the crawl process by a moment) are re-parented to this process instead of
    init, so their CPU time is counted when ``_reap`` collects them (Linux ``prctl``)."""
    import ctypes

    pr_set_child_subreaper = 36
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_child_subreaper, 1, 0, 0, 0)


def _reap(others: set[int], timeout: float = 30.0) -> None:
    """Wait for the processes re-parented to this one (any child not in ``others``) to exit,
    collecting them, so that their CPU time counts in ``RUSAGE_CHILDREN``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        orphans = _tree(os.getpid()) - others - {os.getpid()}
        if not orphans:
            return
        for pid in orphans:
            with contextlib.suppress(ChildProcessError):  # a grandchild: its parent reaps it
                os.waitpid(pid, os.WNOHANG)
        time.sleep(0.02)


PACKAGES = ("archive", "crawler", "model", "pipelines", "spiders")


def compile_project() -> None:
    """Write the bytecode of the project's packages, as the first ``scrapy crawl`` of a user
    does: with ``PYTHONDONTWRITEBYTECODE`` set (CI machines, containers) nothing ever writes
    it for an editable install, and every measured process would compile our ~100 modules from
    source again (0.1-0.3 s of CPU each) where the baseline's Scrapy loads its compiled ones."""
    import compileall

    for package in PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)


def measure(cmd: list[str], env: dict[str, str]) -> Run:
    """Run ``cmd`` from the project root; wall time, stderr, the peak RSS of its tree and the CPU
    time of the whole tree (every descendant, reaped by its parent or, once ``_become_subreaper``
    made this process their reaper, here)."""
    others = _tree(os.getpid())  # the server, any thread of ours: not the command's
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        child = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, stderr=err, text=True)
        peak = 0
        while child.poll() is None:
            peak = max(peak, _rss(_tree(child.pid)))
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        _reap(others)
        err.seek(0)
        stderr = err.read()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if child.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {child.returncode}\n{stderr[-3000:]}")
    return Run(seconds, stderr, peak, cpu)


def series(runs: list[Run]) -> Run:
    """Runs one after the other, as one: summed time, joined output, the highest peak."""
    return Run(
        sum(r.seconds for r in runs),
        "\n".join(r.stderr for r in runs),
        max(r.peak_rss for r in runs),
        sum(r.cpu for r in runs),
    )


def median_run(bare_runs: list[Run], full_runs: list[Run]) -> tuple[Run, Run]:
    """The (bare, full) pair of the round whose full/bare ratio is the median."""
    order = sorted(range(len(bare_runs)), key=lambda i: bare_runs[i].seconds / full_runs[i].seconds)
    middle = order[(len(order) - 1) // 2]
    return bare_runs[middle], full_runs[middle]


def start_simulator(articles: int, base_port: int | None) -> tuple[subprocess.Popen[str], int]:
    """``python -m tests.simulator`` in a process of its own, once it serves (on ``base_port``
    + 1..6 when given, else on free ports)."""
    for _ in range(1 if base_port else 10):
        base = base_port or free_base_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.simulator",
                "--base-port",
                str(base),
                "--articles",
                str(articles),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert server.stdout is not None
        for line in server.stdout:
            if "Ctrl-C to stop" in line:
                return server, base
        server.wait()
    raise SystemExit("the simulator did not start")


def trafilatura_pages(warcs: str, sites: str) -> list[bytes]:
    """The bodies of the article responses in ``warcs`` (the pages replay extracts)."""
    from archive.reader import ReadStats, iter_captures
    from model.profiles import read_profiles

    profiles, _ = read_profiles(sites)
    return [
        capture.body
        for capture in iter_captures([warcs], ReadStats())
        if capture.record_type == "response"
        and capture.status == 200
        and any(p.is_article(capture.url) for p in profiles.values())
    ]


def _trafilatura(body: bytes) -> bool:
    import trafilatura

    return trafilatura.extract(body) is not None


def run_trafilatura(warcs: str, sites: str) -> None:
    """Plain trafilatura on every core over the article pages; prints ``<n> documents``."""
    from concurrent.futures import ProcessPoolExecutor

    pages = trafilatura_pages(warcs, sites)
    started = time.perf_counter()
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        done = sum(pool.map(_trafilatura, pages, chunksize=16))
    seconds = time.perf_counter() - started
    print(f"{len(pages)} pages, {done} documents, {seconds:.1f}s extracting", file=sys.stderr)


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def replay_and_trafilatura(root: Path, repeat: int = 1) -> tuple[list[Run], list[Run]]:
    """Steps 3 and 4 on the full crawl's WARCs in ``root``, ``repeat`` times, alternating: replay
    into a fresh database, then plain trafilatura over the same pages; each measured the same
    way (the whole process, start-up included), so a change in the machine's load falls on
    both sides."""
    warcs, sites = str(root / "full" / "warc"), str(root / "sites")
    env = {"DATA_DIR": str(root / "replay"), "SITES_DIR": sites}
    replays: list[Run] = []
    plains: list[Run] = []
    for round_ in range(repeat):
        shutil.rmtree(root / "replay", ignore_errors=True)
        replays.append(measure([sys.executable, "-m", "scrapy", "replay", warcs], env))
        plains.append(
            measure([sys.executable, "-m", "bench.crawl", "--trafilatura", warcs, sites], {})
        )
        rates = replay_rates(replays[-1:], plains[-1:])
        print(
            f"replay round {round_ + 1}: replay {rates[0][0]:.1f} d/s, trafilatura "
            f"{rates[1][0]:.1f} d/s, ratio {rates[0][0] / rates[1][0]:.2f}, {load()}",
            flush=True,
        )
    print()
    return replays, plains


def replay_rates(replays: list[Run], plains: list[Run]) -> tuple[list[float], list[float]]:
    """Documents per second of each replay (articles stored) and each trafilatura run (pages)."""
    stored = [int(STORED.findall(r.stderr)[-1]) / r.seconds for r in replays]
    pages = [int(re.findall(r"(\d+) pages, ", r.stderr)[-1]) / r.seconds for r in plains]
    return stored, pages


def _median_index(values: list[float]) -> int:
    return sorted(range(len(values)), key=values.__getitem__)[(len(values) - 1) // 2]


def replay_rows(
    replays: list[Run], plains: list[Run], cores: int
) -> list[tuple[str, Run, int, float, str, str]]:
    """The replay and trafilatura rows: each side's median run."""
    rates = replay_rates(replays, plains)
    rows = []
    for name, runs, side, note in (
        ("replay", replays, rates[0], ""),
        ("trafilatura", plains, rates[1], f"{cores} cores"),
    ):
        i = _median_index(side)
        rows.append((name, runs[i], round(side[i] * runs[i].seconds), side[i], note, "docs"))
    return rows


def replay_summary(replays: list[Run], plains: list[Run]) -> str:
    """The replay / trafilatura docs/s line: the ratio of the medians, and with several rounds
    every round's ratio (lowest first) and the spread of each side."""
    stored, pages = replay_rates(replays, plains)
    ratio = stored[_median_index(stored)] / pages[_median_index(pages)]
    line = f"replay / trafilatura docs/s: {ratio:.2f}  (target >= 1.2)"
    per_doc = [
        sorted(r.cpu / (rate * r.seconds) for r, rate in zip(runs, rates, strict=True))
        for runs, rates in ((replays, stored), (plains, pages))
    ]
    replay_ms, plain_ms = (1000 * x[(len(x) - 1) // 2] for x in per_doc)
    line += (
        f"\n  CPU per document, all processes (median): replay {replay_ms:.2f} ms, "
        f"trafilatura {plain_ms:.2f} ms"
    )
    if len(replays) > 1:
        rounds = sorted(r / p for r, p in zip(stored, pages, strict=True))
        line += (
            f"\n  {len(replays)} rounds, medians; every round: "
            f"{', '.join(f'{r:.2f}' for r in rounds)}; replay {min(stored):.0f}-{max(stored):.0f}"
            f" d/s, trafilatura {min(pages):.0f}-{max(pages):.0f} d/s"
        )
    return line


def print_rows(rows: list[tuple[str, Run, int, float, str, str]]) -> None:
    print(
        f"{'run':<12} {'seconds':>8} {'count':>6} {'rate/s':>8} {'CPU s':>6} {'peak RSS':>9}  note"
    )
    for name, run, n, rate, note, unit in rows:
        print(
            f"{name:<12} {run.seconds:>8.1f} {n:>6} {rate:>6.1f} {unit[0]}/s {run.cpu:>6.1f} "
            f"{run.peak_rss / 2**20:>6.0f} MB  {note}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=480, help="articles per portal")
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    parser.add_argument(
        "--server",
        choices=["nginx", "simulator"],
        default="nginx" if nginx_binary() else "simulator",
        help="nginx serving the simulator's pages rendered once (default when installed), "
        "or the Python simulator rendering every page on request",
    )
    parser.add_argument(
        "--base-port",
        type=int,
        help="serve the portals on this port + 1..6 (default: free ports)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="crawl the six portals this many times (bare and full alternating per portal) and "
        "report the round with the median full/bare ratio (default 3)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="replay and trafilatura this many times, alternating; the medians are reported",
    )
    parser.add_argument(
        "--replay-only",
        metavar="DIR",
        type=Path,
        help="only replay and trafilatura, on the WARCs of a run kept with --keep (its folder)",
    )
    parser.add_argument(
        "--trafilatura", nargs=2, metavar=("WARCS", "SITES"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.trafilatura:
        run_trafilatura(*args.trafilatura)
        return
    cores = os.cpu_count() or 1
    _become_subreaper()
    compile_project()
    if args.replay_only:
        print(f"{load()} at the start; {cores} cores; data in {args.replay_only}", flush=True)
        replays, plains = replay_and_trafilatura(args.replay_only, args.repeat)
        print_rows(replay_rows(replays, plains, cores))
        print(f"\n{replay_summary(replays, plains)}")
        print(load())
        return
    root = Path(tempfile.mkdtemp(prefix="bench-crawl-"))
    print(f"{load()} at the start; {cores} cores; data in {root}", flush=True)
    if args.server == "nginx":
        from tests.simulator import Simulator

        rendered = Simulator(
            base_port=args.base_port or free_base_port(), articles_per_portal=args.articles
        )
        server: subprocess.Popen[Any] = serve(rendered, root / "static")
        base = rendered.base_port
    else:
        server, base = start_simulator(args.articles, args.base_port)
    print(f"server: {args.server}", flush=True)
    try:
        from tests.simulator import Simulator

        sites = root / "sites"
        Simulator(base_port=base, articles_per_portal=1).write_profiles(sites)
        profiles = sorted(sites.glob("*.yaml"))
        bare_runs: list[Run] = []
        full_runs: list[Run] = []
        for round_ in range(args.rounds):
            # Bare and full alternate portal by portal, so a change in the machine's load
            # falls on both; each round crawls into a fresh data folder.
            shutil.rmtree(root / "full", ignore_errors=True)
            env = {"DATA_DIR": str(root / "full"), "SITES_DIR": str(sites)}
            bare_round, full_round = [], []
            for p in profiles:
                bare_round.append(measure([sys.executable, "-m", "bench.bare", str(p), *FAST], {}))
                full_round.append(
                    measure([sys.executable, "-m", "scrapy", "crawl", p.stem, *FAST], env)
                )
            bare_runs.append(series(bare_round))
            full_runs.append(series(full_round))
            ratio = bare_runs[-1].seconds / full_runs[-1].seconds
            print(f"round {round_ + 1}: full / bare {ratio:.2f}, {load()}", flush=True)
        bare, full = median_run(bare_runs, full_runs)
    finally:
        server.terminate()
        server.wait()
    replays, plains = replay_and_trafilatura(root, args.repeat)

    def count(pattern: re.Pattern[str], text: str) -> int:
        return sum(int(n) for n in pattern.findall(text))

    rows = []
    for name, run, unit in (("bare crawl", bare, "pages"), ("full crawl", full, "pages")):
        pages, items = count(RESPONSES, run.stderr), count(ITEMS, run.stderr)
        rows.append((name, run, pages, pages / run.seconds, f"{items} items", unit))
    rows += replay_rows(replays, plains, cores)
    rounds = "" if args.rounds == 1 else f"; crawls: the median of {args.rounds} rounds"
    print(
        f"{args.articles} articles per portal, 6 portals; one process per portal for crawls{rounds}"
    )
    print_rows(rows)
    warc_seconds = sum(float(x) for x in WARC_SECONDS.findall(full.stderr))
    print(f"\nfull / bare pages/s:        {rows[1][3] / rows[0][3]:.2f}  (target >= 0.9)")
    if args.rounds > 1:
        ratios = sorted(b.seconds / f.seconds for b, f in zip(bare_runs, full_runs, strict=True))
        print(f"  every round:              {', '.join(f'{r:.2f}' for r in ratios)}")
    print(
        f"  CPU seconds, all processes: full {full.cpu:.1f} / bare {bare.cpu:.1f} = "
        f"{full.cpu / bare.cpu:.2f}x (on {cores} cores, full/bare >= 0.9 leaves the full "
        f"crawl at most {cores * bare.seconds / 0.9:.1f} CPU s)"
    )
    held = sum(float(x) for x in HELD_SECONDS.findall(full.stderr))
    print(
        f"  downloads held by the backlog (pages not yet stored): {held:.1f}s = "
        f"{held / full.seconds:.1%} of the full crawl's time"
    )
    print(replay_summary(replays, plains))
    print(
        f"WARC writing:               {warc_seconds:.1f}s = {warc_seconds / full.seconds:.1%} "
        "of the full crawl's time on its reactor thread (target <= 3%)"
    )
    write_seconds = sum(float(x) for x in WRITE_SECONDS.findall(full.stderr))
    print(
        f"                            {write_seconds:.1f}s = {write_seconds / full.seconds:.1%} "
        "of CPU building and compressing records in the extraction workers"
    )
    print(load())
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
