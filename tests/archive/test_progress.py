"""Progress of a read over WARC files: share of the bytes and time left."""

from __future__ import annotations

from archive.progress import ReadProgress, human_bytes, human_seconds


def test_progress_counts_bytes_across_files_and_estimates_time_left(tmp_path):
    first, second = tmp_path / "a.warc.gz", tmp_path / "b.warc.gz"
    first.write_bytes(b"x" * 600)
    second.write_bytes(b"x" * 400)
    progress = ReadProgress([first, second])
    assert progress.total == 1000
    assert progress.eta(5.0) is None
    progress.update("a.warc.gz", 300)
    assert progress.eta(3.0) == 7.0  # 300 bytes in 3 s, 700 to go
    progress.update("b.warc.gz", 200)
    assert progress.done == 800
    assert progress.describe(8.0) == "80% of 1.0 KB, 2s left"
    progress.update("a.warc.gz", 100)  # a late record of an earlier file never goes back
    assert progress.done == 800


def test_human_units():
    assert human_bytes(1_500_000_000) == "1.5 GB"
    assert human_bytes(12) == "12 B"
    assert human_seconds(3725) == "1h02m"
    assert human_seconds(185) == "3m05s"
