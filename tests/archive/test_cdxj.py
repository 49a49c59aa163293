from __future__ import annotations

import json
import threading

from archive.cdxj import merge_index, write_cdxj
from archive.reader import read_record
from tests.archive.factory import gzip_response, make_writer, plain_response, request


def test_cdxj_lines_match_response_and_revisit_records(tmp_path):
    w = make_writer(tmp_path / "warc", max_size=1500)
    refs = []
    for i in range(4):
        url = f"http://example.test/c/{i}"
        refs.append(w.write_exchange(request(url), plain_response(url, b"x" * 900)))
    refs.append(
        w.write_revisit(
            request(), plain_response(gzip_response().url, b"", 304), "http://a.test/", "2020"
        )
    )
    w.write_request_only(request("http://dead.test/"))
    w.close()
    assert len(w.files) > 1
    out = tmp_path / "index.cdxj"
    assert write_cdxj([tmp_path / "warc"], out) == 5  # request and warcinfo are not indexed
    lines = out.read_text().splitlines()
    assert lines == sorted(lines)
    entries = [json.loads(line.split(" ", 2)[2]) for line in lines]
    assert {e["status"] for e in entries} == {"200", "304"}
    for entry in entries:
        path = tmp_path / "warc" / entry["filename"]
        capture = read_record(path, int(entry["offset"]))
        assert capture.url == entry["url"]
        assert capture.length == int(entry["length"])
    assert {(e["filename"], int(e["offset"])) for e in entries} == {
        (r.file, r.offset) for r in refs
    }


def test_cdxj_indexes_around_a_corrupt_member(tmp_path):
    w = make_writer(tmp_path / "warc")
    refs = [
        w.write_exchange(
            request(f"http://e.test/{i}"), plain_response(f"http://e.test/{i}", b"y" * 500)
        )
        for i in range(3)
    ]
    w.close()
    data = bytearray(w.files[0].read_bytes())
    for i in range(refs[1].offset + 20, refs[1].offset + refs[1].length - 10):
        data[i] ^= 0x55
    w.files[0].write_bytes(bytes(data))
    good = make_writer(tmp_path / "good", prefix="good")
    good.write_exchange(request("http://f.test/"), plain_response("http://f.test/", b"z"))
    good.close()
    out = tmp_path / "i.cdxj"
    assert write_cdxj([w.files[0], good.files[0]], out) == 3
    entries = [json.loads(line.split(" ", 2)[2]) for line in out.read_text().splitlines()]
    assert [e["url"] for e in entries] == ["http://e.test/0", "http://e.test/2", "http://f.test/"]
    assert [int(e["offset"]) for e in entries[:2]] == [refs[0].offset, refs[2].offset]


def _crawl(folder, prefix, urls):
    w = make_writer(folder, prefix=prefix)
    for url in urls:
        w.write_exchange(request(url), plain_response(url, b"body"))
    w.close()
    return list(w.files)


def test_merge_index_merges_each_crawls_part_into_one_sorted_index(tmp_path):
    index = tmp_path / "index.cdxj"
    first = _crawl(tmp_path / "warc", "a", [f"http://a.test/{i}" for i in range(3)])
    assert merge_index(first, index) == 3
    seconds = [
        _crawl(tmp_path / "warc", f"b{n}", [f"http://b{n}.test/{i}" for i in range(2)])
        for n in range(4)
    ]
    # concurrent crawls of one data folder merge at the same time: none loses the others' lines
    threads = [threading.Thread(target=merge_index, args=(files, index)) for files in seconds]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = index.read_text().splitlines()
    assert len(lines) == 3 + 4 * 2
    assert lines == sorted(lines)
    assert sorted((tmp_path / "indexes").iterdir()) == sorted(
        tmp_path / "indexes" / f"{f.name}.cdxj" for files in [first, *seconds] for f in files
    )
    assert merge_index([], index) == 11  # nothing new: the same index again


def test_merge_index_rebuilds_a_lost_index_from_every_part_a_few_files_at_a_time(
    tmp_path, monkeypatch
):
    import archive.cdxj

    index = tmp_path / "index.cdxj"
    crawls = [
        _crawl(tmp_path / "warc", f"c{n}", [f"http://c{n}.test/{i}" for i in range(2)])
        for n in range(7)
    ]
    for files in crawls:
        merge_index(files, index)
    expected = index.read_text().splitlines()
    assert len(expected) == 14
    assert merge_index(crawls[0], index) == 14  # a part merged again adds no line twice
    index.unlink()
    monkeypatch.setattr(archive.cdxj, "MERGE_FAN_IN", 3)  # 7 parts: rounds of 3, 3, 1
    assert merge_index([], index) == 14
    assert index.read_text().splitlines() == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.cdxj", "index.cdxj.lock",
                                                          "indexes", "warc"]  # fmt: skip


def test_gets_only_indexing_gives_cdxj_indexers_lines_without_it(tmp_path):
    from archive.cdxj import index_lines

    w = make_writer(tmp_path / "warc")
    for i in range(3):
        url = f"http://g.test/{i}?a=1&b=%E5%8E%BF"
        w.write_exchange(request(url), plain_response(url, b"<html>x</html>"))
    w.write_exchange(request(gzip_response().url), gzip_response())
    w.write_revisit(
        request(), plain_response("http://a.test/r", b"", 304), "http://a.test/", "2020"
    )
    w.close()
    (path,) = w.files
    assert sorted(index_lines(path, gets_only=True)) == sorted(index_lines(path))


def test_lines_made_while_writing_are_the_lines_read_back(tmp_path):
    """A crawl's writer makes its CDXJ lines as it writes (closing reads no WARC back): the
    same lines as reading the files, across rotated files; a file with a revisit is left to be
    read back, and the index made from the kept lines equals the one read from the files."""
    from archive.cdxj import index_lines

    w = make_writer(tmp_path / "warc", max_size=1500, index=True)
    urls = [f"http://g.test/{i}?a=1&b=%E5%8E%BF" for i in range(4)]
    for url in urls:
        w.write_exchange(request(url), plain_response(url, b"<html>" + b"x" * 700 + b"</html>"))
    w.write_exchange(request(gzip_response().url), gzip_response())
    w.write_request_only(request("http://dead.test/"))
    w.close()
    assert len(w.files) > 1
    for path in w.files:
        assert sorted(w.index_lines.get(path.name, [])) == sorted(index_lines(path))
    assert sum(len(lines) for lines in w.index_lines.values()) == 5
    assert not w.unindexed
    known, read = tmp_path / "known.cdxj", tmp_path / "read.cdxj"
    write_cdxj(w.files, known, known=w.index_lines)
    write_cdxj(w.files, read)
    assert known.read_text() == read.read_text()

    w.write_revisit(
        request(), plain_response("http://a.test/r", b"", 304), "http://a.test/", "2020"
    )
    w.close()
    assert w.unindexed == {w.files[-1].name}
