from __future__ import annotations

import gzip
import zlib

import brotli
import pytest

from archive.reader import ReadStats, iter_captures, read_record
from tests.archive.factory import gzip_response, make_writer, plain_response, request

HTML = "<html><body>县融媒体中心 新闻</body></html>".encode()


def raw_record(
    rtype: str,
    uri: str,
    block: bytes,
    extra: list[tuple[str, str]] = (),
    version: str = "WARC/1.0",
    content_length: int | None = None,
) -> bytes:
    lines = [
        version,
        f"WARC-Type: {rtype}",
        f"WARC-Target-URI: {uri}",
        "WARC-Date: 2020-02-25T01:00:00Z",
        f"WARC-Record-ID: <urn:uuid:{abs(hash((rtype, uri, block))):032x}>",
        *(f"{k}: {v}" for k, v in extra),
        "Content-Type: application/http;msgtype=response",
        f"Content-Length: {len(block) if content_length is None else content_length}",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def http_block(status_line: bytes, headers: list[tuple[str, str]], body: bytes) -> bytes:
    head = status_line + b"\r\n" + b"".join(f"{k}: {v}\r\n".encode() for k, v in headers)
    return head + b"\r\n" + body


def chunked(body: bytes, size: int = 7) -> bytes:
    parts = [
        b"%x\r\n%s\r\n" % (len(body[i : i + size]), body[i : i + size])
        for i in range(0, len(body), size)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


def wget_records() -> list[bytes]:
    """What wget writes: WARC/1.0, Target-URI in angle brackets, chunked framing kept."""
    info = (
        b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Type: application/warc-fields\r\n"
        b"WARC-Date: 2020-02-25T01:00:00Z\r\nContent-Length: 20\r\n\r\nsoftware: Wget/1.21\r\n"
        b"\r\n\r\n"
    )
    block = http_block(
        b"HTTP/1.1 200 OK",
        [("Content-Type", "text/html; charset=utf-8"), ("Transfer-Encoding", "chunked")],
        chunked(HTML),
    )
    response = raw_record("response", "<http://wget.test/a.html>", block)
    req = raw_record(
        "request", "<http://wget.test/a.html>", b"GET /a.html HTTP/1.1\r\nHost: wget.test\r\n\r\n"
    )
    return [info, response, req]


def write_gz(path, records: list[bytes]) -> list[int]:
    """One gzip member per record; return member offsets."""
    offsets, data = [], b""
    for rec in records:
        offsets.append(len(data))
        data += gzip.compress(rec, mtime=0)
    path.write_bytes(data)
    return offsets


def read(paths, **kwargs):
    stats = ReadStats()
    captures = list(iter_captures(paths, stats, **kwargs))
    return captures, stats


def test_wget_warc_angle_brackets_and_chunked(tmp_path):
    path = tmp_path / "wget.warc.gz"
    offsets = write_gz(path, wget_records())
    [capture], stats = read([path])
    assert capture.url == "http://wget.test/a.html"
    assert capture.body == HTML
    assert capture.header("Transfer-Encoding") is None
    assert capture.offset == offsets[1]
    assert capture.length == offsets[2] - offsets[1]
    assert stats.records == 3
    assert stats.captures == 1
    assert not stats.errors


def test_uncompressed_warc_and_read_record(tmp_path):
    path = tmp_path / "plain.warc"
    recs = wget_records()
    path.write_bytes(b"".join(recs))
    [capture], stats = read([tmp_path])
    assert capture.body == HTML
    assert capture.offset == len(recs[0])
    assert capture.length == len(recs[1])
    assert read_record(path, capture.offset).body == HTML
    assert stats.records == 3


def test_whole_file_gzip_is_read(tmp_path):
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(gzip.compress(b"".join(wget_records())))
    [capture], stats = read([path])
    assert capture.body == HTML
    assert stats.records == 3


def test_heritrix_revisit_and_request_type(tmp_path):
    block = http_block(b"HTTP/1.1 200 OK", [("Content-Type", "text/html")], b"")
    revisit = raw_record(
        "revisit",
        "http://h.test/x",
        block,
        extra=[
            ("WARC-Profile", "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest"),
            ("WARC-Refers-To-Target-URI", "http://h.test/x"),
            ("WARC-Refers-To-Date", "2020-01-01T00:00:00Z"),
            ("WARC-Payload-Digest", "sha1:AAAA"),
        ],
    )
    path = tmp_path / "heritrix.warc.gz"
    write_gz(path, [*wget_records(), revisit])
    captures, _ = read([path])
    assert [c.record_type for c in captures] == ["response", "revisit"]
    rev = captures[1]
    assert (rev.status, rev.body, rev.refers_to_date) == (200, b"", "2020-01-01T00:00:00Z")
    assert rev.payload_digest == "sha1:AAAA"
    requests, _ = read([path], types=("request",))
    assert [c.url for c in requests] == ["http://wget.test/a.html"]


def test_content_encodings_deflate_and_brotli(tmp_path):
    recs = []
    for coding, body in (
        ("deflate", zlib.compress(HTML)),
        ("deflate", zlib.compress(HTML)[2:-4]),  # raw deflate, as some servers send
        ("br", brotli.compress(HTML)),
        ("gzip", HTML),  # labelled gzip, stored decoded by the writing tool
    ):
        block = http_block(b"HTTP/1.1 200 OK", [("Content-Encoding", coding)], body)
        recs.append(raw_record("response", f"http://enc.test/{coding}", block))
    write_gz(tmp_path / "enc.warc.gz", recs)
    captures, stats = read([tmp_path])
    assert [c.body for c in captures] == [HTML] * 4
    assert not stats.errors


def test_gzip_bomb_is_a_counted_skip(tmp_path):
    bomb = gzip.compress(b"\0" * 5_000_000)
    block = http_block(b"HTTP/1.1 200 OK", [("Content-Encoding", "gzip")], bomb)
    path = tmp_path / "bomb.warc.gz"
    offsets = write_gz(path, [raw_record("response", "http://bomb.test/", block), *wget_records()])
    captures, stats = read([path], max_body=1_000_000)
    assert [c.url for c in captures] == ["http://wget.test/a.html"]
    assert stats.skipped == {"too_large": 1}
    assert stats.errors[0].startswith(f"bomb.warc.gz:{offsets[0]}: too_large")


def test_truncated_file_keeps_whole_records(tmp_path):
    w = make_writer(tmp_path / "w")
    for i in range(3):
        url = f"http://example.test/{i}"
        w.write_exchange(request(url), gzip_response(url, f"<p>{i}</p>"))
    w.close()
    path = w.files[0]
    data = path.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[:-40])
    captures, stats = read([cut])
    assert [c.body for c in captures] == [b"<p>0</p>", b"<p>1</p>", b"<p>2</p>"]
    assert stats.skipped == {"truncated_gzip": 1}  # the last request record
    assert stats.errors[0].startswith("cut.warc.gz:")


def test_cut_at_every_byte_of_last_member(tmp_path):
    path = tmp_path / "f.warc.gz"
    offsets = write_gz(path, wget_records())
    data = path.read_bytes()
    last = offsets[-1]
    for end in range(last + 1, len(data)):
        path.write_bytes(data[:end])
        captures, stats = read([path])
        assert [c.body for c in captures] == [HTML], end
        assert sum(stats.skipped.values()) == 1, end
        assert stats.errors[0].startswith(f"f.warc.gz:{last}: "), end


def test_corrupt_member_in_the_middle(tmp_path):
    recs = [
        raw_record(
            "response", f"http://mid.test/{i}", http_block(b"HTTP/1.1 200 OK", [], b"x%d" % i * 50)
        )
        for i in range(3)
    ]
    path = tmp_path / "mid.warc.gz"
    offsets = write_gz(path, recs)
    data = bytearray(path.read_bytes())
    for i in range(offsets[1] + 15, offsets[2] - 12):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    captures, stats = read([path])
    assert [c.url for c in captures] == ["http://mid.test/0", "http://mid.test/2"]
    assert sum(stats.skipped.values()) == 1
    assert stats.errors[0].startswith(f"mid.warc.gz:{offsets[1]}: ")


def test_wrong_content_length(tmp_path):
    good = raw_record("response", "http://cl.test/ok", http_block(b"HTTP/1.1 200 OK", [], b"ok"))
    short = raw_record(
        "response",
        "http://cl.test/short",
        http_block(b"HTTP/1.1 200 OK", [], b"body"),
        content_length=10,
    )
    long = raw_record(
        "response",
        "http://cl.test/long",
        http_block(b"HTTP/1.1 200 OK", [], b"body"),
        content_length=999,
    )
    write_gz(tmp_path / "cl.warc.gz", [short, good, long, good])
    captures, stats = read([tmp_path / "cl.warc.gz"])
    assert [c.url for c in captures] == ["http://cl.test/ok"] * 2
    assert stats.skipped == {"bad_content_length": 1, "truncated_record": 1}
    plain = tmp_path / "cl.warc"
    plain.write_bytes(short + good + good)
    captures, stats = read([plain])
    assert [c.url for c in captures] == ["http://cl.test/ok"] * 2
    assert stats.skipped == {"bad_content_length": 1}
    assert stats.errors == [
        "cl.warc:0: bad_content_length (Content-Length 10 does not end the record)"
    ]


def test_bad_chunking_and_bad_status_line(tmp_path):
    bad_chunks = http_block(
        b"HTTP/1.1 200 OK", [("Transfer-Encoding", "chunked")], b"5\r\nabcde\r\nff\r\nxy"
    )
    bad_status = http_block(b"HTTP/1.1 OK", [], b"x")
    good = http_block(b"HTTP/1.1 200 OK", [], b"fine")
    path = tmp_path / "bad.warc.gz"
    write_gz(
        path,
        [
            raw_record("response", "http://b.test/1", bad_chunks),
            raw_record("response", "http://b.test/2", bad_status),
            raw_record("response", "http://b.test/3", good),
        ],
    )
    captures, stats = read([path])
    assert [c.body for c in captures] == [b"fine"]
    assert stats.skipped == {"bad_chunking": 1, "bad_http": 1}


def test_garbage_and_empty_files_never_raise(tmp_path):
    (tmp_path / "empty.warc.gz").write_bytes(b"")
    (tmp_path / "junk.warc").write_bytes(b"<html>not a warc</html>" * 10)
    (tmp_path / "junk2.warc.gz").write_bytes(b"\x1f\x8b\x08" + b"\0" * 30)
    (tmp_path / "ignored.txt").write_bytes(b"x")
    captures, stats = read([tmp_path, tmp_path / "missing.warc.gz"])
    assert captures == []
    assert stats.skipped == {"not_warc": 1, "corrupt_gzip": 1, "unreadable_file": 1}


def test_read_record_errors(tmp_path):
    path = tmp_path / "wget.warc.gz"
    offsets = write_gz(path, wget_records())
    assert read_record(path, offsets[1]).url == "http://wget.test/a.html"
    with pytest.raises(ValueError, match=r"wget\.warc\.gz:5"):
        read_record(path, 5)


def test_scrapy_style_response_round_trip(tmp_path):
    w = make_writer(tmp_path)
    gbk = "<p>中文页面</p>".encode("gbk")
    ref = w.write_exchange(request("http://gbk.test/"), plain_response("http://gbk.test/", gbk))
    w.close()
    capture = read_record(w.files[0], ref.offset)
    assert capture.body == gbk  # bytes pass through undecoded
    assert capture.header("content-type") == "text/html; charset=gbk"


def test_bad_digest_is_skipped_when_verifying(tmp_path):
    w = make_writer(tmp_path / "w")
    for i in range(3):
        url = f"http://d.test/{i}"
        w.write_exchange(request(url), plain_response(url, b"payload-%d" % i))
    w.close()
    data = w.files[0].read_bytes()
    # rewrite the middle response uncompressed with one payload byte changed
    records = [gzip.decompress(m) for m in split_members(data)]
    records[3] = records[3].replace(b"payload-1", b"payload-X")
    path = tmp_path / "digest.warc"
    path.write_bytes(b"".join(records))
    captures, stats = read([path], verify_digests=True)
    assert [c.body for c in captures] == [b"payload-0", b"payload-2"]
    assert stats.skipped == {"bad_digest": 1}
    assert len(read([path])[0]) == 3  # not verified by default
    wget = tmp_path / "wget.warc.gz"
    write_gz(wget, wget_records())  # no digest header: nothing to check
    assert len(read([wget], verify_digests=True)[0]) == 1


def split_members(data: bytes) -> list[bytes]:
    members, pos = [], 0
    while pos < len(data):
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        d.decompress(data[pos:])
        end = len(data) - len(d.unused_data)
        members.append(data[pos:end])
        pos = end
    return members


def fast_read(path):
    """(records FastWARC read, offset where the forgiving parser takes over)."""
    from archive.reader import _iter_fast, _open_buffer

    records, reader = [], _iter_fast(path, _open_buffer(path))
    while True:
        try:
            records.append(next(reader))
        except StopIteration as stop:
            return records, stop.value


def test_fastwarc_reads_whole_files_and_hands_damage_to_the_parser(tmp_path):
    w = make_writer(tmp_path / "w")
    for i in range(3):
        url = f"http://example.test/{i}"
        w.write_exchange(request(url), gzip_response(url, f"<p>{i}</p>"))
    w.close()
    path = w.files[0]
    data = path.read_bytes()
    records, handover = fast_read(path)
    assert handover == len(data)  # all of it read by FastWARC
    assert len(records) == 7  # warcinfo + 3 exchanges
    # the same records the forgiving parser reads
    assert [(r.block, o, n) for r, o, n in records] == [
        (r.block, o, n) for r, o, n in _iter_raw_forgiving(data)
    ]
    plain = tmp_path / "wget.warc"
    plain.write_bytes(b"".join(wget_records()[1:]))
    records, handover = fast_read(plain)
    assert handover == plain.stat().st_size
    assert len(records) == 2
    # wget's warcinfo here has one byte more than its Content-Length before the next record:
    # not provably whole, so the parser reads the file from there
    plain.write_bytes(b"".join(wget_records()))
    assert fast_read(plain) == ([], 0)
    # a member cut inside its gzip trailer still decompresses in FastWARC: the ISIZE check
    # hands it to the parser, which counts it truncated
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[:-3])
    records, handover = fast_read(cut)
    assert len(records) == 6
    assert handover == records[-1][1] + records[-1][2]
    captures, stats = read([cut])
    assert len(captures) == 3
    assert stats.skipped == {"truncated_gzip": 1}


def _iter_raw_forgiving(data):
    from archive.reader import ReadStats, _iter_raw

    return list(_iter_raw(data, "x", ReadStats()))
