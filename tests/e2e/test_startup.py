"""A crawl starts light: when the spider opens, none of the heavy libraries (SQLAlchemy and
Alembic with the schema at head: the store process has the database; the extractor, OpenCC,
pinyin, datasketch/scipy, aiohttp, the CDXJ indexer) is imported in the crawl's process: the
extraction workers import them (the challenge middleware reads ``model.challenge``, not the
extractor). The check runs ``scrapy crawl``
in a subprocess that looks at ``sys.modules`` when Scrapy logs "Spider opened"."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers import FAST, ROOT

HEAVY = (
    "alembic", "trafilatura", "readability", "datasketch", "scipy", "aiohttp", "cdxj_indexer",
    "surt", "pipelines.extract", "pipelines.normalize", "opencc", "pypinyin", "sqlalchemy",
)  # fmt: skip

# runs `scrapy crawl`; prints the heavy modules loaded when the spider opened, as JSON
PROBE = """
import json, logging, sys
HEAVY = %r
class Probe(logging.Handler):
    def emit(self, record):
        if record.getMessage().startswith("Spider opened"):
            print(json.dumps([m for m in HEAVY if m in sys.modules]), flush=True)
logging.getLogger().addHandler(Probe())
from scrapy.cmdline import execute
sys.argv = ["scrapy", *sys.argv[1:]]
execute()
"""


def crawl_with_probe(args: list[str], env: dict[str, str]) -> tuple[list[str], str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE % (HEAVY,), "crawl", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert lines, f"the spider never opened\n{result.stderr[-3000:]}"
    return json.loads(lines[0]), result.stderr


def test_a_crawl_opens_its_spider_before_loading_the_heavy_libraries(simulator, tmp_path):
    import os

    sites = tmp_path / "sites"
    sites.mkdir()
    simulator.write_profiles(sites)
    env = {**os.environ, "SITES_DIR": str(sites)}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'articles.db'}"
    site = simulator.portals[1].id
    args = [site, *FAST, "-s", "CLOSESPIDER_ITEMCOUNT=2"]
    # the first crawl creates the schema (Alembic runs); the second finds it at head (its own
    # DATA_DIR: the first one, stopped early, would make it a resumed crawl)
    crawl_with_probe(args, {**env, "DATA_DIR": str(tmp_path / "first")})
    loaded, log = crawl_with_probe(args, {**env, "DATA_DIR": str(tmp_path / "second")})
    assert loaded == [], f"imported before the spider opened: {loaded}"
    # and the crawl still did its work once they loaded
    assert "'item_scraped_count'" in log, log[-3000:]
