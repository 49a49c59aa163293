"""``scrapy export``: JSONL, JSONL.gz and Parquet with the same columns, --site, --since, and a
dataset card; ``scrapy extract`` on a saved page."""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from crawler.commands.export import card_path, parse_since, since_key
from crawler.status import CommandError
from model.items import EXPORT_FIELDS
from tests.commands.test_exit_status import one_line
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
    card = (tmp_path / "one.jsonl.card.md").read_text(encoding="utf-8")
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


def test_extract_without_site_cuts_a_dash_site_suffix(tmp_path):
    page = tmp_path / "page.html"
    body = "".join(
        f"<p>会议要求各乡镇抓好春耕生产第{n}项工作，确保粮食稳产增产。</p>" for n in range(8)
    )
    page.write_text(
        "<html><head><meta charset='utf-8'><title>县里召开春耕生产工作推进会——某县网</title>"
        f"</head><body><div class='content'>{body}</div></body></html>",
        encoding="utf-8",
    )
    record = json.loads(scrapy("extract", str(page)).stdout)
    assert record["title"] == "县里召开春耕生产工作推进会"


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


@pytest.mark.parametrize(
    ("value", "utc"),
    [
        ("2026-12-02", "2026-12-01T16:00:00"),  # midnight in Asia/Shanghai
        ("2026-12-02T08:00:00+08:00", "2026-12-02T00:00:00"),
        ("2026-12-02T00:00:00Z", "2026-12-02T00:00:00"),
        ("2026-12-02T00:00:00+00:00", "2026-12-02T00:00:00"),
        ("2026-12-02T09:30", "2026-12-02T01:30:00"),  # no offset: Asia/Shanghai
    ],
)
def test_since_is_an_instant(value, utc):
    assert since_key(parse_since(value)) == utc


@pytest.mark.parametrize("value", ["garbage", "2026-13-45", "yesterday", "2026-12-02T25:00"])
def test_since_refuses_what_does_not_parse(value):
    with pytest.raises(CommandError, match="is not a date"):
        parse_since(value)


def test_since_compares_instants_whatever_the_offset(crawled, tmp_path):
    env = {**crawled["env"], **copy_database(crawled["data"], tmp_path / "copy")}
    ids = [r["id"] for r in crawled["articles"]]
    # WARC dates: UTC, with or without fractions of a second
    dates = ["2026-12-01T23:59:59.999999Z", "2026-12-02T00:00:00Z", "2026-12-02T00:00:00.5Z"]
    db = sqlite3.connect(Path(env["DATA_DIR"]) / "articles.db")
    try:
        db.executemany("UPDATE articles SET fetched = ? WHERE id = ?",
                       [(dates[i % 3], aid) for i, aid in enumerate(ids)])  # fmt: skip
        db.commit()
    finally:
        db.close()
    later = {aid for i, aid in enumerate(ids) if i % 3}
    for since in ("2026-12-02T08:00:00+08:00", "2026-12-02T00:00:00Z", "2026-12-02T00:00Z"):
        out = tmp_path / "since.jsonl"
        scrapy("export", "-o", str(out), "--since", since, env=env)
        assert {r["id"] for r in read_jsonl(out)} == later, since
    for bad in ("garbage", "2026-13-45", "yesterday"):
        result = scrapy("export", "-o", str(tmp_path / "x.jsonl"), "--since", bad, env=env,
                        check=False)  # fmt: skip
        assert result.returncode == 2
        assert bad in one_line(result.stderr)
    assert not (tmp_path / "x.jsonl").exists()


def test_each_export_file_has_its_own_card(crawled, tmp_path):
    env = crawled["env"]
    site = crawled["articles"][0]["site"]
    scrapy("export", "-o", str(tmp_path / "x.parquet"), env=env)
    scrapy("export", "-o", str(tmp_path / "x.jsonl.gz"), "--site", site, env=env)
    assert card_path(tmp_path / "x.parquet") != card_path(tmp_path / "x.jsonl.gz")
    whole = card_path(tmp_path / "x.parquet").read_text(encoding="utf-8")
    one = card_path(tmp_path / "x.jsonl.gz").read_text(encoding="utf-8")
    assert "# Dataset card: x.parquet" in whole
    assert "site = all" in whole
    assert f"site = {site}" in one


def test_export_to_an_unwritable_path_or_unknown_site_exits_2(crawled, tmp_path):
    env = crawled["env"]
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    # under a file, and a name an existing folder holds (even root cannot open that as a file)
    taken = tmp_path / "taken.jsonl"
    taken.mkdir()
    for target in (blocker / "x.jsonl", taken):
        result = scrapy("export", "-o", str(target), env=env, check=False)
        assert result.returncode == 2, result.stderr
        assert f"cannot write {target}" in one_line(result.stderr)
    unknown = scrapy("export", "-o", str(tmp_path / "u.jsonl"), "--site", "nosuchsite", env=env,
                     check=False)  # fmt: skip
    assert unknown.returncode == 2
    assert "unknown site 'nosuchsite'" in one_line(unknown.stderr)
