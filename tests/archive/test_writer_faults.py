"""A failed write (disk full) never leaves a partial gzip member before later records, and
recovery never cuts whole records that follow damaged bytes.

The disk fills at the file-write level here (an ``OSError(ENOSPC)`` after a byte budget, with
the bytes that fit written first, as a real short write does); ``tests/e2e/test_disk_full.py``
fills a real tmpfs.
"""

from __future__ import annotations

import errno
import shutil

import pytest

from archive.reader import ReadStats, iter_captures
from archive.recovery import recover
from archive.writer import WarcWriteError
from tests.archive.factory import gzip_response, make_writer, request
from tests.archive.test_writer import gzip_test, warcio_check


class FillingDisk:
    """Wraps the writer's file: after ``budget`` more bytes every write fails with ENOSPC,
    once the bytes that fit are written."""

    def __init__(self, fh, budget: int) -> None:
        self.fh, self.budget = fh, budget

    def write(self, data) -> int:
        if len(data) <= self.budget:
            self.budget -= len(data)
            return self.fh.write(data)
        if self.budget:
            written = self.fh.write(data[: self.budget])
            self.budget = 0
            return written  # a short write; the next one fails
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.fh, name)


def exchange(w, i: int):
    url = f"http://r.test/{i}"
    return w.write_exchange(request(url), gzip_response(url))


def test_disk_full_cuts_back_to_the_last_whole_record_and_stops(tmp_path):
    w = make_writer(tmp_path)
    refs = [exchange(w, i) for i in range(3)]
    [path] = tmp_path.glob("*.open")
    end = path.stat().st_size
    w._fh = FillingDisk(w._fh, 100)  # the next exchange fails inside its response record
    with pytest.raises(WarcWriteError) as failed:
        exchange(w, 3)
    assert failed.value.errno == errno.ENOSPC
    assert path.stat().st_size == end  # the partial member is gone
    w._fh.budget = 10**9  # space is back: the writer still writes nothing after a failure
    with pytest.raises(WarcWriteError):
        exchange(w, 4)
    assert path.stat().st_size == end
    w.close()
    [closed] = tmp_path.glob("*.warc.gz")
    gzip_test(closed)
    warcio_check(closed)
    stats = ReadStats()
    assert [c.url for c in iter_captures([closed], stats)] == [
        f"http://r.test/{i}" for i in range(3)
    ]
    assert stats.errors == []
    assert refs[-1].offset + refs[-1].length <= end


def test_disk_full_between_response_and_request_drops_the_whole_exchange(tmp_path):
    w = make_writer(tmp_path)
    exchange(w, 0)
    [path] = tmp_path.glob("*.open")
    end = path.stat().st_size
    probe = make_writer(tmp_path / "probe")
    ref = exchange(probe, 1)  # the size of one response member, written elsewhere
    probe.close()
    w._fh = FillingDisk(w._fh, ref.length + 10)  # the response fits, its request does not
    with pytest.raises(WarcWriteError):
        exchange(w, 1)
    assert path.stat().st_size == end
    w.close()
    [closed] = tmp_path.glob("*.warc.gz")
    gzip_test(closed)
    assert [c.url for c in iter_captures([closed])] == ["http://r.test/0"]


def test_a_full_disk_before_the_first_record_leaves_no_empty_file(tmp_path):
    w = make_writer(tmp_path)

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    w._open = no_space
    with pytest.raises(WarcWriteError):
        exchange(w, 0)
    w.close()
    assert list(tmp_path.iterdir()) == []


def test_recovery_never_cuts_whole_records_after_damaged_bytes(tmp_path):
    """The pre-fix writer's disk-full damage: a partial member, then whole records."""
    w = make_writer(tmp_path / "live")
    refs = [exchange(w, i) for i in range(4)]
    [live] = (tmp_path / "live").glob("*.open")
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    copy = crashed / live.name
    shutil.copyfile(live, copy)
    w.close()
    data = bytearray(copy.read_bytes())
    damaged = refs[1]
    data[damaged.offset + 20 : damaged.offset + 60] = b"\x00" * 40  # inside the 2nd response
    copy.write_bytes(bytes(data))
    assert recover(crashed) == []
    assert copy.read_bytes() == bytes(data)  # left whole, for an operator to look at
    urls = [c.url for c in iter_captures([copy])]
    assert "http://r.test/3" in urls  # the records after the damage are all still there
