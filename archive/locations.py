"""Where the response records of given URLs sit in a crawl's WARC files, found by reading the
files (no index needed): a resumed crawl reads those records back instead of fetching the
pages again.

:func:`written_since` gives closed files only (``*.warc.gz`` as ``WarcWriter`` names them,
closed or repaired), never a ``.open`` one (a live writer's, or one the repair left because it
is damaged). :func:`written_by` gives a dead process's files, its ``.open`` file too once no
writer holds its lock: its whole records are read, a partial last one is a counted skip.
"""

from __future__ import annotations

import fcntl
import glob
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from archive.reader import ReadStats, iter_records
from archive.writer import OPEN_SUFFIX, host_label

Location = tuple[str, int, int]  # file name, offset and length of a response record

# WarcWriter's names: <prefix>-<YYYYmmddHHMMSSffffff UTC, when the file was opened>-<serial>-...
_STAMP = re.compile(r"-(\d{20})-\d{5}-[^-]+-\d+\.warc\.gz$")
_NAME = re.compile(r"-(\d{20})-(\d{5})-([^-]+)-(\d+)\.warc\.gz(\.open)?$")


def stamp_of(warc_date: str) -> str:
    """``warc_date`` (``2026-12-04T15:36:26.123456Z``, microseconds optional) as a file-name
    stamp (``20261204153626123456``)."""
    return re.sub(r"\D", "", warc_date)[:20].ljust(20, "0")


def written_since(directory: str | Path, prefix: str, since: str) -> list[Path]:
    """The closed WARC files of ``directory`` named ``<prefix>-...`` by ``WarcWriter`` and
    opened at or after the WARC date ``since``, oldest first."""
    root = Path(directory)
    if not root.is_dir():
        return []
    start = stamp_of(since)
    found = []
    for path in root.glob(f"{glob.escape(prefix)}-*.warc.gz"):
        match = _STAMP.search(path.name)
        if match and path.name[: match.start()] == prefix and match.group(1) >= start:
            found.append((match.group(1), path.name, path))
    return [path for *_, path in sorted(found)]


def date_of(path: Path) -> str:
    """The WARC date at which ``WarcWriter`` opened ``path`` (from its name)."""
    match = _NAME.search(path.name)
    d = match.group(1) if match else "00000000000000000000"
    return f"{d[:4]}-{d[4:6]}-{d[6:8]}T{d[8:10]}:{d[10:12]}:{d[12:14]}.{d[14:]}Z"


def _unlocked(path: Path) -> bool:
    """Whether no writer holds ``path`` (a shared lock is free to take, and is let go)."""
    try:
        with path.open("rb") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    except OSError:  # BlockingIOError: held; FileNotFoundError: renamed meanwhile
        return False
    return True


def written_by(directory: str | Path, prefix: str, hostname: str, pid: int) -> list[Path]:
    """The WARC files of ``directory`` named ``<prefix>-...`` that process ``pid`` of
    ``hostname`` wrote, oldest first: closed ones, and ``.open`` ones no writer holds."""
    root = Path(directory)
    if not root.is_dir():
        return []
    host = host_label(hostname)
    found = []
    for path in root.glob(f"{glob.escape(prefix)}-*.warc.gz*"):
        match = _NAME.search(path.name)
        if not match or path.name[: match.start()] != prefix:
            continue
        if (match.group(3), match.group(4)) != (host, str(pid)):
            continue
        if path.name.endswith(OPEN_SUFFIX) and not _unlocked(path):
            continue
        found.append((match.group(1), match.group(2), path))
    return [path for *_, path in sorted(found)]


def _status(block: bytes) -> int:
    """The status code of an HTTP response block (0 where its first line is none)."""
    parts = block[:64].split(b"\r\n", 1)[0].split(b"\n", 1)[0].split(None, 2)
    if len(parts) >= 2 and parts[0].upper().startswith(b"HTTP/") and parts[1].isdigit():
        return int(parts[1])
    return 0


def ok_responses(
    paths: Iterable[Path],
    wanted: Callable[[str], bool],
    since: str = "",
    stats: ReadStats | None = None,
) -> dict[str, Location]:
    """URL -> location of the last ``response`` record with HTTP status 200, dated at or after
    ``since``, of every URL ``wanted`` accepts in ``paths`` (read in order). Unreadable
    records are skipped and counted in ``stats``, as by ``archive.reader``."""
    found: dict[str, Location] = {}
    start = stamp_of(since)
    for path in paths:
        for raw, offset, length in iter_records(path, stats):
            if (raw.get("WARC-Type") or "").lower() != "response":
                continue
            if stamp_of(raw.get("WARC-Date") or "") < start or _status(raw.block) != 200:
                continue
            url = (raw.get("WARC-Target-URI") or "").strip().removeprefix("<").removesuffix(">")
            if url and wanted(url):  # located under its final name, .open or not
                found[url] = (path.name.removesuffix(OPEN_SUFFIX), offset, length)
    return found
