"""Distributed mode: two workers with REDIS_URL share one scrapy-redis queue and dupefilter."""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from collections import Counter

from tests.helpers import FAST, ROOT, SCRAPY, running_simulator, scrapy, service_missing

REDIS_URL = "redis://127.0.0.1:6379/0"
SCRAPED = re.compile(r"'item_scraped_count': (\d+)")


def _redis():
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.ping()
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
        return None
    return client


def test_two_workers_share_the_crawl_and_fetch_each_article_once(tmp_path):
    client = _redis()
    if client is None:
        service_missing("Redis is not running on 127.0.0.1:6379")
    run = uuid.uuid4().hex[:12]
    with running_simulator() as sim:
        sites = tmp_path / "sites"
        sites.mkdir()
        sim.write_profiles(sites)
        portal = sim.portals[1]
        env = {**os.environ, "DATA_DIR": str(tmp_path / "data"), "SITES_DIR": str(sites),
               "REDIS_URL": REDIS_URL, "CRAWL_RUN": run}  # fmt: skip
        workers = [
            subprocess.Popen(
                [
                    *SCRAPY,
                    "crawl",
                    portal.id,
                    *FAST,
                    "-s",
                    "DOWNLOAD_DELAY=0.4",
                    "-s",
                    "CONCURRENT_REQUESTS=1",
                    "-s",
                    "DISTRIBUTED_IDLE_CLOSE=3",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        logs = [w.communicate(timeout=300)[1] for w in workers]
        assert [w.returncode for w in workers] == [0, 0], logs[0][-2000:] + logs[1][-2000:]
        # scrapy-redis's use of a deprecated Scrapy argument is not the user's to fix
        warned = [line for log in logs for line in log.splitlines() if "DeprecationWarning" in line]
        assert not warned, warned
        fetched = Counter(url for _, url, status in sim.requests() if status == 200)
        truth = [t for t in sim.truth() if t["site"] == portal.id]
        out = tmp_path / "x.jsonl"
        scrapy("export", "-o", str(out), env={k: env[k] for k in ("DATA_DIR", "SITES_DIR")})
    try:
        dupefilter = f"countynews:{portal.id}:{run}:dupefilter"
        assert client.exists(dupefilter)
        # the last worker to close sets the run's keys to expire (DISTRIBUTED_RUN_TTL, 7 days)
        assert 6 * 24 * 3600 < client.ttl(dupefilter) <= 7 * 24 * 3600
        assert all(fetched[t["url"]] == 1 for t in truth), "an article was fetched twice"
        assert len(out.read_text("utf-8").splitlines()) == len(truth)
        scraped = [int(m.group(1)) if (m := SCRAPED.search(log)) else 0 for log in logs]
        assert sum(scraped) == len(truth), scraped
        assert all(count > 0 for count in scraped), f"one worker did all the work: {scraped}"
    finally:
        for key in client.scan_iter(f"countynews:*:{run}:*"):
            client.delete(key)
