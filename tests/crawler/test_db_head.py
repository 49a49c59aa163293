"""The crawl's database check reads a SQLite file's schema version with ``sqlite3`` alone, and
answers "at head" only when it is: anything else goes the full way (SQLAlchemy, Alembic)."""

from __future__ import annotations

import sqlite3

from crawler.db.head import script_head, sqlite_at_head, sqlite_to_create
from crawler.db.session import open_database


def test_a_sqlite_file_is_at_head_only_once_migrated_to_it(tmp_path):
    path = tmp_path / "a.db"
    url = f"sqlite:///{path}"
    assert not sqlite_at_head(url)
    assert not path.exists()  # the check never creates the file
    open_database(url)
    assert sqlite_at_head(url)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'older'")
    assert not sqlite_at_head(url)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (script_head(),))
    assert sqlite_at_head(url)


def test_a_file_without_our_schema_is_not_at_head(tmp_path):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE t (a)")
    (tmp_path / "text.db").write_text("not a database")
    assert not sqlite_at_head(f"sqlite:///{other}")
    assert not sqlite_at_head(f"sqlite:///{tmp_path / 'text.db'}")
    assert not sqlite_at_head(f"sqlite:///{tmp_path}")  # a folder


def test_other_urls_go_the_full_way(tmp_path):
    path = tmp_path / "a.db"
    open_database(f"sqlite:///{path}")
    assert sqlite_at_head(f"sqlite:///{path}")
    for url in (
        f"sqlite:///{path}?timeout=5",
        "sqlite:///:memory:",
        "sqlite://",
        f"postgresql://user@127.0.0.1/{path.name}",
        "articles",
    ):
        assert not sqlite_at_head(url), url


def test_a_sqlite_file_yet_to_be_made_is_left_to_the_store_process(tmp_path):
    # the crawl's check neither imports SQLAlchemy nor creates the file: the store process
    # creates and migrates it (a fresh process: this one imported both long ago)
    from tests.helpers import run_python

    path = tmp_path / "new" / "articles.db"
    probe = (
        "import sys\n"
        "from crawler.runs import check_database\n"
        f"check_database({{'DATABASE_URL': 'sqlite:///{path}'}})\n"
        "print(sorted(m for m in ('sqlalchemy', 'alembic') if m in sys.modules))\n"
    )
    done = run_python(probe)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert path.parent.is_dir()
    assert not path.exists()
    # an existing file that is not at head still goes the full way (opened and migrated)
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (a)")
    assert not sqlite_to_create(f"sqlite:///{path}")
