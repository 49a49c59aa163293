"""A full disk mid-crawl: the crawl stops with exit status 2 and valid WARCs; once space is back
the same command finishes it, and every stored article's ``warc`` pointer reads back its own
record. The WARC directory is a real tmpfs of 64 KiB (needs root and ``mount``; skipped
otherwise, failed under ``REQUIRE_SERVICES=1``)."""

from __future__ import annotations

import gzip
import io
import sqlite3
import subprocess
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.records import ascii_url
from tests.archive.test_writer import gzip_test, warcio_check
from tests.helpers import FAST, running_simulator, scrapy, service_missing


def mount_tmpfs(path: Path, size: str, remount: bool = False) -> str | None:
    """Mount (or resize) a tmpfs at ``path``; the error, or None."""
    options = f"remount,size={size}" if remount else f"size={size}"
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return None if result.returncode == 0 else (result.stderr.strip() or "mount failed")


@pytest.fixture
def small_disk(tmp_path):
    path = tmp_path / "disk"
    path.mkdir()
    try:
        error = mount_tmpfs(path, "64k")
    except FileNotFoundError:
        error = "no mount command"
    if error is not None:
        service_missing(f"cannot mount a tmpfs to fill ({error})")
    yield path
    subprocess.run(["umount", "-l", str(path)], check=False)


def read_back(warc_dir: Path, file: str, offset: int, length: int) -> str:
    """The target URI of the record at ``file:offset`` (length bytes, one gzip member)."""
    with (warc_dir / file).open("rb") as fh:
        fh.seek(offset)
        member = fh.read(length)
    assert gzip.decompress(member)  # one whole member
    record = next(iter(ArchiveIterator(io.BytesIO(member))))
    return record.rec_headers.get_header("WARC-Target-URI")


def test_disk_full_stops_the_crawl_with_valid_warcs_and_the_rerun_finishes(tmp_path, small_disk):
    with running_simulator(articles_per_portal=40) as sim:
        sites = tmp_path / "sites"
        sim.write_profiles(sites)
        site = sim.portals[1].id
        data = tmp_path / "data"
        env = {"DATA_DIR": str(data), "SITES_DIR": str(sites), "WARC_DIR": str(small_disk)}
        full = scrapy("crawl", site, *FAST, env=env, check=False)
        assert full.returncode == 2, full.stderr[-3000:]
        assert "WARC write failed" in full.stderr
        assert "No space left on device" in full.stderr
        assert "Traceback" not in full.stderr
        closed = sorted(small_disk.glob("*.warc.gz"))
        assert closed, "the crawl closed its WARC"
        assert not list(small_disk.glob("*.open"))
        for path in closed:
            gzip_test(path)
            warcio_check(path)

        assert mount_tmpfs(small_disk, "20m", remount=True) is None  # space is back
        again = scrapy("crawl", site, *FAST, env=env, check=False)
        assert again.returncode == 0, again.stderr[-3000:]
        truth = {t["url"] for t in sim.truth() if t["site"] == site}
    for path in sorted(small_disk.glob("*.warc.gz")):
        gzip_test(path)
        warcio_check(path)
    with sqlite3.connect(data / "articles.db") as conn:
        rows = conn.execute("SELECT url, warc_file, warc_offset, warc_length FROM articles")
        stored = {url: (f, o, n) for url, f, o, n in rows}
    assert truth <= set(stored)  # nothing lost
    for url, (file, offset, length) in stored.items():
        assert read_back(small_disk, file, offset, length) == ascii_url(url), url
