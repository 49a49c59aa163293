"""Is a database's schema at the head of our migrations? Answered without SQLAlchemy or Alembic
when it can be: a crawl's process checks its database before any request, and a SQLite file
at head (every scheduled crawl's case) needs only the standard library's ``sqlite3`` for that.
The store process, which writes, opens the database with SQLAlchemy (``crawler.db.session``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

_REVISION = re.compile(
    r"^(down_)?revision(?:\s*:[^=\n]+)?\s*=\s*(?:['\"]([^'\"]+)['\"]|None)", re.MULTILINE
)


def script_head() -> str | None:
    """The head revision of our migration scripts, read from their ``revision`` and
    ``down_revision`` lines without importing Alembic (a second at start-up). None when the
    scripts cannot be read that way (a branch, a merge): then Alembic decides."""
    revisions: dict[str, str | None] = {}
    for path in (MIGRATIONS / "versions").glob("[0-9]*.py"):
        found = {bool(m[1]): m[2] for m in _REVISION.finditer(path.read_text(encoding="utf-8"))}
        if False not in found or found[False] is None:
            return None
        revisions[found[False]] = found.get(True)
    heads = set(revisions) - set(revisions.values())
    return heads.pop() if len(heads) == 1 else None


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///<path>`` URL (no query, no escapes), else None."""
    if not url.startswith("sqlite:///") or any(c in url for c in "?%#"):
        return None
    path = url.removeprefix("sqlite:///")
    if not path or path.startswith(":memory:"):
        return None
    return Path(path)


def sqlite_at_head(url: str) -> bool:
    """True when ``url`` is a SQLite file that exists and whose ``alembic_version`` holds
    exactly the scripts' head, read with ``sqlite3`` (no SQLAlchemy). False whenever that is
    not certain (another database, no file yet, an older schema, any error): the caller then
    opens the database the full way (``crawler.db.session.open_engine``), which migrates it or
    says why it cannot be opened."""
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return False
    head = script_head()
    if head is None:
        return False
    import sqlite3

    try:
        # mode=rw: never creates a file; WAL files are made and removed as by any reader
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=30)
        try:
            rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    return rows == [(head,)]


def sqlite_to_create(url: str) -> bool:
    """True when ``url`` is a plain SQLite file that does not exist yet, in a folder that exists
    (made here, as opening would) and can take it: nothing can be wrong with it that opening it
    would tell now, so the crawl's process leaves creating it (SQLAlchemy, Alembic: ~1 s of
    CPU) to the store process, which opens it anyway, on another core."""
    path = sqlite_file(url)
    if path is None or path.exists():
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(path.parent, os.W_OK | os.X_OK)
