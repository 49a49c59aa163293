"""Repair ``.warc.gz.open`` files left by a killed crawl (called once when a crawl starts).

A file still locked by a live ``WarcWriter`` (``fcntl.flock``) is left alone. Otherwise the file
is cut after its last whole gzip member that parses as WARC records and renamed to
``.warc.gz``; a file without one whole record is removed. A file whose damaged bytes are
followed by whole records (a write failed mid-file, then writing went on) is never cut: stored
articles may point to those records, so it is left ``.open`` with an error naming the offset.

Records a kill cannot have cut can still be lost (a power cut drops written pages the database
already pointed to): before bytes are dropped, ``recover``'s ``cut`` callback is told the file
and the offset from which they go, so the caller can flag the articles that pointed there; if
it fails, the file is left as it is, for the next repair.
"""

from __future__ import annotations

import fcntl
import logging
import mmap
import os
from collections.abc import Callable
from pathlib import Path

from archive.parse import ParseError, iter_members, parse_record, skip_blank
from archive.writer import OPEN_SUFFIX

logger = logging.getLogger(__name__)

Cut = Callable[[str, int], None]  # (final file name, offset from which bytes are dropped)


def valid_prefix(buf: bytes | mmap.mmap) -> tuple[int, int]:
    """(byte length, record count) of the longest run of whole, parseable records."""
    end = records = 0
    for member in iter_members(buf):
        if member.error is not None or member.data is None:
            break
        data, pos, count = member.data, skip_blank(member.data, 0), 0
        try:
            while pos < len(data):
                _, pos = parse_record(data, pos)
                count += 1
        except ParseError:
            break
        if count == 0:
            break
        end, records = member.offset + member.length, records + count
    return end, records


def whole_records_after(buf: bytes | mmap.mmap, start: int) -> int:
    """Whole, parseable records in the members after ``start`` (past damaged bytes)."""
    count = 0
    for member in iter_members(buf, start):
        if member.error is not None or member.data is None:
            continue
        try:
            pos = skip_blank(member.data, 0)
            while pos < len(member.data):
                _, pos = parse_record(member.data, pos)
                count += 1
        except ParseError:
            continue
    return count


def _told(cut: Cut | None, name: str, end: int) -> bool:
    """Tell ``cut`` what is about to go; False (keep the file) if it failed."""
    if cut is None:
        return True
    try:
        cut(name, end)
    except Exception as exc:
        logger.error("recovery: %s left as it is: the records after byte %d are pointed to "
                     "and could not be flagged (%r)", name, end, exc)  # fmt: skip
        return False
    return True


def _repair(path: Path, cut: Cut | None = None) -> Path | None:
    final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
    with path.open("r+b") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.info("recovery: %s is held by a live writer, left alone", path.name)
            return None
        size = os.fstat(fh.fileno()).st_size
        if size:
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
                end, records = valid_prefix(buf)
                after = whole_records_after(buf, end) if end < size else 0
            if after:
                logger.error(
                    "recovery: %s is damaged at byte %d but %d whole records follow; left "
                    "as it is (cutting would lose captures stored articles may point to)",
                    path.name,
                    end,
                    after,
                )
                return None
        else:
            end, records = 0, 0
        if records == 0:
            if size and not _told(cut, final.name, 0):
                return None
            logger.warning("recovery: %s holds no whole record, removed", path.name)
            path.unlink()
            return None
        if final.exists():
            logger.error("recovery: %s exists, %s left as it is", final.name, path.name)
            return None
        if end < size and not _told(cut, final.name, end):
            return None
        fh.truncate(end)
        fh.flush()
        os.fsync(fh.fileno())
        os.replace(path, final)
        logger.warning(
            "recovery: %s cut from %d to %d bytes (%d records) and renamed to %s",
            path.name,
            size,
            end,
            records,
            final.name,
        )
    return final


def recover(directory: str | os.PathLike[str], cut: Cut | None = None) -> list[Path]:
    """Repair every unlocked ``*.warc.gz.open`` in ``directory``; return the files made.
    ``cut(name, offset)`` is called before a file loses its bytes from ``offset`` on."""
    root = Path(directory)
    if not root.is_dir():
        return []
    fixed = []
    for path in sorted(root.glob("*.warc.gz" + OPEN_SUFFIX)):
        try:
            result = _repair(path, cut)
        except OSError as exc:
            logger.error("recovery: %s: %s", path, exc)
            continue
        if result is not None:
            fixed.append(result)
    return fixed
