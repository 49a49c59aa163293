"""The bundled demo: start the portal simulator, crawl every demo portal end to end into
``DATA_DIR`` (default ``data/``), export ``<DATA_DIR>/articles.jsonl`` and score it against the
simulator's ground truth. ``python -m tests.demo``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import time
from pathlib import Path

from model.profiles import DEFAULT_SITES_DIR
from tests.helpers import FAST, free_base_port, scrapy
from tests.simulator import Simulator


def taken_port(base: int) -> int | None:
    """The first of the simulator's ports base+1..base+6 that something else holds."""
    for port in range(base + 1, base + 7):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                return port
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-port", type=int, default=8800, help="simulator ports base+1..6")
    args = parser.parse_args(argv)
    port = taken_port(args.base_port)
    if port is not None:
        print(
            f"demo: port {port} is taken (the simulator serves on {args.base_port + 1}-"
            f"{args.base_port + 6}); pick other ports, e.g. --base-port {free_base_port()}",
            file=sys.stderr,
        )
        return 2
    data = Path(os.environ.get("DATA_DIR", "data")).resolve()
    env = {"DATA_DIR": str(data)}
    with Simulator(base_port=args.base_port) as sim:
        if args.base_port != 8800:  # the bundled demo_*.yaml profiles point at port 8800+
            sites = data / "demo-sites"
            sites.mkdir(parents=True, exist_ok=True)
            sim.write_profiles(sites)
            env["SITES_DIR"] = str(sites)
        else:
            env["SITES_DIR"] = str(DEFAULT_SITES_DIR)
        started = time.monotonic()
        for portal in sim.portals:
            print(f"crawling {portal.id} ({portal.name}) at {portal.base_url} ...", flush=True)
            scrapy("crawl", portal.id, *FAST, "-s", "LOG_LEVEL=WARNING", env=env)
        export = data / "articles.jsonl"
        scrapy("export", "-o", str(export), env=env)
        truth = {t["url"]: t for t in sim.truth()}
    articles = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    right = sum(1 for a in articles if truth.get(a["url"], {}).get("title") == a["title"])
    print(
        f"{len(articles)} articles exported to {export} in {time.monotonic() - started:.0f}s; "
        f"{right}/{len(truth)} simulator articles with the right URL and title. "
        f"WARCs in {data / 'warc'}, database {data / 'articles.db'}."
    )
    return 0 if articles else 1


if __name__ == "__main__":
    sys.exit(main())
