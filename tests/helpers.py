"""Shared test helpers: run the project's ``scrapy`` commands in a subprocess, as a user would."""

from __future__ import annotations

import errno
import os
import random
import select
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, NoReturn

import pytest

from tests.simulator import Simulator

ROOT = Path(__file__).resolve().parent.parent
SCRAPY = [sys.executable, "-m", "scrapy"]
# loopback simulator: no politeness delays, so tests run in seconds
FAST = [
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "AUTOTHROTTLE_ENABLED=False",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "-s", "LOG_LEVEL=INFO",
]  # fmt: skip


def scrapy(
    *args: str, env: dict[str, str] | None = None, check: bool = True, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    """``scrapy <args>`` from the project root with extra environment variables."""
    full_env = {**os.environ, **(env or {})}
    result = subprocess.run(
        [*SCRAPY, *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"scrapy {' '.join(args)} exited {result.returncode}\n{result.stderr[-4000:]}"
        )
    return result


def run_python(code: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``code`` run by this interpreter in a fresh process from the project root (what a
    process imports or leaves loaded, away from what this test process already holds);
    output captured, the exit status left to the caller."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_base_port() -> int:
    """A base port whose next six ports were free a moment ago (the simulator serves on
    base+1..base+6). Another process may take one before the simulator binds it: start the
    simulator with :func:`running_simulator`, which retries on EADDRINUSE."""
    rng = random.Random()
    for _ in range(200):
        base = rng.randrange(19000, 40000, 10)
        try:
            for offset in range(1, 7):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", base + offset))
        except OSError:
            continue
        return base
    raise RuntimeError("no free ports for the simulator")


@contextmanager
def running_simulator(**kwargs: Any) -> Iterator[Simulator]:
    """A started :class:`Simulator` on free ports, stopped on exit. Choosing ports and binding
    them cannot be one atomic step across processes, so a bind that loses the race
    (EADDRINUSE) is retried on other ports."""
    for _ in range(20):
        sim = Simulator(base_port=free_base_port(), **kwargs)
        try:
            sim.start()
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            continue
        try:
            yield sim
        finally:
            sim.stop()
        return
    raise RuntimeError("the simulator could not bind free ports in 20 attempts")


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``condition`` until it holds; fail the test, naming ``what``, after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.1)


def readline(stream: IO[str], timeout: float) -> str:
    """The next line of a child's pipe, failing the test when none comes within ``timeout``."""
    ready, _, _ = select.select([stream], [], [], timeout)
    if not ready:
        raise AssertionError(f"no output from the child process within {timeout:.0f}s")
    return stream.readline()


def service_missing(reason: str) -> NoReturn:
    """A service a test needs (PostgreSQL, Redis, Chromium) is absent: skip with the reason, or,
    under ``REQUIRE_SERVICES=1`` (CI), fail, so a machine without the service cannot pass."""
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason}; REQUIRE_SERVICES=1 requires it")
    pytest.skip(reason)


def copy_database(data_dir: Path, root: Path) -> dict[str, str]:
    """A private copy of ``data_dir/articles.db`` (SQLite's backup API, so pages still in the
    WAL come along) in ``root/data``; returns the env that points a command at it. Tests that
    change a database work on such a copy, never on one other tests read."""
    import sqlite3

    target = root / "data"
    target.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(data_dir / "articles.db")
    copy = sqlite3.connect(target / "articles.db")
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    return {"DATA_DIR": str(target)}


def count_articles(db: Path) -> int:
    """Articles stored in a SQLite database so far (0 while it does not exist yet)."""
    import sqlite3

    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0
