"""CDXJ index of WARC files (pywb's format), for replay tools and ``data/index.cdxj``.

cdxj-indexer stops at the first unreadable record of a file; such a file is indexed again
with ``archive.reader`` (which skips bad records), so one broken file never loses the index.
The crawl's own WARCs (``gets_only``: every capture a GET, so no POST body goes into a key) are
indexed with ``archive.reader`` from the start: the same lines, without importing cdxj-indexer
(which pulls pyamf and pkg_resources: 0.2 s of every crawl's close). A crawl's lines are made
where its records are built (its worker processes): the crawl process itself imports surt
(and tldextract, ~0.09 s of CPU) only when it reads a file back.
"""

from __future__ import annotations

import fcntl
import heapq
import io
import json
import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from warcio.timeutils import iso_date_to_timestamp

from archive.parse import parse_record
from archive.reader import Capture, ReadStats, iter_captures, iter_files, to_capture

logger = logging.getLogger(__name__)


INDEXED = ("response", "revisit", "resource")  # the record types a line is written for


def capture_line(cap: Capture) -> str:
    """The CDXJ line of one capture (pywb's fields, cdxj-indexer's mime and key rules)."""
    return place_line(capture_head(cap), cap.file, cap.offset)


def capture_head(cap: Capture) -> str:
    """:func:`capture_line` without the record's place in its file (the ``offset`` and
    ``filename`` fields, the last two): what a record built before it is written can say."""
    import surt  # here: a crawl process that only merges lines never loads it (nor tldextract)

    if cap.record_type == "revisit":
        mime = "warc/revisit"
    else:
        mime = (cap.header("Content-Type") or "unk").split(";")[0].strip().lower()
    index = {"url": cap.url, "mime": mime, "status": str(cap.status)}
    if cap.payload_digest:
        index["digest"] = cap.payload_digest
    index["length"] = str(cap.length)
    try:
        key = surt.surt(cap.url)
    except Exception:  # same fallback as cdxj-indexer's
        key = cap.url
    return f"{key} {iso_date_to_timestamp(cap.date)} {json.dumps(index)}"


def place_line(head: str, file: str, offset: int) -> str:
    """The line of :func:`capture_head` with the record's place: byte for byte what
    ``json.dumps`` writes for the whole dict (its separators, keys in this order)."""
    return f'{head[:-1]}, "offset": "{offset}", "filename": {json.dumps(file)}}}'


def record_head(data: bytes, length: int) -> str | None:
    """:func:`capture_head` of one record from its uncompressed bytes (``length``: its gzip
    member's); None for a record type the index leaves out."""
    raw, _ = parse_record(data)
    if (raw.get("WARC-Type") or "").lower() not in INDEXED:
        return None
    return capture_head(to_capture(raw, "", 0, length))


def _fallback_lines(path: Path) -> list[str]:
    """CDXJ lines for the readable response/revisit/resource records of ``path``."""
    stats = ReadStats()
    lines = [capture_line(cap) for cap in iter_captures([path], stats, types=INDEXED)]
    for error in stats.errors:
        logger.warning("cdxj: skipped %s", error)
    return lines


def index_lines(path: str | os.PathLike[str], *, gets_only: bool = False) -> list[str]:
    """Unsorted CDXJ lines of one WARC file (``gets_only``: its captures are all GETs)."""
    if gets_only:
        return _fallback_lines(Path(path))
    # imported here: cdxj_indexer pulls pyamf and pkg_resources (0.2 s), and a crawl indexes
    # only when it closes
    from cdxj_indexer.main import CDXJIndexer

    out = io.StringIO()
    try:
        CDXJIndexer(out, [str(path)]).process_all()
    except Exception as exc:  # cdxj-indexer raises on the first bad record
        logger.warning("cdxj: %s: %.200s; indexing it record by record", Path(path).name, exc)
        return _fallback_lines(Path(path))
    return [line for line in out.getvalue().splitlines() if line.strip()]


def write_cdxj(
    warc_paths: Iterable[str | os.PathLike[str]],
    out_path: str | os.PathLike[str],
    *,
    gets_only: bool = False,
    known: Mapping[str, list[str]] | None = None,
) -> int:
    """Write a sorted pywb CDXJ index of ``warc_paths`` (files or directories) to ``out_path``.

    Indexes cdxj-indexer's default record types (response, revisit, resource, metadata);
    ``filename`` fields are basenames. ``known``: the lines of files (by basename) made when
    their records were written (:func:`record_head`); those files are not read. Returns the
    number of lines written.
    """
    lines: list[str] = []
    for path in iter_files(warc_paths):
        if known is not None and path.name in known:
            lines.extend(known[path.name])
        else:
            lines.extend(index_lines(path, gets_only=gets_only))
    lines.sort()
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    os.replace(tmp, out)
    return len(lines)


def unindexed(warc_dir: str | os.PathLike[str], index_path: str | os.PathLike[str]) -> list[Path]:
    """Closed WARCs of ``warc_dir`` without an ``indexes/<warc>.cdxj`` part beside
    ``index_path``: those a crawl repaired when it started (left ``.open`` by a killed one) and
    those of crawls killed before they indexed."""
    parts = Path(index_path).parent / "indexes"
    return [
        warc
        for warc in sorted(Path(warc_dir).glob("*.warc.gz"))
        if not (parts / f"{warc.name}.cdxj").exists()
    ]


def merge_index(
    warc_files: Iterable[str | os.PathLike[str]],
    index_path: str | os.PathLike[str],
    *,
    gets_only: bool = False,
    known: Mapping[str, list[str]] | None = None,
) -> int:
    """Index ``warc_files`` (one ``indexes/<warc>.cdxj`` part each, beside ``index_path``; the
    lines of ``known`` files as given, see :func:`write_cdxj`) and
    merge those parts into ``index_path``, under a lock so that concurrent crawls of one data
    folder don't clash. Returns the number of lines in the merged index.

    Only the new parts are merged into the existing index (two sorted files read at a time,
    lines already there are not repeated), so a crawl's merge does not open every part of the
    archive; without an index, every part is merged, at most ``MERGE_FAN_IN`` files at once.
    A part gets its final name once merged: a crawl killed before that leaves its WARCs
    ``unindexed``, and the next crawl merges them."""
    index = Path(index_path)
    parts_dir = index.parent / "indexes"
    new = index_parts(warc_files, index, suffix=".new", gets_only=gets_only, known=known)
    with open(index.with_name(index.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        # a lost index is rebuilt from every part
        old = [index] if index.exists() else sorted(parts_dir.glob("*.cdxj"))
        tmp = index.with_name(f"{index.name}.{os.getpid()}.tmp")
        count = _merge_files([*old, *new], tmp)
        os.replace(tmp, index)
        for part in new:
            os.replace(part, part.with_suffix(""))
    return count


def index_parts(
    warc_files: Iterable[str | os.PathLike[str]],
    index_path: str | os.PathLike[str],
    suffix: str = "",
    *,
    gets_only: bool = False,
    known: Mapping[str, list[str]] | None = None,
) -> list[Path]:
    """Write one sorted CDXJ part per WARC file, ``indexes/<warc>.cdxj<suffix>`` beside
    ``index_path`` (``known``: see :func:`write_cdxj`)."""
    parts_dir = Path(index_path).parent / "indexes"
    parts_dir.mkdir(parents=True, exist_ok=True)
    parts = []
    for warc in warc_files:
        parts.append(parts_dir / f"{Path(warc).name}.cdxj{suffix}")
        write_cdxj([warc], parts[-1], gets_only=gets_only, known=known)
    return parts


MERGE_FAN_IN = 200  # files open at once in a merge (the usual open-file limit is 1,024)


def _merge_files(sources: list[Path], out_path: Path) -> int:
    """Merge sorted CDXJ files into ``out_path`` (equal lines once, header lines dropped), in
    rounds of at most ``MERGE_FAN_IN`` files. Returns the number of lines written."""
    rounds: list[Path] = []
    try:
        while len(sources) > MERGE_FAN_IN:
            merged = []
            for start in range(0, len(sources), MERGE_FAN_IN):
                step = out_path.with_name(f"{out_path.name}.{len(rounds)}")
                _merge_round(sources[start : start + MERGE_FAN_IN], step)
                rounds.append(step)
                merged.append(step)
            sources = merged
        return _merge_round(sources, out_path)
    finally:
        for step in rounds:
            step.unlink(missing_ok=True)


def _merge_round(sources: list[Path], out_path: Path) -> int:
    files = [p.open(encoding="utf-8") for p in sources]
    count = 0
    previous = None
    try:
        with out_path.open("w", encoding="utf-8") as out:
            for line in heapq.merge(*files):
                if not line.strip() or line.startswith("!"):
                    continue
                if not line.endswith("\n"):
                    line += "\n"
                if line == previous:
                    continue
                out.write(line)
                previous = line
                count += 1
    finally:
        for f in files:
            f.close()
    return count
