"""StoreProcess: dedup and store in a child process, with BatchWriter's answers; it ignores the
terminal's Ctrl-C, and when it dies its pending articles fail instead of waiting forever."""

from __future__ import annotations

import dataclasses
import os
import signal

import pytest
from sqlalchemy import func, select

from crawler.db.models import ArticleRow
from crawler.db.session import open_database
from crawler.processes import forkserver
from model.fixtures import iter_cases
from model.profiles import read_profiles
from pipelines import cpu_stage
from pipelines.store import BatchWriter
from pipelines.store_process import StoreError, StoreProcess
from tests.helpers import ROOT

CASES = iter_cases(ROOT / "tests" / "sites")


def articles():
    found = []
    for case in CASES[:6]:
        article = cpu_stage(case.page, None)
        assert not hasattr(article, "reason"), article
        found.append(article)
    return found


def stored(url: str) -> int:
    with open_database(url)() as session:
        return session.scalar(select(func.count()).select_from(ArticleRow))


def niceness(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as handle:
        return int(handle.read().rsplit(")", 1)[1].split()[16])


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs Linux /proc")
def test_the_store_process_runs_at_the_niceness_it_is_given(tmp_path):
    url = f"sqlite:///{tmp_path / 'nice.db'}"
    open_database(url)
    store = StoreProcess(url, None, 4, 0.05, forkserver(), nice=4)
    try:
        store.ready.result(timeout=60)
        assert niceness(store._process.pid) == min(os.nice(0) + 4, 19)
    finally:
        store.close()


def test_the_store_process_answers_as_the_store_thread_does(tmp_path):
    batch = articles()
    thread_url = f"sqlite:///{tmp_path / 'thread.db'}"
    names = {pid: p.name for pid, p in read_profiles(None)[0].items()}
    writer = BatchWriter(open_database(thread_url), names, 4, 0.05)
    expected = [writer.submit(a).result(timeout=60) for a in batch]
    writer.close()

    url = f"sqlite:///{tmp_path / 'process.db'}"
    open_database(url)  # migrated by the crawl's process before the store process starts
    store = StoreProcess(url, None, 4, 0.05, forkserver())
    try:
        store.ready.result(timeout=60)
        os.kill(store._process.pid, signal.SIGINT)  # a terminal's Ctrl-C reaches it too
        futures = [store.submit(a) for a in batch]
        assert [f.result(timeout=60) for f in futures] == expected
        assert store.submit(batch[0]).result(timeout=60) == (expected[0][0], "unchanged")
    finally:
        store.close()
    assert stored(url) == stored(thread_url) == len(batch)
    with pytest.raises(RuntimeError, match="closed"):
        store.submit(batch[0])


def test_a_bad_article_fails_alone_and_every_answer_of_its_batch_arrives(tmp_path):
    """Answers travel a batch at a time: in a batch that fails and is written again one
    article at a time, the bad article's failure and the others' results all come back."""
    good = articles()
    bad = dataclasses.replace(good[1], id="badbadbadbadbad1", flags=[{1}])
    url = f"sqlite:///{tmp_path / 'a.db'}"
    open_database(url)
    store = StoreProcess(url, None, 10, 0.5, forkserver())  # the three in one batch
    try:
        futures = [store.submit(a) for a in (good[0], bad, good[2])]
        assert futures[0].result(timeout=60)[1] == "new"
        with pytest.raises(StoreError):
            futures[1].result(timeout=60)
        assert futures[2].result(timeout=60)[1] == "new"
        # and an article alone, after them, is answered without waiting for another batch
        assert store.submit(good[3]).result(timeout=60)[1] == "new"
    finally:
        store.close()
    assert stored(url) == 3


def test_the_store_process_records_a_run_with_its_drift_flags(tmp_path):
    from crawler.db.models import CrawlRunRow
    from crawler.extensions.figures import figures_from_stats

    url = f"sqlite:///{tmp_path / 'a.db'}"
    open_database(url)
    stats = {"downloader/response_count": 12, "store/new": 10, "quality/articles": 10}
    stats.update({"quality/title": 10, "quality/published": 3, "quality/body": 10})
    store = StoreProcess(url, None, 4, 0.05, forkserver())
    try:
        flags = store.record_run("demo", "crawl", "2026-01-01T00:00:00Z", figures_from_stats(stats))
        assert flags.result(timeout=60) == [
            "published: only 30% of new articles have it (floor 80%)"
        ]
    finally:
        store.close()
    with open_database(url)() as session:
        (row,) = session.scalars(select(CrawlRunRow))
    assert (row.site, row.kind, row.started) == ("demo", "crawl", "2026-01-01T00:00:00Z")
    assert row.figures["new"] == 10
    assert row.figures["drift"] == flags.result()


def test_a_dead_store_process_fails_its_articles(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    open_database(url)
    store = StoreProcess(url, None, 4, 0.05, forkserver())
    store.ready.result(timeout=60)
    os.kill(store._process.pid, signal.SIGKILL)
    store._process.join(timeout=60)
    with pytest.raises(StoreError, match=r"died|stopped"):
        store.submit(articles()[0]).result(timeout=60)
    store.close()


def test_a_database_the_store_process_cannot_open_fails_its_articles(tmp_path):
    store = StoreProcess("nosuchdb://x", None, 4, 0.05, forkserver())
    with pytest.raises(StoreError, match="could not open"):
        store.ready.result(timeout=60)
    with pytest.raises(StoreError, match="could not open"):
        store.submit(articles()[0]).result(timeout=60)
    store.close()


# a crawl stopped by force (a second Ctrl-C) exits without closing its store process
UNCLOSED = """
import sys
from crawler.db.session import open_database
from crawler.processes import forkserver
from pipelines.store_process import StoreProcess
if __name__ == "__main__":
    open_database(sys.argv[1])
    store = StoreProcess(sys.argv[1], None, 4, 0.05, forkserver())
    store.ready.result(timeout=60)
    print("ready", flush=True)
"""


def test_a_crawl_process_exiting_without_closing_it_is_not_held_up(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "unclosed.py"
    script.write_text(UNCLOSED)
    result = subprocess.run(
        [sys.executable, str(script), f"sqlite:///{tmp_path / 'a.db'}"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.stdout.strip() == "ready", result.stderr[-2000:]
    assert result.returncode == 0, result.stderr[-2000:]
