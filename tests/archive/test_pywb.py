"""pywb indexes and replays our WARCs: ``wb-manager init/add``, then ``wayback``.

pywb 2.8 does not start as installed here (gevent's plugin loader trips over the old
``pkg_resources``; pywb's pinned fakeredis 0.15 needs ``redis.utils.dummy``, gone from redis 5+),
so the server is started through ``LAUNCHER``, which works around both and then runs pywb's
own ``wayback`` entry point unchanged.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from archive.reader import read_record
from archive.records import ascii_url
from tests.archive.factory import (
    ARTICLE_HTML,
    gzip_response,
    make_writer,
    plain_response,
    request,
)

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


@pytest.fixture
def wayback(tmp_path):
    """A collection ``t`` holding one WARC, served by pywb; yields (base URL, refs)."""
    w = make_writer(tmp_path / "warc")
    gbk = "<p>中文 GBK 页面</p>".encode("gbk")
    refs = {
        "gzip": w.write_exchange(request(), gzip_response()),
        "plain": w.write_exchange(
            request("http://example.test/gbk.shtml"),
            plain_response("http://example.test/gbk.shtml", gbk),
        ),
    }
    original = read_record(w.directory / (refs["gzip"].file + ".open"), refs["gzip"].offset)
    refs["revisit"] = w.write_revisit(
        request(),
        gzip_response(),
        gzip_response().url,
        refs["gzip"].date,
        "identical-payload-digest",
        payload_digest=original.payload_digest,
    )
    w.close()
    for args in (["init", "t"], ["add", "t", *map(str, w.files)]):
        subprocess.run([BIN / "wb-manager", *args], cwd=tmp_path, check=True, capture_output=True)
    (tmp_path / "launch.py").write_text(LAUNCHER)
    port = free_port()
    log = (tmp_path / "wayback.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "launch.py", str(port)], cwd=tmp_path, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "wayback.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/t", refs, gbk
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def timestamp(warc_date: str) -> str:
    return "".join(ch for ch in warc_date if ch.isdigit())[:14]


def test_pywb_replays_bodies_byte_identical(wayback):
    base, refs, gbk = wayback
    status, body = get(f"{base}/{timestamp(refs['plain'].date)}id_/http://example.test/gbk.shtml")
    assert status == 200
    assert body == gbk
    url = ascii_url(gzip_response().url)
    status, body = get(f"{base}/{timestamp(refs['gzip'].date)}id_/{url}")
    assert status == 200
    assert body == ARTICLE_HTML.encode("utf-8")  # pywb serves the decoded payload for identity


def test_pywb_resolves_identical_payload_revisit(wayback):
    base, refs, _ = wayback
    url = ascii_url(gzip_response().url)
    status, headers, body = get_full(f"{base}/{timestamp(refs['revisit'].date)}id_/{url}")
    assert status == 200
    assert headers["Memento-Datetime"] == "Tue, 25 Feb 2020 01:00:04 GMT"  # the revisit's time
    assert body == ARTICLE_HTML.encode("utf-8")
