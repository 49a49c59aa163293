"""``scrapy schedule``: one process per due site, a lock that SIGKILL does not leave stuck,
nothing stored lost."""

from __future__ import annotations

import gzip
import itertools
import os
import re
import signal
import subprocess
import sys
from datetime import UTC, datetime

from crawler.commands.schedule import is_due, try_lock
from tests.helpers import FAST, ROOT, SCRAPY, count_articles, readline, running_simulator, wait_for


def test_is_due_follows_the_cron_expression():
    last = datetime(2026, 1, 1, 0, 5, tzinfo=UTC)
    assert is_due("0 */6 * * *", None, last)
    assert not is_due("0 */6 * * *", last, datetime(2026, 1, 1, 5, 59, tzinfo=UTC))
    assert is_due("0 */6 * * *", last, datetime(2026, 1, 1, 6, 0, tzinfo=UTC))


def test_lock_is_exclusive_and_released_when_its_holder_dies(tmp_path):
    path = tmp_path / "site.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         (f"import fcntl,os,time; fd=os.open({str(path)!r}, os.O_RDWR|os.O_CREAT); "
         "fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert readline(holder.stdout, 30).strip() == "locked"
    assert try_lock(path) is None
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    fd = try_lock(path)
    assert fd is not None
    os.close(fd)


def test_killed_scheduled_crawl_restarts_unlocked_and_keeps_what_was_stored(tmp_path):
    with running_simulator() as sim:
        sites = tmp_path / "sites"
        sites.mkdir()
        sim.write_profiles(sites)
        portal = sim.portals[1]
        for path in sites.glob("*.yaml"):
            if path.stem != portal.id:
                path.unlink()
        data = tmp_path / "data"
        env = {**os.environ, "DATA_DIR": str(data), "SITES_DIR": str(sites)}
        slow = ["-s", "DOWNLOAD_DELAY=0.3", "-s", "AUTOTHROTTLE_ENABLED=False",
                "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]  # fmt: skip
        first = subprocess.Popen(
            [*SCRAPY, "schedule", "--once", *slow], cwd=ROOT, env=env,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        started = readline(first.stderr, 60)
        pid = int(re.search(r"pid (\d+)", started).group(1))
        wait_for(lambda: count_articles(data / "articles.db") >= 3, 60, "3 stored articles")
        stored_before = count_articles(data / "articles.db")
        os.kill(pid, signal.SIGKILL)
        rest = first.communicate(timeout=60)[1]
        assert "exit -9" in rest
        assert first.returncode == 2  # the worst of its crawls: one was killed
        assert list((data / "warc").glob("*.warc.gz.open")), "the killed crawl left its WARC open"

        second = subprocess.run(
            [*SCRAPY, "schedule", "--once", "-s", "DOWNLOAD_DELAY=0", "-s",
             "AUTOTHROTTLE_ENABLED=False"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert "skipped" not in second.stderr
        assert "exit 0" in second.stderr, second.stderr
        assert second.returncode == 0
        truth = [t for t in sim.truth() if t["site"] == portal.id]
    assert count_articles(data / "articles.db") >= max(stored_before, int(0.95 * len(truth)))
    assert not list((data / "warc").glob("*.open"))
    for path in (data / "warc").glob("*.warc.gz"):
        with gzip.open(path) as stream:
            while stream.read(1 << 20):
                pass
    logs = list((data / "logs" / portal.id).glob("*.log"))
    assert len(logs) == 2


def test_schedule_runs_at_most_schedule_max_running_crawls_at_once(tmp_path):
    import sqlite3

    with running_simulator(articles_per_portal=4) as sim:
        sites = tmp_path / "sites"
        sites.mkdir()
        sim.write_profiles(sites)
        keep = {p.id for p in sim.portals[:3]}
        for path in sites.glob("*.yaml"):
            if path.stem not in keep:
                path.unlink()
        data = tmp_path / "data"
        env = {**os.environ, "DATA_DIR": str(data), "SITES_DIR": str(sites)}
        done = subprocess.run(
            [*SCRAPY, "schedule", "--once", *FAST, "-s", "SCHEDULE_MAX_RUNNING=1"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 due site(s) wait for a free slot (SCHEDULE_MAX_RUNNING=1)" in done.stderr
    assert sorted(re.findall(r"finished (\w+): exit 0", done.stderr)) == sorted(keep)
    with sqlite3.connect(data / "articles.db") as db:
        runs = sorted(db.execute("SELECT started, finished, site FROM crawl_runs"))
    assert sorted(site for *_, site in runs) == sorted(keep)
    for (_, finished, _), (started, _, _) in itertools.pairwise(runs):
        assert finished <= started, f"two crawls ran at once: {runs}"
