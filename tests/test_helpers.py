"""The test helpers that decide what a green run proves: a missing service fails under
REQUIRE_SERVICES=1 (CI) and skips elsewhere; the simulator starts on free ports even when
another process takes the first ports it tried; waits fail loudly instead of running on."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from tests import helpers


def test_a_missing_service_skips_outside_ci(monkeypatch):
    monkeypatch.delenv("REQUIRE_SERVICES", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Redis is not running"):
        helpers.service_missing("Redis is not running")


def test_a_missing_service_fails_when_services_are_required(monkeypatch):
    monkeypatch.setenv("REQUIRE_SERVICES", "1")
    with pytest.raises(pytest.fail.Exception, match="REQUIRE_SERVICES=1"):
        helpers.service_missing("Redis is not running")


def test_ci_requires_the_services():
    assert "REQUIRE_SERVICES=1" in (helpers.ROOT / ".ci" / "run").read_text("utf-8")


def test_simulator_start_retries_when_its_ports_were_taken(monkeypatch):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    base = taken.getsockname()[1] - 3  # the simulator would serve on base+1..base+6
    offered = iter([base])
    real = helpers.free_base_port
    monkeypatch.setattr(helpers, "free_base_port", lambda: next(offered, None) or real())
    try:
        with helpers.running_simulator(articles_per_portal=2) as sim:
            ports = [p.port for p in sim.portals]
            assert taken.getsockname()[1] not in ports
            assert ports[0] != base + 1
    finally:
        taken.close()


def test_wait_for_fails_naming_what_it_waited_for():
    with pytest.raises(AssertionError, match="3 stored articles"):
        helpers.wait_for(lambda: False, 0.3, "3 stored articles")


def test_readline_fails_when_the_child_says_nothing():
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(30)"], stdout=subprocess.PIPE, text=True
    )
    try:
        with pytest.raises(AssertionError, match="no output"):
            helpers.readline(child.stdout, 0.3)
    finally:
        child.kill()
        child.wait()
