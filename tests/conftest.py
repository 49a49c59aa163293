"""Fixtures: a running portal simulator and one crawl of all its portals, shared by the
end-to-end tests (crawling takes seconds, so it happens once per test session)."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import FAST, scrapy
from tests.simulator import Simulator


def _free_base_port() -> int:
    """A base port whose next six ports are free (the simulator serves on base+1..base+6)."""
    for base in range(19000, 30000, 10):
        try:
            for offset in range(1, 7):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", base + offset))
        except OSError:
            continue
        return base
    raise RuntimeError("no free ports for the simulator")


@pytest.fixture(scope="session")
def simulator():
    sim = Simulator(base_port=_free_base_port())
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
