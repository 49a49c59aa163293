"""Start-up of a crawl: from launch to its first request (issue 13's target: within 1 s).

    python -m bench.startup [--runs 5] [--site demo_hongan] [--base-port N]

Runs ``scrapy crawl <site>`` against the simulator (in another process) with ``LOG_LEVEL=DEBUG``
and ``LOG_FORMAT`` starting with ``%(created)f``, and reads, at the first ``Crawled (`` line:
the wall time since launch and the CPU seconds the crawl's process had used by then
(``/proc/<pid>/stat``, all its threads; the pool's processes not counted). The first run creates
the database; the others find its schema at head, as a scheduled crawl does. The CPU figure
means the same on a loaded machine; the wall time does not (the load average is printed).
The project's bytecode is written first, as in ``bench.crawl``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.crawl import compile_project, load, start_simulator
from tests.helpers import ROOT

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far."""
    with open(f"/proc/{pid}/stat", "rb") as handle:
        fields = handle.read().rsplit(b")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def first_request(site: str, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) from launch to the first ``Crawled (`` line."""
    started = time.time()
    child = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", site, "-s", "LOG_LEVEL=DEBUG",
         "-s", "LOG_FORMAT=%(created)f %(message)s", "-s", "CLOSESPIDER_PAGECOUNT=5"],
        cwd=ROOT, env={**os.environ, **env}, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert child.stderr is not None
    result = None
    for line in child.stderr:
        if result is None and "Crawled (" in line:
            result = (float(line.split()[0]) - started, cpu_seconds(child.pid))
    child.wait()
    if result is None:
        raise SystemExit(f"no request was crawled (exit {child.returncode})")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--site", default="demo_hongan")
    parser.add_argument(
        "--base-port", type=int, help="serve the portals on this port + 1..6 (default: free ports)"
    )
    args = parser.parse_args()
    compile_project()  # as a user's first run leaves the project's bytecode (bench.crawl)
    root = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    server, base = start_simulator(24, args.base_port)
    try:
        from tests.simulator import Simulator

        Simulator(base_port=base, articles_per_portal=1).write_profiles(root / "sites")
        env = {"DATA_DIR": str(root / "data"), "SITES_DIR": str(root / "sites")}
        print(f"{load()} at the start", flush=True)
        fresh = first_request(args.site, env)
        runs = [first_request(args.site, env) for _ in range(args.runs)]
    finally:
        server.terminate()
        server.wait()
    print(f"first crawl (creates the schema): {fresh[0]:.2f} s wall, {fresh[1]:.2f} s CPU")
    walls, cpus = zip(*runs, strict=True)
    print(
        f"schema at head, median of {args.runs}: {statistics.median(walls):.2f} s wall, "
        f"{statistics.median(cpus):.2f} s CPU (runs: "
        + ", ".join(f"{w:.2f}/{c:.2f}" for w, c in runs)
        + ")"
    )
    print(load())


if __name__ == "__main__":
    main()
