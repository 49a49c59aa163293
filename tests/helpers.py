"""Shared test helpers: run the project's ``scrapy`` commands in a subprocess, as a user would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

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


def free_base_port() -> int:
    """A base port whose next six ports are free (the simulator serves on base+1..base+6)."""
    for base in range(19000 + (os.getpid() % 500) * 20, 40000, 10):
        try:
            for offset in range(1, 7):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", base + offset))
        except OSError:
            continue
        return base
    raise RuntimeError("no free ports for the simulator")


def count_articles(db: Path) -> int:
    """Articles stored in a SQLite database so far (0 while it does not exist yet)."""
    import sqlite3

    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0
