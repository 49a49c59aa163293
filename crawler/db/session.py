"""Engine and sessions from ``DATABASE_URL``; the schema is brought to the latest Alembic
revision on open. SQLite gets WAL and a busy timeout so a crawl and a reader can share it.
"""

from __future__ import annotations

import fcntl
import random
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from crawler.db.head import MIGRATIONS, script_head
from crawler.status import CommandError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

CONNECT_TIMEOUT = 10  # seconds: an unreachable host fails in seconds, not at the TCP timeout


class DatabaseUnavailable(CommandError):
    """``DATABASE_URL`` cannot be opened: the message names the URL (password hidden) and why."""


def shown_url(url: str) -> str:
    """``url`` with its password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"(//[^:/@]*:)[^@/]*@", r"\1***@", url)


def driver_url(url: str) -> str:
    """The SQLAlchemy URL to open: ``postgres://`` (libpq's and Heroku's spelling) is read as
    ``postgresql://``, and both open with psycopg 3."""
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url.removeprefix(scheme)
    return url


def _cause(exc: BaseException) -> str:
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        exc = exc.orig
    if isinstance(exc, ArgumentError):
        return "not a database URL (e.g. sqlite:///data/articles.db, postgresql://user@host/db)"
    if isinstance(exc, (NoSuchModuleError, ImportError)):
        return f"no database driver for it ({exc})"
    return " ".join(str(exc).split()) or type(exc).__name__


WAL_SWITCH_SECONDS = 30.0  # how long a connection keeps trying to turn a new file to WAL


def _wal(cursor: Any) -> None:
    """``PRAGMA journal_mode=WAL``, retried: on a brand-new file the switch needs an exclusive
    lock, and when two processes open the file at the same moment SQLite answers one of them
    "database is locked" at once (a deadlock it refuses to wait out, so ``busy_timeout`` does not
    help). The other switches the file; this one tries again and finds it in WAL already."""
    deadline = time.monotonic() + WAL_SWITCH_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02 + random.random() * 0.05)


WAL_CHECKPOINT_PAGES = 16_384  # 64 MiB of 4 KiB pages
WAL_SIZE_LIMIT = 128 * 2**20  # bytes


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    _wal(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # 64 MiB of page cache per connection (default 2 MiB): the duplicate index's b-trees are
    # probed at random keys; a fixed size keeps memory bounded whatever the database size
    cursor.execute("PRAGMA cache_size=-65536")
    # a checkpoint when the WAL passes WAL_CHECKPOINT_PAGES (default 1,000): a store batch
    # dirties ~1,000-4,000 pages (random leaves of the articles' and the index's b-trees), so
    # with the default nearly every commit checkpointed and wrote each page twice; the WAL
    # file is cut back to WAL_SIZE_LIMIT after a checkpoint (a merge's transaction can grow it
    # to hundreds of MB)
    cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
    cursor.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url`` (``postgresql://`` opens with psycopg 3); SQLite folders created."""
    url = driver_url(url)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    connect_args = {}
    if url.startswith("postgresql") and "connect_timeout" not in url:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT
    engine = create_engine(url, connect_args=connect_args)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


@contextmanager
def _beside(database: str, suffix: str) -> Iterator[None]:
    """An exclusive ``flock`` on the file ``<database><suffix>`` for the block."""
    with open(f"{database}{suffix}", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


STORE_LOCK = 742002  # PostgreSQL advisory lock key of the store transaction


@contextmanager
def store_lock(session: Session) -> Iterator[None]:
    """One store transaction at a time on a database, across processes: dedup reads the
    duplicate index, chooses clusters and writes them in one transaction, so two writers doing
    it at once would each miss the other's copies (a story split into two clusters).
    PostgreSQL takes an advisory lock held until the session's transaction ends (enter this at
    its start); SQLite holds a ``flock`` beside the file for the block (commit inside it)."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text(f"SELECT pg_advisory_xact_lock({STORE_LOCK})"))
        yield
        return
    database = bind.engine.url.database
    if bind.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with _beside(database, ".store.lock"):
        yield


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """One migrating process at a time on a SQLite file (a flock beside it): two workers opening
    a fresh database at once must not both create its tables. PostgreSQL takes an advisory lock
    inside the migration's transaction instead (see :func:`upgrade`)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with _beside(database, ".migrate.lock"):
        yield


def at_head(engine: Engine) -> bool:
    """True when the database's ``alembic_version`` holds exactly the scripts' head: nothing to
    migrate, and Alembic need not be imported."""
    head = script_head()
    if head is None:
        return False
    try:
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError as exc:
        if "alembic_version" in str(exc):
            return False  # a fresh database: no version table yet
        raise
    return [row[0] for row in stored] == [head]


def upgrade(engine: Engine) -> None:
    """Run Alembic migrations up to head on ``engine`` (a quick check first: at head already,
    Alembic is not even imported)."""
    if at_head(engine):
        return
    import logging

    # alembic logs a line per built-in plugin when it is first imported, and one per migration
    # context: neither says anything to a user of ours, so they are quieted before the import
    for name in ("alembic.runtime.migration", "alembic.runtime.plugins"):
        logging.getLogger(name).setLevel(logging.WARNING)
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # the lock is released only after the migration committed: released before the commit, the
    # next process read the old schema and created the tables again ("table already exists")
    with _migration_lock(engine), engine.begin() as connection:
        if engine.dialect.name == "postgresql":  # held until this transaction ends
            connection.execute(text("SELECT pg_advisory_xact_lock(742001)"))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(url: str) -> sessionmaker[Session]:
    """Engine + migrations + a session factory: the one way commands and pipelines open the db.

    Raises :class:`DatabaseUnavailable` (one line: the URL, password hidden, and the cause)
    when the URL does not parse, has no driver, or the database cannot be reached or migrated.
    """
    return session_factory(open_engine(url))


def open_engine(url: str) -> Engine:
    """:func:`open_database` without the session factory (and without importing the ORM)."""
    try:
        engine = make_engine(url)
        upgrade(engine)
    except (ArgumentError, NoSuchModuleError, ImportError, DBAPIError, OSError) as exc:
        raise DatabaseUnavailable(
            f"cannot open the database {shown_url(url)}: {_cause(exc)}"
        ) from None
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on ``engine`` (the ORM is imported here, when first needed)."""
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(engine, expire_on_commit=False)
