"""A distributed worker killed with SIGKILL: the requests it had taken come back to the shared
queue once its heartbeat lapses, the other worker fetches them, and nothing is lost; the pages
it had downloaded and not stored come back from its WARC, not from the network."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import time
import uuid
from collections import Counter

from tests.e2e.test_distributed import REDIS_URL, _redis
from tests.faults import kill_session, session_pids
from tests.helpers import FAST, ROOT, SCRAPY, count_articles, running_simulator, service_missing


def worker(site: str, env: dict[str, str], log) -> subprocess.Popen[str]:
    args = ["-s", "DOWNLOAD_DELAY=0.2", "-s", "CONCURRENT_REQUESTS=4",
            "-s", "DISTRIBUTED_IDLE_CLOSE=3", "-s", "DISTRIBUTED_LEASE_TTL=3",
            "-s", "EXTRACT_WORKERS=1", "-s", "STORE_BATCH_WAIT=2"]  # fmt: skip
    return subprocess.Popen(
        [*SCRAPY, "crawl", site, *FAST, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        text=True,
        start_new_session=True,
    )


def test_killed_worker_requests_are_requeued_and_fetched(tmp_path):
    client = _redis()
    if client is None:
        service_missing("Redis is not running on 127.0.0.1:6379")
    run = uuid.uuid4().hex[:12]
    data = tmp_path / "data"
    with running_simulator(articles_per_portal=40) as sim:
        sites = tmp_path / "sites"
        sim.write_profiles(sites)
        site = sim.portals[3].id
        env = {**os.environ, "DATA_DIR": str(data), "SITES_DIR": str(sites),
               "REDIS_URL": REDIS_URL, "CRAWL_RUN": run}  # fmt: skip
        logs = [(tmp_path / f"w{i}.log").open("w") for i in range(2)]
        victim, survivor = (worker(site, env, log) for log in logs)
        key = f"countynews:{site}:{run}:inflight:*"
        try:
            deadline = time.monotonic() + 120
            leased = 0
            while time.monotonic() < deadline:
                mine = [k for k in client.scan_iter(match=key) if f".{victim.pid}.".encode() in k]
                leased = client.hlen(mine[0]) if mine else 0
                if leased >= 2 and count_articles(data / "articles.db") >= 3:
                    break
                time.sleep(0.05)
            assert leased >= 2, "the victim never held requests"
            time.sleep(1)  # pages downloaded and not stored (a batch is stored every 2 s)
            victim.kill()
            victim.wait()
            survivor.wait(timeout=300)
            orphans = session_pids(victim.pid)
        finally:
            for proc in (victim, survivor):
                kill_session(proc.pid)
            for log in logs:
                log.close()
        truth = {t["url"] for t in sim.truth() if t["site"] == site}
        fetched = Counter(url for _, url, status in sim.requests() if status == 200)
    survivor_log = (tmp_path / "w1.log").read_text()
    try:
        assert survivor.returncode == 0, survivor_log[-3000:]
        assert "Requeued" in survivor_log, survivor_log[-3000:]
        with sqlite3.connect(data / "articles.db") as conn:
            rows = conn.execute("SELECT url, warc_file FROM articles").fetchall()
        assert truth - {url for url, _ in rows} == set()  # nothing lost
        # the victim's .open WARC was repaired by the survivor: every pointer names a file
        files = {p.name for p in (data / "warc").iterdir()}
        assert {f for _, f in rows} <= files
        assert not [f for f in files if f.endswith(".open")]
        assert orphans == []  # its extraction workers died with it
        # what came from the network again: its requests in flight (CONCURRENT_REQUESTS=4)
        assert len([url for url in truth if fetched[url] > 1]) <= 4
        adopted = re.search(r"(\d+) article pages worker \S+ archived but did not store",
                            survivor_log)  # fmt: skip
        assert adopted is not None, survivor_log[-3000:]
        from_warc = re.search(r"'resume/from_warc': (\d+)", survivor_log)
        assert int(from_warc.group(1) if from_warc else 0) == int(adopted.group(1))
    finally:
        for k in client.scan_iter(f"countynews:*:{run}:*"):
            client.delete(k)
