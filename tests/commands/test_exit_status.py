"""Exit statuses, one rule for every command (the README's "Exit status" table): 0 done, 1 done
with errors worth a look, 2 bad usage or nothing could be done; one line on stderr says why."""

from __future__ import annotations

import json
import re
import socket

import pytest
import yaml

from crawler.status import DONE, DONE_WITH_ERRORS, FAILED, crawl_status
from model.items import EXPORT_FIELDS
from tests.helpers import FAST, ROOT, scrapy


def dead_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def one_line(stderr: str, log: bool = False) -> str:
    """The command's own stderr line (``scrapy <cmd>: ...``): exactly one, and no traceback
    unless the command also logs (a crawl's log shows Scrapy's download errors)."""
    if not log:
        assert "Traceback" not in stderr, stderr[-3000:]
    lines = [line for line in stderr.splitlines() if line.startswith("scrapy ")]
    assert len(lines) == 1, stderr[-3000:]
    return lines[0]


def site_profile(sim, sites, site_id, extra_start=()):
    """A copy of the first simulator portal's profile under ``site_id``: one list page, no feed,
    plus ``extra_start`` start URLs."""
    sim.write_profiles(sites)
    portal = sim.portals[0]
    data = yaml.safe_load((sites / f"{portal.id}.yaml").read_text(encoding="utf-8"))
    for path in sites.glob("*.yaml"):
        path.unlink()
    data.update(id=site_id, max_list_pages=1, feeds=[], sitemaps=[])
    data["start_urls"] = [*data["start_urls"], *extra_start]
    (sites / f"{site_id}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")


@pytest.mark.parametrize(
    ("stats", "status", "why"),
    [
        ({"fetch/ok": 30, "fetch/missing": 1}, DONE, "done"),
        ({}, DONE, "nothing to fetch"),
        ({"fetch/ok": 30, "fetch/failed/http_503": 2}, DONE_WITH_ERRORS, "2 fetches failed"),
        ({"fetch/ok": 30, "store/error": 1}, DONE_WITH_ERRORS, "could not be stored"),
        ({"fetch/ok": 3, "log_count/ERROR": 1}, DONE_WITH_ERRORS, "1 errors logged"),
        ({"fetch/failed/ConnectionRefusedError": 4}, FAILED, "every fetch failed"),
        ({"fetch/missing": 4}, FAILED, "every fetch failed"),
        ({"robotstxt/forbidden": 3}, FAILED, "robots.txt"),
        ({"fetch/ok": 30, "exit/status": 2, "exit/reason": "disk full"}, FAILED, "disk full"),
        (
            {
                "fetch/ok": 3,
                "fetch/failed/http_429": 1,
                "site/paused_for": 3600,
                "finish_reason": "paused",
            },
            DONE_WITH_ERRORS,
            "paused: the server asked to retry after 3600 s, more than RETRY_AFTER_MAX",
        ),
    ],
)
def test_crawl_status_from_stats(stats, status, why):
    got, reason = crawl_status(stats)
    assert got == status
    assert why in reason


def test_readme_documents_the_exit_statuses():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Exit status", 1)[1].split("\n##", 1)[0]
    rows = dict(re.findall(r"^\| `(\d)` \| (.+?) \|$", section, re.MULTILINE))
    assert set(rows) == {str(DONE), str(DONE_WITH_ERRORS), str(FAILED)}
    assert "done" in rows["0"]
    assert "failed" in rows["1"]
    assert "unreachable database" in rows["2"]
    assert "every fetch failed" in rows["2"]


def test_a_crawl_where_every_fetch_fails_exits_2(tmp_path):
    sites = tmp_path / "sites"
    sites.mkdir()
    port = dead_port()
    (sites / "dead.yaml").write_text(
        f"id: dead\nname: 死站\nstart_urls: ['http://127.0.0.1:{port}/news/index.html']\n"
        "articles: ['/art/\\d+\\.html$']\n",
        encoding="utf-8",
    )
    env = {"SITES_DIR": str(sites), "DATA_DIR": str(tmp_path / "data")}
    result = scrapy("crawl", "dead", *FAST, "-s", "RETRY_TIMES=0", env=env, check=False)
    assert result.returncode == FAILED
    line = one_line(result.stderr, log=True)
    assert "every fetch failed" in line
    assert "ConnectionRefused" in line
    refreshed = scrapy("refresh", "dead", *FAST, "-s", "RETRY_TIMES=0", env=env, check=False)
    assert refreshed.returncode == FAILED
    assert "every fetch failed" in one_line(refreshed.stderr, log=True)


def test_a_crawl_with_some_failed_fetches_exits_1_and_a_clean_one_0(simulator, tmp_path):
    sites = tmp_path / "sites"
    sites.mkdir()
    site_profile(simulator, sites, "partly", [f"http://127.0.0.1:{dead_port()}/news/index.html"])
    env = {"SITES_DIR": str(sites), "DATA_DIR": str(tmp_path / "data")}
    result = scrapy("crawl", "partly", *FAST, "-s", "RETRY_TIMES=0", env=env, check=False)
    assert result.returncode == DONE_WITH_ERRORS, result.stderr[-3000:]
    assert "1 fetches failed" in one_line(result.stderr, log=True)
    # the same portal without the dead start URL; its items as Scrapy's feed writes them
    site_profile(simulator, sites, "partly")
    items = tmp_path / "items.jsonl"
    result = scrapy("crawl", "partly", *FAST, "-O", str(items), "-s", "LOGSTATS_INTERVAL=0.2",
                    env=env, check=False)  # fmt: skip
    assert result.returncode == DONE, result.stderr[-3000:]
    # status lines at a steady interval, one summary line at the end
    assert re.search(r"partly: \d+ pages done, \d+ queued, 0 failed; \d+ articles", result.stderr)
    summary = [line for line in result.stderr.splitlines() if "partly finished in" in line]
    assert len(summary) == 1
    assert summary[0].endswith("exit status 0 (done)")
    records = [json.loads(line) for line in items.read_text(encoding="utf-8").splitlines()]
    assert records
    for record in records:
        assert tuple(record) == EXPORT_FIELDS
        assert set(record["warc"]) == {"file", "offset", "length"}


def test_list_and_crawl_print_a_refused_profile_once(tmp_path):
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "broken.yaml").write_text(
        "id: broken\nname: 坏的\nstart_urls: ['http://127.0.0.1:9/']\n"
        "articles: ['/art/(\\d+.html']\ncolour: red\n",
        encoding="utf-8",
    )
    (sites / "good.yaml").write_text(
        "id: good\nname: 好的\nstart_urls: ['http://127.0.0.1:9/']\narticles: ['/art/\\d+']\n",
        encoding="utf-8",
    )
    env = {"SITES_DIR": str(sites), "DATA_DIR": str(tmp_path / "data")}
    listed = scrapy("list", env=env, check=False)
    assert listed.stdout.split() == ["good"]
    assert listed.returncode == DONE_WITH_ERRORS
    assert listed.stderr.count("broken.yaml") == 1, listed.stderr
    crawled = scrapy("crawl", "broken", env=env, check=False)
    assert crawled.returncode == FAILED
    line = one_line(crawled.stderr)
    assert crawled.stderr.count("broken.yaml") == 1, crawled.stderr
    assert "regular expression" in line
    assert "'colour': unknown field" in line


def test_replay_of_nothing_readable_exits_2(tmp_path):
    missing = scrapy("replay", str(tmp_path / "nope.warc.gz"), check=False)
    assert missing.returncode == FAILED
    assert "no such file" in one_line(missing.stderr)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no WARC files" in one_line(scrapy("replay", str(empty), check=False).stderr)
    text = tmp_path / "notes.warc.gz"
    text.write_text("not a WARC file\n", encoding="utf-8")
    env = {"DATA_DIR": str(tmp_path / "data")}
    result = scrapy("replay", str(text), env=env, check=False)
    assert result.returncode == FAILED
    assert "no WARC record could be read" in one_line(result.stderr)


def test_extract_without_any_article_exits_2(tmp_path):
    result = scrapy("extract", str(tmp_path / "missing.html"), check=False)
    assert result.returncode == FAILED
    assert "Traceback" not in result.stderr
