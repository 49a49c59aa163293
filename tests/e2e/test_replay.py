"""``scrapy replay`` end to end (issue 3): the crawl's WARCs replayed into a fresh database give
the crawl's export again, wget's WARCs of the same portals give the same articles, damaged WARCs
lose only the damaged record, and ``--diff`` reports changes without storing anything."""

from __future__ import annotations

import gzip
import json
import re
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import copy_database, scrapy

# fields of an article that depend on what was extracted, not on when/where it was captured
CONTENT_FIELDS = (
    "id", "url", "site", "title", "published", "author", "source", "editor", "text",
    "text_original", "script", "content_hash", "duplicate_of", "cluster",
)  # fmt: skip


def replay_and_export(
    root: Path, sites: str, *warcs: str, extra: tuple[str, ...] = ()
) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    """``scrapy replay`` into a fresh DATA_DIR under ``root``, then ``scrapy export``."""
    env = {"DATA_DIR": str(root / "data"), "SITES_DIR": sites}
    result = scrapy("replay", *extra, *warcs, env=env)
    out = root / "export.jsonl"
    scrapy("export", "-o", str(out), env=env)
    return result, [json.loads(line) for line in out.read_text("utf-8").splitlines()]


# --- 1. replay of the crawl's WARCs into a fresh database ------------------------------------


@pytest.fixture(scope="module")
def replayed(crawled, tmp_path_factory):
    root = tmp_path_factory.mktemp("replay")
    result, articles = replay_and_export(
        root, crawled["env"]["SITES_DIR"], str(crawled["data"] / "warc")
    )
    return {"result": result, "articles": articles, "root": root}


def test_replay_into_fresh_database_gives_the_crawl_export(crawled, replayed):
    crawl = {a["id"]: a for a in crawled["articles"]}
    again = {a["id"]: a for a in replayed["articles"]}
    assert len(crawl) == len(crawled["articles"]) > 100
    assert set(again) == set(crawl)
    differences = [
        (aid, name, crawl[aid][name], again[aid][name])
        for aid in crawl
        for name in crawl[aid]
        if crawl[aid][name] != again[aid][name]
    ]
    assert differences == [], differences[:5]
    assert tuple(replayed["articles"][0]) == tuple(crawled["articles"][0])  # same field order


def test_replay_keeps_fetched_time_and_record_location(crawled, replayed):
    crawl = {a["id"]: a for a in crawled["articles"]}
    for article in replayed["articles"]:
        assert article["fetched"] == crawl[article["id"]]["fetched"]
        assert article["warc"] == crawl[article["id"]]["warc"]
        assert (crawled["data"] / "warc" / article["warc"]["file"]).is_file()


def test_replay_reports_what_it_stored(crawled, replayed):
    stderr = replayed["result"].stderr
    assert f"{len(crawled['articles'])} articles stored" in stderr
    assert f"store/new: {len(crawled['articles'])}" in stderr
    assert "damaged" not in stderr


def test_replay_in_reverse_file_order_gives_the_same_export(crawled, tmp_path):
    """Dedup (duplicate_of, cluster) does not depend on the order records are replayed in."""
    files = sorted((str(p) for p in (crawled["data"] / "warc").glob("*.warc.gz")), reverse=True)
    _, articles = replay_and_export(tmp_path, crawled["env"]["SITES_DIR"], *files)
    assert sorted(articles, key=lambda a: a["id"]) == sorted(
        crawled["articles"], key=lambda a: a["id"]
    )


def test_replay_again_into_the_same_database_changes_nothing(crawled, replayed, tmp_path):
    copy_database(replayed["root"] / "data", tmp_path)  # its own copy of the replayed database
    result, articles = replay_and_export(
        tmp_path, crawled["env"]["SITES_DIR"], str(crawled["data"] / "warc")
    )
    assert f"store/unchanged: {len(crawled['articles'])}" in result.stderr
    assert "store/new" not in result.stderr
    assert articles == replayed["articles"]
    db = sqlite3.connect(tmp_path / "data" / "articles.db")
    try:
        assert db.execute("SELECT count(*) FROM article_versions").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM captures").fetchone() == (len(articles),)
    finally:
        db.close()


# --- 2. WARCs written by wget ----------------------------------------------------------------


def wget_urls(sites_dir: str) -> list[list[str]]:
    """Per profile: its start URLs, then its sitemaps and feeds as extra start URLs (wget only
    follows links in HTML, so a sitemap or feed is fetched but not followed)."""
    starts = []
    for path in sorted(Path(sites_dir).glob("*.yaml")):
        profile = yaml.safe_load(path.read_text("utf-8"))
        starts.append(
            [*profile["start_urls"], *profile.get("sitemaps", []), *profile.get("feeds", [])]
        )
    return starts


@pytest.fixture(scope="module")
def wget_replay(crawled, tmp_path_factory):
    """wget crawls every portal (in parallel, each into its own WARC), then replay + export.

    No ``--no-parent``: the portals' articles live outside their list pages' folders. Each
    portal is its own host:port, so recursion stays inside one portal.
    """
    root = tmp_path_factory.mktemp("wget")
    procs = []
    for i, urls in enumerate(wget_urls(crawled["env"]["SITES_DIR"])):
        cmd = [
            "wget", f"--warc-file={root}/wget{i}", "--recursive", "--level=inf",
            "-e", "robots=on", "--no-verbose", "--directory-prefix", str(root / f"site{i}"),
            *urls,
        ]  # fmt: skip
        procs.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
    for proc in procs:
        proc.communicate(timeout=120)  # wget exits 8 when a link 404s: not an error here
    warcs = sorted(str(p) for p in root.glob("wget*.warc.gz"))
    assert len(warcs) == len(procs)
    result, articles = replay_and_export(root / "replay", crawled["env"]["SITES_DIR"], *warcs)
    return {"result": result, "articles": articles, "warcs": warcs}


def test_wget_warcs_have_angle_bracket_target_uris(wget_replay):
    # the quirk the reader must handle (warcio hides it, so look at the bytes)
    with gzip.open(wget_replay["warcs"][0]) as stream:
        uris = re.findall(rb"WARC-Target-URI: (\S+)", stream.read())
    assert uris
    assert all(u.startswith(b"<") and u.endswith(b">") for u in uris)
    assert any(u.startswith(b"<http://") for u in uris)


def test_replay_of_wget_warcs_finds_95_percent_of_articles(crawled, wget_replay):
    exported = {a["url"]: a for a in wget_replay["articles"]}
    truth = crawled["truth"]
    right = [t for t in truth if t["url"] in exported and exported[t["url"]]["title"] == t["title"]]
    missing = [t["url"] for t in truth if t["url"] not in exported]
    share = len(right) / len(truth)
    assert share >= 0.95, f"{share:.3f} right; missing {missing[:5]}"
    assert all(a["warc"]["file"].startswith("wget") for a in wget_replay["articles"])


def test_wget_replay_extracts_what_the_crawl_extracted(crawled, wget_replay):
    crawl = {a["url"]: a for a in crawled["articles"]}
    differences = [
        (a["url"], name, crawl[a["url"]][name], a[name])
        for a in wget_replay["articles"]
        if a["url"] in crawl
        for name in CONTENT_FIELDS
        if crawl[a["url"]][name] != a[name]
    ]
    assert differences == [], differences[:5]


# --- 3. damaged WARCs ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def damaged(crawled, tmp_path_factory):
    """The gzip-serving portal's WARC, truncated inside an article's response record (a) and
    with bytes overwritten inside that record's gzip member (b); each replayed alone."""
    root = tmp_path_factory.mktemp("damaged")
    source = next((crawled["data"] / "warc").glob("crawl-demo_zaozhuang-*.warc.gz"))
    mine = sorted(
        (a for a in crawled["articles"] if a["warc"]["file"] == source.name),
        key=lambda a: a["warc"]["offset"],
    )
    victim = mine[len(mine) // 2]["warc"]
    middle = victim["offset"] + victim["length"] // 2
    data = source.read_bytes()
    out = {"victim": victim, "mine": mine, "name": source.name}
    for kind in ("truncated", "corrupt"):
        folder = root / kind
        folder.mkdir()
        if kind == "truncated":
            damaged_bytes = data[:middle]
        else:
            damaged_bytes = data[:middle] + b"\xff" * 16 + data[middle + 16 :]
        (folder / source.name).write_bytes(damaged_bytes)
        result, articles = replay_and_export(
            folder, crawled["env"]["SITES_DIR"], str(folder / source.name)
        )
        out[kind] = {"result": result, "articles": articles}
    return out


@pytest.mark.parametrize("kind", ["truncated", "corrupt"])
def test_damaged_warc_replays_with_a_message_naming_file_and_offset(damaged, kind):
    result = damaged[kind]["result"]
    assert result.returncode == 0
    reason = "truncated_gzip" if kind == "truncated" else "corrupt_gzip"
    assert f"damaged: {damaged['name']}:{damaged['victim']['offset']}: {reason}" in result.stderr


@pytest.mark.parametrize("kind", ["truncated", "corrupt"])
def test_damaged_warc_keeps_every_article_outside_the_damage(damaged, kind):
    offset = damaged["victim"]["offset"]
    before = {a["url"] for a in damaged["mine"] if a["warc"]["offset"] < offset}
    after = {a["url"] for a in damaged["mine"] if a["warc"]["offset"] > offset}
    stored = {a["url"]: a for a in damaged[kind]["articles"]}
    assert before
    assert after
    if kind == "truncated":
        assert set(stored) == before
    else:
        assert set(stored) == before | after
    crawl = {a["url"]: a for a in damaged["mine"]}
    for url, article in stored.items():
        assert article["warc"] == crawl[url]["warc"]
        assert article["text"] == crawl[url]["text"]


# --- 4. replay --diff ------------------------------------------------------------------------


def db_dump(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return list(db.iterdump())
    finally:
        db.close()


def diff_table(stdout: str) -> dict[str, list[str]]:
    """``site -> [added, lost, changed, same, fields...]`` from the ``--diff`` table."""
    lines = stdout.strip().splitlines()
    assert lines[0].split()[:5] == ["site", "added", "lost", "changed", "same"], stdout
    return {line.split()[0]: line.split()[1:] for line in lines[1:]}


@pytest.fixture
def diff_copy(crawled, tmp_path):
    """A copy of the crawl's database in a DATA_DIR of its own, one per test (a test edits it)."""
    copy_database(crawled["data"], tmp_path)
    return tmp_path


def run_diff(crawled, root: Path) -> subprocess.CompletedProcess[str]:
    env = {"DATA_DIR": str(root / "data"), "SITES_DIR": crawled["env"]["SITES_DIR"]}
    return scrapy("replay", "--diff", str(crawled["data"] / "warc"), env=env)


def test_diff_after_no_change_reports_nothing_for_every_site(crawled, diff_copy):
    table = diff_table(run_diff(crawled, diff_copy).stdout)
    assert set(table) == {t["site"] for t in crawled["truth"]}
    for site, row in table.items():
        same = sum(a["site"] == site for a in crawled["articles"])
        assert row == ["0", "0", "0", str(same)], (site, row)


def test_diff_reports_an_edited_title_and_stores_nothing(crawled, diff_copy):
    path = diff_copy / "data" / "articles.db"
    target = crawled["articles"][0]
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE articles SET title = 'x' WHERE id = ?", (target["id"],))
    db.close()
    before = db_dump(path)
    result = run_diff(crawled, diff_copy)
    assert db_dump(path) == before
    assert ", 0 articles stored" in result.stderr
    table = diff_table(result.stdout)
    assert set(table) == {t["site"] for t in crawled["truth"]}
    for site, row in table.items():
        same = sum(a["site"] == site for a in crawled["articles"])
        if site == target["site"]:
            assert row == ["0", "0", "1", str(same - 1), "title", "1"], row
        else:
            assert row == ["0", "0", "0", str(same)], (site, row)
