"""The crawl's WARCs in other archive tools (issue 3): pywb replays the served bytes, the
gzip portal is captured below decompression, ``scrapy wacz`` packages a valid WACZ, and
``index.cdxj`` indexes every response and revisit record."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.records import ascii_url
from tests.helpers import scrapy
from tests.pywb import get_full, wayback_server

BIN = Path(sys.executable).parent


def warc_files(crawled) -> list[Path]:
    return sorted((crawled["data"] / "warc").glob("*.warc.gz"))


def served(url: str, accept_encoding: str = "identity") -> bytes:
    """The body the simulator serves for ``url`` now, as sent on the wire."""
    req = urllib.request.Request(url, headers={"Accept-Encoding": accept_encoding})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.read()


def timestamp(iso: str) -> str:
    return "".join(ch for ch in iso if ch.isdigit())[:14]


# --- 5. pywb over the crawl ------------------------------------------------------------------


@pytest.fixture(scope="module")
def wayback(crawled, tmp_path_factory):
    """Collection ``coll`` of every crawl WARC (``wb-manager init/add``) served by pywb."""
    root = tmp_path_factory.mktemp("pywb")
    with wayback_server(root, "coll", warc_files(crawled)) as base:
        yield base


def some_articles(crawled, per_site: int = 2) -> list[dict]:
    """The first ``per_site`` exported articles of every site (the GBK, GB18030 and gzip
    portals included)."""
    chosen: dict[str, list[dict]] = {}
    for article in crawled["articles"]:
        group = chosen.setdefault(article["site"], [])
        if len(group) < per_site:
            group.append(article)
    return [a for group in chosen.values() for a in group]


def test_pywb_replays_the_bytes_the_portal_serves(crawled, wayback):
    """``id_`` asks pywb for the original payload. Asked for identity, pywb gives the
    decoded body; that is compared with what the simulator sends to a client that does not
    accept gzip (for the gzip portal the archived gzip bytes are checked in the next test)."""
    articles = some_articles(crawled)
    assert len({a["site"] for a in articles}) == len({t["site"] for t in crawled["truth"]})
    for article in articles:
        url = f"{wayback}/{timestamp(article['fetched'])}id_/{ascii_url(article['url'])}"
        status, headers, body = get_full(url)
        assert status == 200, (url, body[:300])
        assert body == served(article["url"]), article["url"]
        assert "Memento-Datetime" in headers


def test_pywb_lists_the_crawl_captures(crawled, wayback):
    article = crawled["articles"][0]
    status, _, body = get_full(f"{wayback}/cdx?url={article['url']}&output=json")
    assert status == 200
    lines = [json.loads(line) for line in body.decode().splitlines()]
    assert [line["filename"] for line in lines] == [article["warc"]["file"]]
    assert int(lines[0]["offset"]) == article["warc"]["offset"]


# --- 6. capture below decompression (demo_zaozhuang serves gzip) -----------------------------


def responses(path: Path) -> list[tuple[str, list[tuple[str, str]], bytes]]:
    """(url, HTTP headers, raw payload as on the wire) of every response record."""
    out = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                url = record.rec_headers.get_header("WARC-Target-URI")
                out.append((url, record.http_headers.headers, record.raw_stream.read()))
    return out


def test_gzip_portal_is_archived_with_its_content_encoding(crawled):
    path = next(p for p in warc_files(crawled) if "demo_zaozhuang" in p.name)
    records = responses(path)
    articles = {a["url"] for a in crawled["articles"] if a["site"] == "demo_zaozhuang"}
    archived = [r for r in records if r[0] in articles]
    assert len(archived) == len(articles) > 0
    for url, headers, payload in archived:
        names = {k.lower(): v for k, v in headers}
        assert names.get("content-encoding") == "gzip", url
        assert payload[:2] == b"\x1f\x8b", url
        assert int(names["content-length"]) == len(payload)
        assert payload == served(url, "gzip, deflate"), url  # the exact bytes on the wire
        assert gzip.decompress(payload) == served(url)


def test_other_portals_are_archived_without_content_encoding(crawled):
    path = next(p for p in warc_files(crawled) if "demo_suyu" in p.name)
    for url, headers, payload in responses(path):
        assert "content-encoding" not in {k.lower() for k, _ in headers}, url
        assert payload[:2] != b"\x1f\x8b"


def test_warcio_check_passes_on_the_gzip_portal_warc(crawled):
    path = next(p for p in warc_files(crawled) if "demo_zaozhuang" in p.name)
    result = subprocess.run(
        [str(BIN / "warcio"), "check", "-v", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "digest pass" in result.stdout


# --- 7. scrapy wacz --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wacz(crawled, tmp_path_factory):
    out = tmp_path_factory.mktemp("wacz") / "x.wacz"
    result = scrapy("wacz", "-o", str(out), str(crawled["data"] / "warc"), env=crawled["env"])
    return out, result


def test_wacz_command_writes_a_valid_wacz(wacz):
    out, result = wacz
    assert result.returncode == 0
    assert f"{out}: valid WACZ" in result.stderr
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        assert "datapackage.json" in names
        assert "pages/pages.jsonl" in names
        assert any(n.startswith("indexes/") for n in names)
        package = json.loads(zf.read("datapackage.json"))
    assert package["wacz_version"] == "1.1.1"
    listed = {resource["path"] for resource in package["resources"]}
    assert "pages/pages.jsonl" in listed
    assert {f"archive/{p.name}" for p in warc_files_of(out)} <= listed


def warc_files_of(wacz_path: Path) -> list[Path]:
    with zipfile.ZipFile(wacz_path) as zf:
        return [Path(n) for n in zf.namelist() if n.startswith("archive/")]


def test_wacz_holds_every_crawl_warc_and_lists_every_article_page(crawled, wacz):
    out, _ = wacz
    assert {p.name for p in warc_files_of(out)} == {p.name for p in warc_files(crawled)}
    with zipfile.ZipFile(out) as zf:
        lines = [json.loads(line) for line in zf.read("pages/pages.jsonl").splitlines()]
    assert lines[0]["format"] == "json-pages-1.0"
    pages = {line["url"] for line in lines[1:]}
    assert {ascii_url(a["url"]) for a in crawled["articles"]} <= pages


def test_wacz_command_without_warcs_fails_cleanly(tmp_path):
    env = {"DATA_DIR": str(tmp_path / "data")}
    result = scrapy("wacz", "-o", str(tmp_path / "y.wacz"), env=env, check=False)
    assert result.returncode == 2  # nothing could be done
    assert f"{tmp_path / 'data' / 'warc'}: no such file or folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "y.wacz").exists()


# --- 8. the CDXJ index -----------------------------------------------------------------------


def test_index_cdxj_has_one_line_per_response_and_revisit_record(crawled):
    expected = set()
    for path in warc_files(crawled):
        with path.open("rb") as stream:
            records = ArchiveIterator(stream)
            for record in records:
                if record.rec_type in ("response", "revisit"):
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    expected.add((path.name, records.get_record_offset(), url))
    lines = (crawled["data"] / "index.cdxj").read_text("utf-8").splitlines()
    indexed = []
    for line in lines:
        _key, ts, fields = line.split(" ", 2)
        data = json.loads(fields)
        indexed.append((data["filename"], int(data["offset"]), data["url"]))
        assert len(ts) == 14
    assert len(indexed) == len(expected) > 100
    assert set(indexed) == expected
    assert lines == sorted(lines)
