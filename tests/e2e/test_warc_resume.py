"""A crawl killed with a deep backlog (many pages downloaded into its WARC and not stored yet)
resumes without fetching those pages again: they are read back from their WARC records
(``crawler.middlewares.warc_resume``), and the articles stored from them are the articles a
clean crawl stores, pointing at the killed crawl's records."""

from __future__ import annotations

import json
import random
import re
import sqlite3
from collections import Counter
from pathlib import Path

from archive import ReadStats, iter_captures
from tests.e2e.test_replay import CONTENT_FIELDS
from tests.faults.audit import audit
from tests.faults.procs import finish, interrupt, start
from tests.helpers import FAST, count_articles, running_simulator, scrapy, wait_for

# two requests in flight; the store commits a batch every 3 s while downloads go on (the
# backlog takes 200 pages), so a kill lands with dozens of pages downloaded and not stored
DEEP_BACKLOG = [*FAST, "-s", "CONCURRENT_REQUESTS=2", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
                "-s", "DOWNLOAD_DELAY=0.03", "-s", "EXTRACT_WORKERS=1",
                "-s", "STORE_MAX_PENDING=200", "-s", "STORE_BATCH_WAIT=3"]  # fmt: skip
IN_FLIGHT = 2  # CONCURRENT_REQUESTS: sent and not yet answered, or answered and not yet archived


def stored_urls(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {url for (url,) in conn.execute("SELECT url FROM articles")}


def archived_not_stored(warc: Path, truth: set[str], stored: set[str]) -> dict[str, dict]:
    """URL -> location of the whole 200 response records of articles not stored, read from
    the killed crawl's WARCs as it left them (its open file included)."""
    files, wanted = sorted(warc.glob("*.warc.gz*")), truth - stored
    found = {}
    for capture in iter_captures(files, ReadStats(), types=("response",)):
        if capture.status == 200 and capture.url in wanted:
            name = capture.file.removesuffix(".open")
            found[capture.url] = {"file": name, "offset": capture.offset, "length": capture.length,
                                  "date": capture.date}  # fmt: skip
    return found


def exported(env: dict[str, str], out: Path) -> dict[str, dict]:
    scrapy("export", "-o", str(out), env=env)
    return {a["url"]: a for a in map(json.loads, out.read_text("utf-8").splitlines())}


def test_a_killed_crawl_reads_its_downloaded_pages_back_from_the_warc(tmp_path):
    with running_simulator(articles_per_portal=160) as sim:
        sites = tmp_path / "sites"
        sim.write_profiles(sites)
        site = "demo_zaozhuang"  # gzips its pages: records hold them compressed, as received
        truth = {t["url"] for t in sim.truth() if t["site"] == site}
        data = tmp_path / "data"
        env = {"DATA_DIR": str(data), "SITES_DIR": str(sites)}
        log = tmp_path / "crawl.log"
        args = ["crawl", site, *DEEP_BACKLOG]
        proc = start(args, env, log)
        db = data / "articles.db"
        wait_for(lambda: count_articles(db) > 0 or proc.poll() is not None, 120, "a commit")
        seen = len(sim.requests())  # then 30 more downloads (~1 s), before the next commit
        wait_for(lambda: len(sim.requests()) >= seen + 30 or proc.poll() is not None, 60, "pages")
        assert proc.poll() is None, "the crawl ended before its kill"
        assert interrupt(proc, "sigkill", random.Random(0)) == 0
        stored = stored_urls(db)
        backlog = archived_not_stored(data / "warc", truth, stored)
        # ~30 on an idle machine; fewer where a loaded one made the 30 downloads outlast a batch
        assert len(backlog) >= 10, f"only {len(backlog)} pages waited for the store at the kill"
        killed_fetches = Counter(u for _, u, status in sim.requests() if status == 200)

        sim.reset_requests()
        status, orphans = finish(start(args, env, log))
        resumed_fetches = Counter(u for _, u, status in sim.requests() if status == 200)

        clean_env = {"DATA_DIR": str(tmp_path / "clean"), "SITES_DIR": str(sites)}
        scrapy("crawl", site, *FAST, env=clean_env)
    text = log.read_text("utf-8")
    assert (status, orphans) == (0, 0), text[-3000:]
    assert truth <= stored_urls(db)  # nothing lost
    found = audit(data)
    assert found.problems == [], found.problems[:5]  # WARCs whole, every pointer reads back
    assert max(found.stored.values()) == 1
    # only the requests in flight at the kill came from the network again
    twice = {u for u in truth if killed_fetches[u] and resumed_fetches[u]}
    assert len(twice) <= IN_FLIGHT, twice
    assert not twice & set(backlog)
    assert not set(backlog) & set(resumed_fetches)
    from_warc = re.search(r"'resume/from_warc': (\d+)", text)
    assert from_warc is not None, text[-3000:]
    assert int(from_warc.group(1)) == len(backlog)
    assert f"{len(backlog)} article pages the unfinished crawl archived but did not store" in text
    assert "resume/from_warc/unreadable" not in text

    resumed = exported(env, tmp_path / "resumed.jsonl")
    clean = exported(clean_env, tmp_path / "clean.jsonl")
    assert set(resumed) == set(clean) == truth
    for url in truth:
        assert [resumed[url][f] for f in CONTENT_FIELDS] == [clean[url][f] for f in CONTENT_FIELDS]
    for url, record in backlog.items():  # stored from the killed crawl's own record
        warc = {k: record[k] for k in ("file", "offset", "length")}
        assert resumed[url]["warc"] == warc
        assert resumed[url]["fetched"] == record["date"]
