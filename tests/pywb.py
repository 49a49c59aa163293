"""Run pywb in tests: ``wb-manager init/add`` a collection, then pywb's ``wayback`` started
through :mod:`crawler.wayback` (the launcher ``scrapy wayback`` uses; it explains why pywb
needs one here)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tests.helpers import ROOT

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    status, _, body = get_full(url)
    return status, body


def get_full(url: str) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def wait_for_port(
    proc: subprocess.Popen[bytes], port: int, log: Path, seconds: float = 120
) -> None:
    """Wait until ``proc`` listens on ``port`` (it must not exit first)."""
    deadline = time.monotonic() + seconds
    while True:
        assert proc.poll() is None, log.read_text(errors="replace")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            assert time.monotonic() < deadline, "pywb did not start"
            time.sleep(0.1)


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def wayback_server(root: Path, collection: str, warcs: Iterable[Path]) -> Iterator[str]:
    """``wb-manager init/add`` the WARCs into ``root``, serve them; yield the collection URL."""
    for args in (["init", collection], ["add", collection, *map(str, warcs)]):
        subprocess.run([BIN / "wb-manager", *args], cwd=root, check=True, capture_output=True)
    port = free_port()
    log_path = root / "wayback.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "crawler.wayback", "-b", "127.0.0.1", "-p", str(port)],
            cwd=root, env=env, stdout=log, stderr=log,
        )  # fmt: skip
        try:
            wait_for_port(proc, port, log_path)
            yield f"http://127.0.0.1:{port}/{collection}"
        finally:
            stop(proc)
