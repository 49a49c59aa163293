"""Fixtures: a running portal simulator and one crawl of all its portals, shared by the
end-to-end tests (crawling takes seconds, so it happens once per test session); ``--reverse``
runs the suite backwards to catch tests that depend on the order they run in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import FAST, running_simulator, scrapy


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
