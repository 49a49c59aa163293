"""Fixtures: a running portal simulator and one crawl of all its portals, shared by the
end-to-end tests (crawling takes seconds, so it happens once per test session); ``--reverse``
runs the suite backwards to catch tests that depend on the order they run in."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from tests.helpers import FAST, running_simulator, scrapy, service_missing


def pytest_addoption(parser):
    parser.addoption(
        "--reverse",
        action="store_true",
        help="run the tests in reverse order: a test that passes only after another has run "
        "(shared state, order) fails",
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("--reverse"):
        items.reverse()


@pytest.fixture(scope="session")
def simulator():
    with running_simulator() as sim:
        yield sim


@pytest.fixture(scope="session")
def crawled(simulator, tmp_path_factory) -> dict[str, Any]:
    """Every simulator portal crawled into a fresh DATA_DIR and exported as JSONL."""
    root = tmp_path_factory.mktemp("crawl")
    sites = root / "sites"
    sites.mkdir()
    simulator.write_profiles(sites)
    env = {"DATA_DIR": str(root / "data"), "SITES_DIR": str(sites)}
    logs = {}
    for portal in simulator.portals:
        logs[portal.id] = scrapy("crawl", portal.id, *FAST, env=env).stderr
    export = root / "articles.jsonl"
    scrapy("export", "-o", str(export), env=env)
    articles = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    return {
        "root": root,
        "env": env,
        "data": Path(env["DATA_DIR"]),
        "export": export,
        "articles": articles,
        "logs": logs,
        "truth": simulator.truth(),
    }


PG_SERVER = "postgres@127.0.0.1:5432"
PG_ADMIN = f"postgresql+psycopg://{PG_SERVER}/postgres"


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


@pytest.fixture
def make_crawler(tmp_path):
    """Crawlers built with Scrapy's ``get_crawler`` (as Scrapy's own tests build theirs) over the
    project's settings, ``DATA_DIR`` and a SQLite database in ``tmp_path``, with a spider named
    ``county``; their extensions are closed afterwards."""
    from scrapy import Spider
    from scrapy.settings import BaseSettings
    from scrapy.utils.test import get_crawler

    from crawler.extensions.database import Database
    from crawler.extensions.workers import WorkerPool

    made = []

    def make(**overrides):
        settings = BaseSettings()
        settings.setmodule("crawler.settings", priority="project")
        values = {
            **settings.copy_to_dict(),
            "DATA_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'articles.db'}",
            "SITES_DIR": str(tmp_path / "sites"),
            **overrides,
        }
        crawler = get_crawler(Spider, values)
        crawler.spider = Spider(name="county")
        made.append(crawler)
        return crawler

    yield make
    for crawler in made:
        for ext in (crawler.get_extension(WorkerPool), crawler.get_extension(Database)):
            if ext is not None:
                ext.close()


def pytest_terminal_summary(terminalreporter):
    """The fault suite's summary line (``tests/faults``): cases, survived, lost, stored twice."""
    from tests.faults.cases import MADE, summary

    if MADE:
        terminalreporter.write_sep("-", "fault suite")
        terminalreporter.write_line(f"fault cases: {summary(MADE)}")
        for case in MADE:
            if not case.survived:
                terminalreporter.write_line(f"  not survived: {case.line()}")
