"""Refresh on the simulator: new articles fetched, edits stored as versions, unchanged article
bodies never downloaded again (304 answers archived as revisit records)."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.helpers import FAST, running_simulator, scrapy


def revisits(warc_dir: Path) -> list[dict[str, str]]:
    found = []
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "revisit":
                    found.append(dict(record.rec_headers.headers))
    return found


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    root = tmp_path_factory.mktemp("refresh")
    with running_simulator() as sim:
        sites = root / "sites"
        sites.mkdir()
        sim.write_profiles(sites)
        env = {"DATA_DIR": str(root / "data"), "SITES_DIR": str(sites)}
        first = scrapy("refresh", *FAST, env=env)
        before = {t["url"] for t in sim.truth()}
        added = sim.add_articles(2)
        edited = [sim.edit_article(url) for url in sorted(before)[:2]]
        sim.reset_requests()
        second = scrapy("refresh", *FAST, env=env)
        second_requests = sim.requests()
        sim.reset_requests()
        third = scrapy("refresh", *FAST, env=env)
        third_requests = sim.requests()
        truth = sim.truth()
        out = root / "all.jsonl"
        scrapy("export", "-o", str(out), env=env)
    return {
        "env": env, "root": root, "before": before, "added": added, "edited": edited,
        "truth": truth, "first": first, "second": second, "third": third,
        "second_requests": second_requests, "third_requests": third_requests,
        "export": [json.loads(line) for line in out.read_text("utf-8").splitlines()],
    }  # fmt: skip


def test_refresh_fetches_every_new_article(refreshed):
    exported = {a["url"] for a in refreshed["export"]}
    assert {t["url"] for t in refreshed["added"]} <= exported


def test_refresh_stores_both_edits_as_new_versions(refreshed):
    db = sqlite3.connect(Path(refreshed["env"]["DATA_DIR"]) / "articles.db")
    for truth in refreshed["edited"]:
        (article_id,) = db.execute(
            "SELECT id FROM articles WHERE url = ?", (truth["url"],)
        ).fetchone()
        (count,) = db.execute(
            "SELECT count(*) FROM article_versions WHERE article_id = ?", (article_id,)
        ).fetchone()
        assert count == 1, truth["url"]
        (version, text) = db.execute(
            "SELECT version, text FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        assert version == 2
        assert text == truth["text"]  # the whole edited text: the edit changes the last paragraph


def test_refresh_downloads_no_unchanged_article_body_again(refreshed):
    changed = {t["url"] for t in refreshed["added"]} | {t["url"] for t in refreshed["edited"]}
    articles = {t["url"] for t in refreshed["truth"]}
    full = [u for _, u, s in refreshed["second_requests"] if s == 200 and u in articles]
    assert set(full) == changed
    not_modified = [u for _, u, s in refreshed["second_requests"] if s == 304]
    assert len(not_modified) >= len(refreshed["before"]) - len(refreshed["edited"])


def test_second_refresh_right_after_fetches_only_list_pages(refreshed):
    articles = {t["url"] for t in refreshed["truth"]}
    bodies = [u for _, u, s in refreshed["third_requests"] if s == 200 and u in articles]
    assert bodies == []
    assert "not_modified" in refreshed["third"].stdout


def test_list_pages_of_only_known_articles_are_counted_for_the_paging_stop(refreshed):
    # every list page is known in the third refresh: the paging-stop logic sees them all
    counts = [
        int(n) for n in re.findall(r"'refresh/known_list_pages': (\d+)", refreshed["third"].stderr)
    ]
    assert len(counts) == len({t["site"] for t in refreshed["truth"]})
    assert all(n >= 1 for n in counts)


def test_unchanged_pages_are_revisit_records_with_refers_to(refreshed):
    records = revisits(Path(refreshed["env"]["DATA_DIR"]) / "warc")
    assert len(records) >= len(refreshed["before"])
    for headers in records:
        assert headers["WARC-Profile"].endswith("/revisit/server-not-modified")
        assert headers["WARC-Refers-To-Target-URI"]
        assert headers["WARC-Refers-To-Date"]


def test_summary_lists_every_site_with_figures(refreshed):
    table = refreshed["second"].stdout
    for site in {t["site"] for t in refreshed["truth"]}:
        line = next(line for line in table.splitlines() if line.startswith(site))
        _fetched, not_modified, new, _changed, *_ = (int(x) for x in line.split()[1:])
        assert new >= 2
        assert not_modified > 0
