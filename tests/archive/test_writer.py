from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest

from archive.reader import ReadStats, iter_captures, read_record
from archive.records import HttpRequestData
from tests.archive.factory import (
    ARTICLE_HTML,
    ARTICLE_URL,
    gzip_response,
    make_writer,
    plain_response,
    request,
)

WARCIO = str(Path(sys.executable).with_name("warcio"))


def warcio_check(path: Path) -> None:
    result = subprocess.run(
        [WARCIO, "check", "-v", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "digest fail" not in result.stdout


def gzip_test(path: Path) -> None:
    assert subprocess.run(["gzip", "-t", str(path)], check=False).returncode == 0


def records(path: Path) -> list[bytes]:
    """Each record's raw head (decompressed member by member)."""
    with gzip.open(path, "rb") as fh:
        text = fh.read()
    return [b"WARC/1.1" + part for part in text.split(b"WARC/1.1")[1:]]


def test_exchange_revisit_and_request_only_make_a_valid_file(tmp_path):
    w = make_writer(tmp_path, info={"profile": "demo_shengzhou"})
    ref = w.write_exchange(request(), gzip_response())
    rev = w.write_revisit(
        request(), plain_response(ref_url := gzip_response().url, b"", 304), ref_url, ref.date
    )
    failed = w.write_request_only(HttpRequestData("GET", "http://dns-fails.test/"))
    assert w.files == []
    w.close()
    [path] = w.files
    assert path.name.endswith(".warc.gz")
    assert not list(tmp_path.glob("*.open"))
    assert ref.file == rev.file == failed.file == path.name
    warcio_check(path)
    gzip_test(path)
    heads = records(path)
    assert all(h.startswith(b"WARC/1.1\r\n") for h in heads)
    assert b"WARC-Type: warcinfo" in heads[0]
    assert b"software: countynews/" in heads[0]
    assert b"profile: demo_shengzhou" in heads[0]
    types = [h.split(b"WARC-Type: ")[1].split(b"\r\n")[0] for h in heads]
    assert types == [b"warcinfo", b"response", b"request", b"revisit", b"request", b"request"]


def test_response_record_headers(writer):
    ref = writer.write_exchange(request(), gzip_response())
    writer.close()
    head = records(writer.files[0])[1]
    assert b"WARC-Payload-Digest: sha1:" in head
    assert b"WARC-Block-Digest: sha1:" in head
    assert b"WARC-IP-Address: 127.0.0.1" in head
    assert b"HTTP/1.1 200 OK\r\n" in head  # HTTP/2 mapped, real reason phrase
    assert b"Transfer-Encoding" not in head  # body is de-chunked
    assert b"Content-Encoding: gzip" in head
    uri = head.split(b"WARC-Target-URI: ")[1].split(b"\r\n")[0]
    assert uri.isascii()
    assert uri == (
        b"http://example.test/%E6%96%B0%E9%97%BB/2020/02/25/1.shtml?%E6%A0%8F%E7%9B%AE=%E8%A6%81%E9%97%BB"
    )
    request_head = records(writer.files[0])[2]
    assert f"WARC-Concurrent-To: {ref.record_id}".encode() in request_head
    assert b"\r\n\r\nGET /%E6%96%B0%E9%97%BB/2020/02/25/1.shtml?" in request_head
    assert b"Host: example.test\r\n" in request_head


def test_unknown_status_and_http10(writer):
    resp = plain_response("http://example.test/odd", b"odd", status=599)
    resp.protocol = "HTTP/1.0"
    writer.write_exchange(request("http://example.test/odd"), resp)
    writer.close()
    assert b"HTTP/1.0 599 Unknown\r\n" in records(writer.files[0])[1]
    warcio_check(writer.files[0])


def test_ref_reads_back_the_response_decoded(writer):
    refs = []
    for i in range(5):
        url = f"http://example.test/a/{i}.shtml"
        refs.append(writer.write_exchange(request(url), gzip_response(url, f"<p>{i}</p>")))
    writer.close()
    path = writer.files[0]
    for i, ref in enumerate(refs):
        capture = read_record(path, ref.offset)
        assert capture.url == f"http://example.test/a/{i}.shtml"
        assert capture.body == f"<p>{i}</p>".encode()
        assert capture.record_id == ref.record_id
        assert capture.date == ref.date
        assert capture.length == ref.length
        assert capture.header("Content-Encoding") is None  # decoded, like Scrapy does
    # the member at offset is exactly `length` bytes
    raw = path.read_bytes()
    ref = refs[2]
    member = gzip.decompress(raw[ref.offset : ref.offset + ref.length])
    assert member.startswith(b"WARC/1.1")
    assert member.count(b"WARC/1.1") == 1


def test_gzip_body_kept_and_decoded_by_reader(writer):
    resp = gzip_response()
    writer.write_exchange(request(), resp)
    writer.close()
    raw_records = records(writer.files[0])
    assert resp.body in raw_records[1]  # stored as received
    [capture] = list(iter_captures(writer.files))
    assert capture.body == ARTICLE_HTML.encode("utf-8")
    assert capture.status == 200
    assert capture.ip == "127.0.0.1"
    assert capture.payload_digest.startswith("sha1:")


def test_rotation_makes_several_valid_files(tmp_path):
    w = make_writer(tmp_path, max_size=2000)
    refs = []
    for i in range(12):
        url = f"http://example.test/r/{i}"
        body = bytes(range(256)) * 4  # incompressible-ish, 1 KiB
        refs.append(w.write_exchange(request(url), plain_response(url, body)))
    w.close()
    assert len(w.files) >= 4
    assert len({p.name for p in w.files}) == len(w.files)
    serials = [p.name.split("-")[2] for p in w.files]
    assert serials == [f"{i:05d}" for i in range(len(w.files))]
    for path in w.files:
        warcio_check(path)
        gzip_test(path)
        assert records(path)[0].count(b"WARC-Type: warcinfo") == 1
    stats = ReadStats()
    urls = [c.url for c in iter_captures([tmp_path], stats)]
    assert urls == [f"http://example.test/r/{i}" for i in range(12)]
    assert stats.records == 12 * 2 + len(w.files)
    by_name = {p.name: p for p in w.files}
    for i, ref in enumerate(refs):
        assert read_record(by_name[ref.file], ref.offset).url == f"http://example.test/r/{i}"


def test_open_file_until_close_and_reuse_after(tmp_path):
    w = make_writer(tmp_path)
    ref = w.write_exchange(request(), gzip_response())
    [open_file] = tmp_path.glob("*.warc.gz.open")
    assert open_file.name == ref.file + ".open"
    w.close()
    assert not open_file.exists()
    assert (tmp_path / ref.file).exists()
    ref2 = w.write_exchange(request(), gzip_response())
    w.close()
    assert ref2.file != ref.file
    assert len(w.files) == 2


def test_identical_payload_revisit_needs_digest(writer):
    ref = writer.write_exchange(request(), gzip_response())
    original = read_record(writer.directory / (ref.file + ".open"), ref.offset)
    with pytest.raises(ValueError, match="payload_digest"):
        writer.write_revisit(
            request(), gzip_response(), ARTICLE_URL, ref.date, "identical-payload-digest"
        )
    rev = writer.write_revisit(
        request(),
        gzip_response(),
        ARTICLE_URL,
        ref.date,
        "identical-payload-digest",
        payload_digest=original.payload_digest,
    )
    writer.close()
    head = records(writer.files[0])[3]
    assert b"WARC-Profile: http://netpreserve.org/warc/1.1/revisit/identical-payload-digest" in head
    assert f"WARC-Payload-Digest: {original.payload_digest}".encode() in head
    capture = read_record(writer.files[0], rev.offset)
    assert capture.record_type == "revisit"
    assert capture.body == b""
    assert capture.refers_to_date == ref.date
    warcio_check(writer.files[0])


@pytest.mark.parametrize(
    ("kind", "url", "headers", "body"),
    [
        ("response", ARTICLE_URL, [("Content-Type", "text/html")], ARTICLE_HTML.encode()),
        (
            "response",
            "http://县.test/a b?q=中",
            [("X", "é"), ("Transfer-Encoding", "chunked")],
            b"",
        ),
        ("request", ARTICLE_URL, [("User-Agent", "countynews"), ("Accept", "*/*")], b""),
        ("request", "http://x.test/form?a=ü", [("Referer", "http://x.test/ü")], b"a=1&b=2"),
    ],
    ids=["article", "non-ascii", "request", "post"],
)
def test_exchange_records_are_the_bytes_warcio_writes(kind, url, headers, body):
    # the writer builds exchanges itself (the crawl's hot path): the same bytes as warcio's
    import io

    from warcio.warcwriter import WARCWriter

    from archive.records import (
        HttpResponseData,
        build_record,
        http_record_bytes,
        request_http_headers,
        response_http_headers,
    )

    def http_headers():  # fresh each time: warcio percent-encodes non-ASCII values in place
        if kind == "request":
            return request_http_headers(HttpRequestData("POST", url, list(headers), body))
        return response_http_headers(HttpResponseData(url, 200, list(headers), body))

    fields = {"record_id": "<urn:uuid:1>", "date": "2020-02-25T00:43:34.000001Z"}
    extra = {"WARC-IP-Address": "127.0.0.1"} if kind == "response" else {}
    warcio = WARCWriter(io.BytesIO(), gzip=True, warc_version="1.1")
    record = build_record(warcio, kind, url, **fields, http_headers=http_headers(), payload=body,
                          extra=extra)  # fmt: skip
    warcio.out = out = io.BytesIO()
    warcio.write_record(record)
    ours = http_record_bytes(kind, url, **fields, http_headers=http_headers(), payload=body,
                             extra=extra)  # fmt: skip
    assert ours == gzip.decompress(out.getvalue())
