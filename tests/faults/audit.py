"""What every fault case checks at its end (the issue's acceptance): every closed WARC passes
``gzip -t`` and ``warcio check`` and none is left ``.open``; every stored article's ``warc``
pointer reads back its own response record (same URL, same length); which articles are stored,
and how often; and whether the duplicate clusters are consistent."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from archive import read_record

WARCIO = str(Path(sys.executable).parent / "warcio")


@dataclass
class Audit:
    stored: Counter[str] = field(default_factory=Counter)  # url -> rows
    warcs: int = 0
    problems: list[str] = field(default_factory=list)  # damaged or open WARCs, bad pointers

    @property
    def bad_warcs(self) -> int:
        return sum(1 for p in self.problems if p.startswith("warc "))

    @property
    def bad_pointers(self) -> int:
        return sum(1 for p in self.problems if p.startswith("pointer "))

    @property
    def bad_clusters(self) -> int:
        return sum(1 for p in self.problems if p.startswith("cluster "))


def sqlite_url(data: Path) -> str:
    return f"sqlite:///{data / 'articles.db'}"


def article_rows(database_url: str) -> list[dict[str, Any]]:
    """Every stored article's url, pointer and cluster fields (no rows: no database yet)."""
    from crawler.db.session import driver_url

    engine = create_engine(driver_url(database_url))
    try:
        with engine.connect() as conn:
            query = (
                "SELECT id, url, warc_file, warc_offset, warc_length, cluster, duplicate_of "
                "FROM articles"
            )
            return [dict(row._mapping) for row in conn.execute(text(query))]
    except Exception as exc:
        if "articles" in str(exc) or "unable to open" in str(exc):
            return []
        raise
    finally:
        engine.dispose()


def check_warcs(warc_dir: Path) -> tuple[int, list[str]]:
    """(closed WARCs, problems): ``gzip -t`` and ``warcio check`` on each; ``.open`` left."""
    problems = [f"warc {p.name}: left open" for p in sorted(warc_dir.glob("*.open"))]
    files = sorted(warc_dir.glob("*.warc.gz"))
    for path in files:
        for tool in (["gzip", "-t"], [WARCIO, "check"]):
            result = subprocess.run([*tool, str(path)], capture_output=True, text=True, check=False)
            if result.returncode != 0:
                said = (result.stdout + result.stderr).strip().splitlines()[-1:] or [""]
                problems.append(f"warc {path.name}: {Path(tool[0]).name} failed: {said[0]}")
    return len(files), problems


def check_pointers(warc_dir: Path, rows: list[dict[str, Any]]) -> list[str]:
    """Each article's ``warc`` pointer must read back a response record of its own URL and of
    the stored length."""
    problems = []
    for row in rows:
        if row["warc_file"] is None:
            problems.append(f"pointer {row['url']}: none")
            continue
        where = f"{row['warc_file']}:{row['warc_offset']}"
        try:
            capture = read_record(warc_dir / row["warc_file"], row["warc_offset"])
        except (ValueError, OSError) as exc:
            problems.append(f"pointer {row['url']}: {where} unreadable ({exc})")
            continue
        if (capture.url, capture.record_type, capture.length) != (
            row["url"],
            "response",
            row["warc_length"],
        ):
            problems.append(
                f"pointer {row['url']}: {where} holds the {capture.record_type} of "
                f"{capture.url} ({capture.length} bytes, stored {row['warc_length']})"
            )
    return problems


def check_clusters(rows: list[dict[str, Any]]) -> list[str]:
    """Each cluster has one canonical copy and every other copy points to it."""
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        members[row["cluster"]].append(row)
    problems = []
    for cluster, copies in sorted(members.items(), key=lambda kv: str(kv[0])):
        canon = [c["id"] for c in copies if c["duplicate_of"] is None]
        others = {c["duplicate_of"] for c in copies if c["duplicate_of"] is not None}
        if cluster is None or len(canon) != 1 or not others <= set(canon):
            problems.append(
                f"cluster {cluster}: {len(copies)} copies, canonical {canon}, point to "
                f"{sorted(others)}"
            )
    return problems


def audit(data: Path, database_url: str | None = None) -> Audit:
    """The checks above over a ``DATA_DIR`` (WARCs in ``data/warc``) and its database."""
    rows = article_rows(database_url or sqlite_url(data))
    found = Audit(stored=Counter(row["url"] for row in rows))
    warc_dir = data / "warc"
    found.warcs, found.problems = check_warcs(warc_dir)
    found.problems += check_pointers(warc_dir, rows)
    found.problems += check_clusters(rows)
    return found


def partition(rows: list[dict[str, Any]]) -> dict[str, str | None]:
    """Article id -> cluster id, to compare two databases' clusters."""
    return {row["id"]: row["cluster"] for row in rows}
