"""``scrapy export``: JSONL, JSONL.gz and Parquet with the same columns, --site, --since, and a
dataset card; ``scrapy extract`` on a saved page."""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq

from model.items import EXPORT_FIELDS
from tests.helpers import copy_database, scrapy


def read_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as stream:
        return [json.loads(line) for line in stream]


def test_jsonl_gz_and_parquet_hold_the_same_records(crawled, tmp_path):
    env = crawled["env"]
    scrapy("export", "-o", str(tmp_path / "a.jsonl.gz"), env=env)
    scrapy("export", "-o", str(tmp_path / "a.parquet"), env=env)
    records = read_jsonl(tmp_path / "a.jsonl.gz")
    assert records == crawled["articles"]
    table = pq.read_table(tmp_path / "a.parquet")
    assert tuple(table.schema.names) == EXPORT_FIELDS
    assert table.to_pylist() == records


def test_site_and_since_filters_and_the_dataset_card(crawled, tmp_path):
    env = {**crawled["env"], **copy_database(crawled["data"], tmp_path / "copy")}
    site = crawled["articles"][0]["site"]
    out = tmp_path / "one.jsonl"
    scrapy("export", "-o", str(out), "--site", site, env=env)
    one = read_jsonl(out)
    assert one
    assert {r["site"] for r in one} == {site}
    card = (tmp_path / "one.card.md").read_text(encoding="utf-8")
    assert f"| {site} | {len(one)} |" in card

    # move half of the articles' capture time into the past (in this test's own copy of the
    # database): --since keeps the other half
    db = sqlite3.connect(Path(env["DATA_DIR"]) / "articles.db")
    try:
        old = [r["id"] for r in crawled["articles"][::2]]
        db.executemany("UPDATE articles SET fetched = '2001-01-01T00:00:00Z' WHERE id = ?",
                       [(i,) for i in old])  # fmt: skip
        db.commit()
    finally:
        db.close()
    since = tmp_path / "since.jsonl"
    scrapy("export", "-o", str(since), "--since", "2010-01-01", env=env)
    kept = {r["id"] for r in read_jsonl(since)}
    assert kept == {r["id"] for r in crawled["articles"]} - set(old)


def test_unknown_export_format_is_refused(crawled, tmp_path):
    result = scrapy("export", "-o", str(tmp_path / "a.csv"), env=crawled["env"], check=False)
    assert result.returncode != 0
    assert ".parquet" in result.stderr


def test_extract_prints_the_article_of_a_saved_page(simulator, tmp_path):
    url, _headers, body, truth = next(iter(simulator.pages()))
    page = tmp_path / "page.html"
    page.write_bytes(body)
    sites = tmp_path / "sites"
    simulator.write_profiles(sites)
    result = scrapy("extract", str(page), "--url", url, "--site", truth["site"],
                    env={"SITES_DIR": str(sites)})  # fmt: skip
    record = json.loads(result.stdout)
    assert "warc" not in record
    assert record["title"] == truth["title"]
    assert record["published"] == truth["published"]
