"""Crawl and replay throughput on the portal simulator, against a baseline measured in the
same run.

    python -m bench.crawl [--articles 300]

1. bare: the same spiders with no item pipelines and no WARC capture (a plain Scrapy crawl);
2. full: WARC capture + extract -> normalize -> dedup -> store, extraction in worker processes;
3. inline: as full, but extraction on the reactor thread (EXTRACT_WORKERS=-1), to show what the
   worker pool buys;
4. replay of the full crawl's WARCs with 1 worker and with one worker per core.

All six portals are crawled at once in one process (``scrapy refresh`` on an empty database is
a full crawl), with no politeness delay: loopback, the figures are CPU-bound.
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
import time
from pathlib import Path

from tests.helpers import free_base_port, scrapy
from tests.simulator import Simulator

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=INFO"]  # fmt: skip
RESPONSES = re.compile(r"'downloader/response_count': (\d+)")
ITEMS = re.compile(r"'item_scraped_count': (\d+)")


def crawl(env: dict[str, str], extra: list[str]) -> tuple[float, int, int]:
    started = time.perf_counter()
    result = scrapy("refresh", *FAST, *extra, env=env, timeout=3600)
    elapsed = time.perf_counter() - started
    pages = sum(int(n) for n in RESPONSES.findall(result.stderr))
    items = sum(int(n) for n in ITEMS.findall(result.stderr))
    return elapsed, pages, items


def replay(env: dict[str, str], warcs: Path, workers: int) -> tuple[float, int]:
    started = time.perf_counter()
    result = scrapy("replay", str(warcs), "-s", f"EXTRACT_WORKERS={workers}", env=env, timeout=3600)
    elapsed = time.perf_counter() - started
    stored = int(re.findall(r"(\d+) articles stored", result.stderr)[-1])
    return elapsed, stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=300, help="articles per portal")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-crawl-"))
    cores = os.cpu_count() or 1
    with Simulator(base_port=free_base_port(), articles_per_portal=args.articles) as sim:
        sites = root / "sites"
        sites.mkdir()
        sim.write_profiles(sites)
        runs = {}
        for name, extra in (
            ("bare", ["-s", "ITEM_PIPELINES={}", "-s", "WARC_ENABLED=False"]),
            ("full", []),
            ("inline", ["-s", "EXTRACT_WORKERS=-1"]),
        ):
            env = {"DATA_DIR": str(root / name), "SITES_DIR": str(sites)}
            runs[name] = crawl(env, extra)
    print(f"crawl of 6 simulated portals, {args.articles} articles each, {cores} cores")
    print(f"{'run':<8} {'seconds':>8} {'pages':>7} {'pages/s':>8} {'articles':>9} {'vs bare':>8}")
    base_rate = runs["bare"][1] / runs["bare"][0]
    for name, (elapsed, pages, items) in runs.items():
        rate = pages / elapsed
        print(
            f"{name:<8} {elapsed:>8.1f} {pages:>7} {rate:>8.1f} {items:>9} {rate / base_rate:>8.2f}"
        )
    warcs = root / "full" / "warc"
    print(f"\nreplay of the full crawl's WARCs ({warcs})")
    print(f"{'workers':<8} {'seconds':>8} {'articles':>9} {'docs/s':>8} {'speedup':>8}")
    first = None
    for workers in sorted({1, cores}):
        env = {"DATA_DIR": str(root / f"replay{workers}"), "SITES_DIR": str(sites)}
        elapsed, stored = replay(env, warcs, workers)
        rate = stored / elapsed
        first = first or rate
        print(f"{workers:<8} {elapsed:>8.1f} {stored:>9} {rate:>8.1f} {rate / first:>8.2f}")


if __name__ == "__main__":
    main()
