"""SQLite and PostgreSQL keep the same dataset (issue 5): the session crawl's WARCs replayed into
PostgreSQL export exactly the SQLite crawl's articles, and one portal crawled straight into
PostgreSQL exports that portal's articles of the SQLite crawl (capture fields aside).

Each test gets a fresh database (CREATE DATABASE, DROP DATABASE ... WITH (FORCE) afterwards);
skipped when no PostgreSQL answers on 127.0.0.1:5432 as user ``postgres``.
"""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from tests.helpers import FAST, scrapy, service_missing

PG_SERVER = "postgres@127.0.0.1:5432"
PG_ADMIN = f"postgresql+psycopg://{PG_SERVER}/postgres"
CRAWLED_PORTAL = "demo_hongan"  # list pages with query strings, syndicated copies, a byline


def _postgres_error() -> str | None:
    try:
        with create_engine(PG_ADMIN).connect():
            return None
    except OperationalError as exc:  # refused or failed connection; anything else is a failure
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


@pytest.fixture
def pg_url():
    """``postgresql://`` URL of a fresh, empty database, dropped after the test."""
    error = _postgres_error()
    if error is not None:
        service_missing(f"PostgreSQL is not reachable at {PG_SERVER} ({error})")
    name = f"t_e2e_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield f"postgresql://{PG_SERVER}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def _export(env: dict[str, str], out: Path, *args: str) -> list[dict[str, Any]]:
    scrapy("export", "-o", str(out), *args, env=env)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def _differences(
    want: list[dict[str, Any]], got: list[dict[str, Any]], skip: tuple[str, ...] = ()
) -> list[tuple[str, str, Any, Any]]:
    by_id = {a["id"]: a for a in got}
    return [
        (a["id"], name, a[name], by_id[a["id"]][name])
        for a in want
        for name in a
        if name not in skip and a[name] != by_id[a["id"]][name]
    ]


def test_replay_into_postgresql_exports_the_sqlite_crawl(crawled, pg_url, tmp_path):
    env = {
        "DATA_DIR": str(tmp_path / "data"),
        "SITES_DIR": crawled["env"]["SITES_DIR"],
        "DATABASE_URL": pg_url,
    }
    result = scrapy("replay", str(crawled["data"] / "warc"), env=env)
    assert "store/error" not in result.stderr
    assert not (tmp_path / "data" / "articles.db").exists()  # everything went to PostgreSQL
    exported = _export(env, tmp_path / "pg.jsonl")
    sqlite = crawled["articles"]
    assert len(sqlite) > 100
    assert sorted(a["id"] for a in exported) == sorted(a["id"] for a in sqlite)
    differences = _differences(sqlite, exported)  # every field, warc and fetched included
    assert differences == [], differences[:5]
    assert [tuple(a) for a in exported] == [tuple(a) for a in sqlite]  # same field order
    assert [a["id"] for a in exported] == [a["id"] for a in sqlite]  # same row order


def test_crawl_into_postgresql_exports_the_portals_sqlite_articles(crawled, pg_url, tmp_path):
    """The portal is crawled into a PostgreSQL database that already holds the other portals
    (replayed from the SQLite crawl's WARCs with their profiles only), so cross-portal clusters
    and ``duplicate_of`` are decided among the same copies as in the SQLite crawl."""
    sites = Path(crawled["env"]["SITES_DIR"])
    others = tmp_path / "other_sites"
    others.mkdir()
    for path in sites.glob("*.yaml"):
        if path.stem != CRAWLED_PORTAL:
            shutil.copy(path, others / path.name)
    data = tmp_path / "data"
    scrapy(
        "replay", str(crawled["data"] / "warc"),
        env={"DATA_DIR": str(data), "SITES_DIR": str(others), "DATABASE_URL": pg_url},
    )  # fmt: skip
    env = {"DATA_DIR": str(data), "SITES_DIR": str(sites), "DATABASE_URL": pg_url}
    crawl = scrapy("crawl", CRAWLED_PORTAL, *FAST, env=env)
    assert "store/error" not in crawl.stderr
    assert not (data / "articles.db").exists()
    exported = _export(env, tmp_path / "portal.jsonl", "--site", CRAWLED_PORTAL)
    sqlite = [a for a in crawled["articles"] if a["site"] == CRAWLED_PORTAL]
    assert len(sqlite) >= 20
    assert [a["id"] for a in exported] == [a["id"] for a in sqlite]
    differences = _differences(sqlite, exported, skip=("fetched", "warc"))
    assert differences == [], differences[:5]
    # a new capture: its own WARC records, in this run's WARC folder
    by_id = {a["id"]: a for a in exported}
    for article in sqlite:
        again = by_id[article["id"]]
        assert again["fetched"] >= article["fetched"]
        assert (data / "warc" / again["warc"]["file"]).is_file()
    syndicated = [a for a in sqlite if a["duplicate_of"] or a["cluster"] != "c" + a["id"]]
    assert syndicated, "the compared portal must hold copies of other portals' stories"
