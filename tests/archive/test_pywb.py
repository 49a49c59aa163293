"""pywb indexes and replays our WARCs: ``wb-manager init/add``, then ``wayback`` (started
through ``tests.pywb``, which explains why pywb needs a launcher here)."""

from __future__ import annotations

import pytest

from archive.reader import read_record
from archive.records import ascii_url
from tests.archive.factory import (
    ARTICLE_HTML,
    gzip_response,
    make_writer,
    plain_response,
    request,
)
from tests.pywb import get, get_full, wayback_server


@pytest.fixture
def wayback(tmp_path):
    """A collection ``t`` holding one WARC, served by pywb; yields (base URL, refs)."""
    w = make_writer(tmp_path / "warc")
    gbk = "<p>中文 GBK 页面</p>".encode("gbk")
    refs = {
        "gzip": w.write_exchange(request(), gzip_response()),
        "plain": w.write_exchange(
            request("http://example.test/gbk.shtml"),
            plain_response("http://example.test/gbk.shtml", gbk),
        ),
    }
    original = read_record(w.directory / (refs["gzip"].file + ".open"), refs["gzip"].offset)
    refs["revisit"] = w.write_revisit(
        request(),
        gzip_response(),
        gzip_response().url,
        refs["gzip"].date,
        "identical-payload-digest",
        payload_digest=original.payload_digest,
    )
    w.close()
    with wayback_server(tmp_path, "t", w.files) as base:
        yield base, refs, gbk


def timestamp(warc_date: str) -> str:
    return "".join(ch for ch in warc_date if ch.isdigit())[:14]


def test_pywb_replays_bodies_byte_identical(wayback):
    base, refs, gbk = wayback
    status, body = get(f"{base}/{timestamp(refs['plain'].date)}id_/http://example.test/gbk.shtml")
    assert status == 200
    assert body == gbk
    url = ascii_url(gzip_response().url)
    status, body = get(f"{base}/{timestamp(refs['gzip'].date)}id_/{url}")
    assert status == 200
    assert body == ARTICLE_HTML.encode("utf-8")  # pywb serves the decoded payload for identity


def test_pywb_resolves_identical_payload_revisit(wayback):
    base, refs, _ = wayback
    url = ascii_url(gzip_response().url)
    status, headers, body = get_full(f"{base}/{timestamp(refs['revisit'].date)}id_/{url}")
    assert status == 200
    assert headers["Memento-Datetime"] == "Tue, 25 Feb 2020 01:00:04 GMT"  # the revisit's time
    assert body == ARTICLE_HTML.encode("utf-8")
