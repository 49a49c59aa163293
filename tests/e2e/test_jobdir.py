"""Pause and resume a crawl with Scrapy's JOBDIR: a crawl stopped with one SIGINT resumes where
it stopped; no article is fetched twice and every article ends up stored."""

from __future__ import annotations

import os
import signal
import subprocess
from collections import Counter

from tests.helpers import ROOT, SCRAPY, count_articles, running_simulator, scrapy, wait_for


def test_crawl_paused_with_sigint_resumes_from_jobdir(tmp_path):
    with running_simulator() as sim:
        sites = tmp_path / "sites"
        sites.mkdir()
        sim.write_profiles(sites)
        portal = sim.portals[0]
        data, jobdir = tmp_path / "data", tmp_path / "job"
        env = {"DATA_DIR": str(data), "SITES_DIR": str(sites)}
        slow = ["-s", "DOWNLOAD_DELAY=0.25", "-s", "AUTOTHROTTLE_ENABLED=False",
                "-s", "CONCURRENT_REQUESTS=1", "-s", f"JOBDIR={jobdir}"]  # fmt: skip
        first = subprocess.Popen(
            [*SCRAPY, "crawl", portal.id, *slow], cwd=ROOT, env={**os.environ, **env},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        wait_for(lambda: count_articles(data / "articles.db") >= 4, 60, "4 stored articles")
        first.send_signal(signal.SIGINT)  # one SIGINT: Scrapy finishes in-flight work and stops
        log = first.communicate(timeout=120)[1]
        # stopped before its end: not done (status 1), the same command finishes it
        assert first.returncode == 1, log[-3000:]
        assert "interrupted before the end" in log
        paused = count_articles(data / "articles.db")
        truth = [t for t in sim.truth() if t["site"] == portal.id]
        assert 4 <= paused < len(truth), "the crawl was not paused midway"
        assert "shutdown" in log.lower()

        scrapy("crawl", portal.id, *slow, env=env)
        fetched = Counter(url for method, url, status in sim.requests() if status == 200)
    articles = {t["url"] for t in truth}
    assert count_articles(data / "articles.db") >= len(truth)
    assert [u for u in articles if fetched[u] > 1] == []
