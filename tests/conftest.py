"""Fixtures: a running portal simulator and one crawl of all its portals, shared by the
end-to-end tests (crawling takes seconds, so it happens once per test session)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import FAST, free_base_port, scrapy
from tests.simulator import Simulator


@pytest.fixture(scope="session")
def simulator():
    sim = Simulator(base_port=free_base_port())
    sim.start()
    yield sim
    sim.stop()


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
