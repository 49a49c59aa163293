"""Run pywb in tests. pywb 2.8 does not start as installed here (gevent's plugin loader trips
over the old ``pkg_resources``; pywb's pinned fakeredis 0.15 needs ``redis.utils.dummy``, gone
from redis 5+), so the server is started through ``LAUNCHER``, which works around both and then
runs pywb's own ``wayback`` entry point unchanged.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

BIN = Path(sys.executable).parent
LAUNCHER = """
import sys
import redis.utils
if not hasattr(redis.utils, "dummy"):
    class dummy:
        pass
    redis.utils.dummy = dummy
import gevent.events as events
def notify_and_call_entry_points(event):
    events.notify(event)
    for plugin in events.iter_entry_points(event.ENTRY_POINT_NAME):
        plugin.resolve()(event)
events.notify_and_call_entry_points = notify_and_call_entry_points
from pywb.apps.cli import wayback
sys.argv = ["wayback", "-b", "127.0.0.1", "-p", sys.argv[1]]
wayback()
"""


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
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@contextmanager
def wayback_server(root: Path, collection: str, warcs: Iterable[Path]) -> Iterator[str]:
    """``wb-manager init/add`` the WARCs into ``root``, serve them; yield the collection URL."""
    for args in (["init", collection], ["add", collection, *map(str, warcs)]):
        subprocess.run([BIN / "wb-manager", *args], cwd=root, check=True, capture_output=True)
    (root / "launch.py").write_text(LAUNCHER)
    port = free_port()
    log = (root / "wayback.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "launch.py", str(port)], cwd=root, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, (root / "wayback.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "pywb did not start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/{collection}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
