"""Crawl every simulator portal end to end, then compare the export with the ground truth."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

from model.items import EXPORT_FIELDS


def test_export_has_design_fields(crawled):
    assert crawled["articles"], crawled["logs"]
    for record in crawled["articles"]:
        assert tuple(record) == EXPORT_FIELDS


def test_at_least_95_percent_of_articles_with_right_url_and_title(crawled):
    exported = {a["url"]: a for a in crawled["articles"]}
    truth = crawled["truth"]
    right = [t for t in truth if t["url"] in exported and exported[t["url"]]["title"] == t["title"]]
    missing = [t["url"] for t in truth if t["url"] not in exported]
    wrong = [
        (t["title"], exported[t["url"]]["title"])
        for t in truth
        if t["url"] in exported and exported[t["url"]]["title"] != t["title"]
    ]
    share = len(right) / len(truth)
    assert share >= 0.95, f"{share:.3f} right; missing {missing[:5]}, wrong titles {wrong[:5]}"


def test_every_site_is_crawled_and_known_to_the_export(crawled):
    sites = {a["site"] for a in crawled["articles"]}
    assert sites == {t["site"] for t in crawled["truth"]}


def test_every_warc_passes_warcio_check_and_gzip(crawled):
    files = sorted(Path(crawled["data"], "warc").glob("*.warc.gz"))
    assert len(files) >= len({t["site"] for t in crawled["truth"]})
    assert not list(Path(crawled["data"], "warc").glob("*.open")), "a WARC was left open"
    warcio = [str(Path(sys.executable).parent / "warcio"), "check", "-v"]
    for path in files:
        result = subprocess.run([*warcio, str(path)], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
        with gzip.open(path) as stream:  # every member decompresses to the end (warcio#138)
            while stream.read(1 << 20):
                pass


def test_every_article_points_at_its_response_record(crawled):
    from archive import read_record

    for record in crawled["articles"][:40]:
        warc = record["warc"]
        capture = read_record(Path(crawled["data"], "warc", warc["file"]), warc["offset"])
        assert capture.url == record["url"]
        assert capture.record_type == "response"


def test_robots_disallowed_pages_are_never_requested(crawled, simulator):
    assert not [url for _, url, _ in simulator.requests() if "/admin/" in url]
