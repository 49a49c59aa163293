"""Regenerate the demo portals' golden fixtures in ``tests/sites``.

``python -m tests.simulator.fixtures``: crawls the simulator on ports 8801-8806 (the ports the
bundled ``spiders/sites/demo_*.yaml`` name) into a temporary folder, saves three article cases
per portal with ``scrapy savefixture`` from the crawl's WARCs, then replaces every
``expected.json`` with the simulator's ground truth, so fixtures never pin our own output.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from archive.reader import iter_captures
from model.fixtures import EXPECTED_FIELDS, write_expected
from model.profiles import DEFAULT_SITES_DIR
from tests.helpers import FAST, ROOT, scrapy
from tests.simulator import Simulator

CASES_PER_PORTAL = 3


def _chosen(truths: list[dict[str, object]]) -> list[dict[str, object]]:
    """The first article, a syndicated near copy (or the second article), and the last one."""
    near = next((t for t in truths[1:-1] if t["duplicate_kind"] == "near"), truths[1])
    return [truths[0], near, truths[-1]][:CASES_PER_PORTAL]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", default=str(ROOT / "tests" / "sites"), help="fixtures folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, Simulator(base_port=8800) as sim:
        env = {"DATA_DIR": tmp, "SITES_DIR": str(DEFAULT_SITES_DIR)}
        for portal in sim.portals:
            scrapy("crawl", portal.id, *FAST, "-s", "LOG_LEVEL=WARNING", env=env)
        where = {
            c.url: f"{Path(tmp) / 'warc' / c.file}:{c.offset}"
            for c in iter_captures([Path(tmp) / "warc"])
            if c.record_type == "response" and c.status == 200
        }
        by_site: dict[str, list[dict[str, object]]] = {}
        for truth in sim.truth():
            by_site.setdefault(str(truth["site"]), []).append(truth)
        for site, truths in by_site.items():
            for truth in _chosen(truths):
                url = str(truth["url"])
                case = "article-" + url.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
                scrapy(
                    "savefixture", site, where[url], "--case", case, "--dir", args.dir,
                    "--force", env=env,
                )  # fmt: skip
                expected = {name: truth[name] for name in EXPECTED_FIELDS}
                write_expected(Path(args.dir) / site / case, expected)
                print(f"{site}/{case}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
