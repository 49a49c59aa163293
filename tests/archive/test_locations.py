"""Finding a site's response records by URL in the WARCs written since a moment or by a dead
process (``archive.locations``), and reading one back as received (``read_record(decode=False)``)."""

from __future__ import annotations

import gzip
import os
import socket
from datetime import UTC, datetime

from archive import ReadStats, read_record
from archive.locations import date_of, ok_responses, stamp_of, written_by, written_since
from archive.writer import host_label
from tests.archive.factory import (
    ARTICLE_HTML,
    fixed_clock,
    gzip_response,
    make_writer,
    plain_response,
    request,
)

A, B, C, D = (f"http://county.test/2020/0{i}/1.html" for i in (1, 2, 3, 4))


def test_stamp_of_a_warc_date_with_or_without_microseconds():
    assert stamp_of("2026-12-04T15:36:26.123456Z") == "20261204153626123456"
    assert stamp_of("2026-12-04T15:36:26Z") == "20261204153626000000"


def test_only_the_sites_closed_files_opened_since_the_moment_are_read(tmp_path):
    directory = tmp_path / "warc"
    for prefix, day in (("crawl-county", 1), ("crawl-county", 3), ("crawl-county_gov", 3)):
        clock = fixed_clock(datetime(2020, 2, day, 1, 0, 0, tzinfo=UTC))
        writer = make_writer(directory, prefix=prefix, now=clock)
        writer.write_exchange(request(A), plain_response(A, b"<p>a</p>"))
        writer.close()
    live = make_writer(directory, prefix="crawl-county", now=fixed_clock(datetime(2020, 2, 4)))
    live.write_exchange(request(A), plain_response(A, b"<p>a</p>"))  # .open: being written
    try:
        files = written_since(directory, "crawl-county", "2020-02-02T00:00:00Z")
    finally:
        live.close()
    assert [f.name[:33] for f in files] == ["crawl-county-20200203010000000000"]
    assert written_since(tmp_path / "none", "crawl-county", "2020-02-02T00:00:00Z") == []


def test_the_last_whole_200_response_of_each_wanted_url_since_the_moment(tmp_path):
    directory = tmp_path / "warc"
    writer = make_writer(directory, prefix="crawl-county")  # its clock: one second a call
    writer.write_exchange(request(D), plain_response(D, b"<p>d</p>"))  # before the moment
    since = writer.write_exchange(request(A), plain_response(A, b"<p>a</p>")).date
    first_b = writer.write_exchange(request(B), plain_response(B, b"<p>b</p>"))
    last_b = writer.write_exchange(request(B), plain_response(B, b"<p>b</p>"))
    writer.write_exchange(request(C), plain_response(C, b"gone", status=404))
    writer.write_request_only(request(C))
    skipped = writer.write_exchange(request(C + "?x"), plain_response(C + "?x", b"<p>c</p>"))
    writer.close()
    stats = ReadStats()
    found = ok_responses(
        written_since(directory, "crawl-county", "2020-02-25T00:00:00Z"),
        lambda url: not url.endswith("?x"),
        since,
        stats,
    )
    assert set(found) == {A, B}
    assert (
        found[B]
        == (last_b.file, last_b.offset, last_b.length)
        != (first_b.file, first_b.offset, first_b.length)
    )
    assert skipped.offset not in {offset for _, offset, _ in found.values()}
    assert stats.skipped == {}
    file, offset, length = found[A]
    capture = read_record(directory / file, offset)
    assert (capture.url, capture.body, capture.length) == (A, b"<p>a</p>", length)


def test_a_record_read_back_as_received_keeps_its_content_encoding(writer, tmp_path):
    ref = writer.write_exchange(request(A), gzip_response(A))
    writer.close()
    raw = read_record(writer.directory / ref.file, ref.offset, decode=False, verify_digest=True)
    decoded = read_record(writer.directory / ref.file, ref.offset)
    assert raw.header("Content-Encoding") == "gzip"
    assert raw.header("Transfer-Encoding") is None  # framing is the transport's, not the page's
    assert gzip.decompress(raw.body).decode("utf-8") == ARTICLE_HTML
    assert decoded.body.decode("utf-8") == ARTICLE_HTML
    assert decoded.header("Content-Encoding") is None
    assert (raw.record_id, raw.date, raw.length) == (ref.record_id, ref.date, ref.length)


def test_a_dead_process_files_include_its_open_file_once_no_writer_holds_it(tmp_path):
    directory = tmp_path / "warc"
    live = make_writer(directory, prefix="crawl-county")
    ref = live.write_exchange(request(A), plain_response(A, b"<p>a</p>"))
    host, pid = host_label(socket.gethostname()), os.getpid()
    try:
        assert written_by(directory, "crawl-county", socket.gethostname(), pid) == []  # held
        # the same bytes left by a process killed mid-write: unlocked, a partial record at the end
        opened = directory / f"{ref.file}.open"
        dead = directory / (ref.file.replace(f"-{host}-{pid}.", f"-{host}-99999999.") + ".open")
        dead.write_bytes(opened.read_bytes() + b"\x1f\x8b\x08\x00partial")
    finally:
        live.close()
    files = written_by(directory, "crawl-county", socket.gethostname(), 99999999)
    assert files == [dead]
    stats = ReadStats()
    found = ok_responses(files, lambda url: True, "", stats)
    assert found == {A: (dead.name.removesuffix(".open"), ref.offset, ref.length)}
    assert sum(stats.skipped.values()) == 1  # the partial record, counted
    assert date_of(dead) == "2020-02-25T01:00:00.000000Z"
