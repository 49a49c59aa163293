"""A record damaged at every byte: a WARC of three exchanges whose middle response record is
(a) cut short at each of its offsets as a kill leaves an ``.open`` file, then repaired, and
(b) cut short at each offset with the records after it kept (a failed write followed by whole
records), then read as replay reads. The damage must cost exactly that record, never a crash; a
repaired file must pass ``gzip -t`` and ``warcio check`` (run on a few of the cuts)."""

from __future__ import annotations

import gzip
import subprocess
from pathlib import Path

from archive.reader import ReadStats, iter_captures
from archive.recovery import recover
from tests.archive.factory import gzip_response, make_writer, request
from tests.faults.audit import WARCIO
from tests.faults.cases import Case

URLS = [f"http://d.test/{i}.html" for i in range(3)]


def captures(path: Path) -> tuple[list[str], ReadStats]:
    stats = ReadStats()
    return [c.url for c in iter_captures([path], stats)], stats


def written(root: Path) -> tuple[bytes, str, int, int]:
    """(bytes, file name, start and end of the middle response record's gzip member)."""
    w = make_writer(root / "w")
    refs = [
        w.write_exchange(request(url), gzip_response(url, f"<p>第{i}篇</p>"))
        for i, url in enumerate(URLS)
    ]
    w.close()
    [path] = w.files
    return path.read_bytes(), path.name, refs[1].offset, refs[1].offset + refs[1].length


def repaired_at_every_byte(root: Path, case: Case) -> None:
    data, name, start, end = written(root)
    folder = root / "crashed"
    folder.mkdir()
    tools = {start, start + 1, (start + end) // 2, end - 1}
    for cut in range(start, end):
        (folder / f"{name}.open").write_bytes(data[:cut])
        told: list[tuple[str, int]] = []
        made = recover(folder, lambda file, at, told=told: told.append((file, at)))
        case.truth += 1
        if len(made) != 1 or made[0].read_bytes() != data[:start]:
            case.problems.append(f"repair of a cut at {cut}: {made}, not the records before")
            continue
        fixed = made[0]
        if told != ([(name, start)] if cut > start else []):
            case.problems.append(f"repair of a cut at {cut} told {told}")
        try:
            gzip.decompress(fixed.read_bytes())
        except (OSError, EOFError) as exc:
            case.problems.append(f"repair of a cut at {cut}: not whole gzip ({exc})")
        urls, stats = captures(fixed)
        if urls != URLS[:1] or stats.errors:
            case.problems.append(f"repair of a cut at {cut}: read {urls}, {stats.errors}")
        for tool in (["gzip", "-t"], [WARCIO, "check"]) if cut in tools else ():
            if subprocess.run([*tool, str(fixed)], capture_output=True, check=False).returncode:
                case.problems.append(f"repair of a cut at {cut}: {tool[0]} fails")
        fixed.unlink()


def replayed_at_every_byte(root: Path, case: Case) -> None:
    data, name, start, end = written(root)
    path = root / name
    for cut in range(start + 1, end):
        path.write_bytes(data[:cut] + data[end:])  # the records after it are whole
        case.truth += 1
        urls, stats = captures(path)
        if urls != [URLS[0], URLS[2]]:
            case.lost += 1
            case.problems.append(f"replay of a cut at {cut} read {urls}")
        elif sum(stats.skipped.values()) != 1 or not stats.errors[0].startswith(
            f"{name}:{start}: "
        ):
            case.problems.append(f"replay of a cut at {cut}: skipped {stats.skipped}")
    # such a file, left open, is never cut: the whole records after the damage may be pointed to
    (root / "open").mkdir()
    damaged = root / "open" / f"{name}.open"
    damaged.write_bytes(data[: (start + end) // 2] + data[end:])
    told: list[int] = []
    if recover(damaged.parent, lambda file, at: told.append(at)) or told or not damaged.exists():
        case.problems.append("a damaged file followed by whole records was cut")


def cut_at_every_byte(root: Path) -> Case:
    """Both of the above; ``truth`` counts the damaged files tried."""
    case = Case("WARC record cut at every byte", exit_status=0)
    (root / "a").mkdir(parents=True)
    (root / "b").mkdir()
    repaired_at_every_byte(root / "a", case)
    replayed_at_every_byte(root / "b", case)
    return case
