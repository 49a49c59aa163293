from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from archive.reader import ReadStats, iter_captures
from archive.recovery import recover
from tests.archive.factory import gzip_response, make_writer, request
from tests.archive.test_writer import gzip_test, warcio_check

ROOT = Path(__file__).resolve().parents[2]


def three_records_open_copy(tmp_path):
    """Write 3 exchanges, copy the still-open file aside, close the writer."""
    w = make_writer(tmp_path / "live")
    refs = [
        w.write_exchange(request(f"http://r.test/{i}"), gzip_response(f"http://r.test/{i}"))
        for i in range(3)
    ]
    [open_file] = (tmp_path / "live").glob("*.open")
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    copy = crashed / open_file.name
    shutil.copyfile(open_file, copy)
    w.close()
    return copy, refs


def test_recover_truncated_mid_record(tmp_path):
    copy, refs = three_records_open_copy(tmp_path)
    size = copy.stat().st_size
    last = refs[-1]
    with copy.open("r+b") as fh:
        fh.truncate(last.offset + last.length // 2)  # cut inside the third response
    [fixed] = recover(copy.parent)
    assert fixed.name == last.file
    assert not copy.exists()
    assert fixed.stat().st_size == last.offset
    assert fixed.stat().st_size < size
    warcio_check(fixed)
    gzip_test(fixed)
    stats = ReadStats()
    urls = [c.url for c in iter_captures([fixed], stats)]
    assert urls == ["http://r.test/0", "http://r.test/1"]
    assert stats.errors == []
    assert stats.records == 5  # warcinfo + 2 x (response, request)


def test_recover_tells_what_it_cuts_before_cutting(tmp_path):
    copy, refs = three_records_open_copy(tmp_path)
    last = refs[-1]
    with copy.open("r+b") as fh:
        fh.truncate(last.offset + last.length // 2)
    told = []

    def cut(name: str, end: int) -> None:
        told.append((name, end, copy.exists()))  # the bytes are still there

    [fixed] = recover(copy.parent, cut)
    assert told == [(last.file, last.offset, True)]
    assert fixed.stat().st_size == last.offset


def test_recover_keeps_the_file_when_what_it_cuts_cannot_be_flagged(tmp_path):
    copy, refs = three_records_open_copy(tmp_path)
    with copy.open("r+b") as fh:
        fh.truncate(refs[1].offset + 10)
    size = copy.stat().st_size

    def cut(name: str, end: int) -> None:
        raise OSError("the database is gone")

    assert recover(copy.parent, cut) == []
    assert copy.stat().st_size == size  # left as it was, repaired next time
    told = []
    [fixed] = recover(copy.parent, lambda name, end: told.append(end))
    assert told == [refs[1].offset]
    assert fixed.stat().st_size == refs[1].offset


def test_recover_tells_nothing_for_a_whole_file_and_offset_0_for_a_removed_one(tmp_path):
    copy, _refs = three_records_open_copy(tmp_path)
    told = []
    assert len(recover(copy.parent, lambda name, end: told.append(end))) == 1
    assert told == []
    (tmp_path / "x.warc.gz.open").write_bytes(b"\x1f\x8b\x08\x00garbage")
    assert recover(tmp_path, lambda name, end: told.append((name, end))) == []
    assert told == [("x.warc.gz", 0)]


def test_recover_whole_file_is_only_renamed(tmp_path):
    copy, _refs = three_records_open_copy(tmp_path)
    size = copy.stat().st_size
    [fixed] = recover(copy.parent)
    assert fixed.stat().st_size == size
    assert len(list(iter_captures([fixed]))) == 3


def test_recover_removes_file_without_records(tmp_path):
    (tmp_path / "x.warc.gz.open").write_bytes(b"\x1f\x8b\x08\x00garbage")
    (tmp_path / "empty.warc.gz.open").write_bytes(b"")
    assert recover(tmp_path) == []
    assert list(tmp_path.iterdir()) == []


def test_live_writer_file_is_left_alone(tmp_path):
    w = make_writer(tmp_path)
    w.write_exchange(request(), gzip_response())
    [open_file] = tmp_path.glob("*.open")
    assert recover(tmp_path) == []  # flock held by the writer
    assert open_file.exists()
    w.close()
    assert recover(tmp_path) == []
    assert len(w.files) == 1


def test_recover_after_sigkill(tmp_path):
    """A writer process killed mid-crawl leaves an .open file that recovery repairs."""
    script = textwrap.dedent(
        f"""
        import os, signal
        from tests.archive.factory import make_writer, request, gzip_response
        w = make_writer({str(tmp_path)!r})
        for i in range(20):
            w.write_exchange(request(f"http://k.test/{{i}}"), gzip_response(f"http://k.test/{{i}}"))
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, cwd=ROOT
    )
    assert proc.returncode == -9, proc.stderr
    [fixed] = recover(tmp_path)
    warcio_check(fixed)
    gzip_test(fixed)
    assert len(list(iter_captures([fixed]))) == 20
