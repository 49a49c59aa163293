"""A hostile server for the fault suite: HTTP 200 anti-bot challenges, 5xx bursts, 429 with a
short Retry-After (and, when asked, one longer than ``RETRY_AFTER_MAX``), connection resets,
truncated and slow bodies, a gzip bomb, a 50 MB page, binary served as text/html; and
:func:`hostile_case`, one crawl of it: each misbehaviour must be counted, none stored as an
article, and every good page stored."""

from __future__ import annotations

import gzip
import re
import socket
import sqlite3
import struct
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.faults.cases import Case
from tests.faults.procs import finish, start
from tests.helpers import FAST
from tests.simulator import corpus

CHALLENGE = (
    "<html><head><title>安全验证</title></head><body><script>"
    "document.cookie='__jsl_clearance=1';location.href=location.href;</script>"
    "</body></html>"
).encode()
SCRIPT_ONLY = (
    b"<html><head><script>var s='x';document.cookie='waf='+s;location.reload();</script>"
    b"</head><body></body></html>"
)


def article(n: int) -> bytes:
    lines = corpus.sentences()
    paragraphs = "".join(f"<p>{''.join(lines[n * 7 + i : n * 7 + i + 3])}</p>" for i in range(4))
    return (
        f"<html><head><title>县里新闻第{n}号</title></head><body><h1>县里新闻第{n}号</h1>"
        f"<div class='info'>发布时间：2024-03-0{n} 08:00 来源：县融媒体中心</div>"
        f"<div class='article'>{paragraphs}</div></body></html>"
    ).encode()


class Hostile:
    """The server's script and what it saw: (path, monotonic time) per request."""

    BIG = 50 * 1024 * 1024

    def __init__(self, pause: str | None = None) -> None:
        self.seen: list[tuple[str, float]] = []
        self.bomb = gzip.compress(b"<html>" + b" " * 40_000_000, mtime=0)  # 40 MB inflated
        self.pause = pause  # the path that answers Retry-After: 3600 once

    def tries(self, path: str) -> int:
        return sum(1 for p, _ in self.seen if p == path)

    def answer(self, path: str) -> tuple[int, list[tuple[str, str]], bytes] | str:
        """A response, or the name of a misbehaviour (see ``serve``)."""
        html = [("Content-Type", "text/html; charset=utf-8")]
        tries = self.tries(path)
        if path == "/":
            links = "".join(f"<a href='/a/{n}.html'>{n}</a>" for n in range(1, 15))
            return 200, html, f"<html><body>{links}</body></html>".encode()
        if path == self.pause and tries == 1:
            return 429, [*html, ("Retry-After", "3600")], b"come back in an hour"
        if path == "/a/2.html":
            return 200, html, CHALLENGE
        if path == "/a/3.html" and tries == 1:  # a short Retry-After, then the page
            return 429, [*html, ("Retry-After", "2")], b"slow down"
        if path == "/a/5.html":
            return 200, [*html, ("Content-Encoding", "gzip")], self.bomb
        if path == "/a/7.html":
            return 200, html, SCRIPT_ONLY
        if path == "/a/8.html" and tries <= 2:  # a burst of 503s, then the page
            return 503, html, b"busy"
        if path == "/a/9.html":  # 500 on every try
            return 500, html, b"internal error"
        if path == "/a/10.html":
            return "reset"
        if path == "/a/11.html":
            return "truncated"
        if path == "/a/12.html":
            return "slow"
        if path == "/a/13.html":
            return "big"
        if path == "/a/14.html":  # a PNG served as text/html
            return 200, html, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
        if path.startswith("/a/"):
            return 200, html, article(int(path[3:].split(".")[0]))
        return 404, html, b"not found"


def serve(state: Hostile) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            state.seen.append((self.path, time.monotonic()))
            answer = state.answer(self.path)
            try:
                if isinstance(answer, str):
                    getattr(self, answer)()
                    return
                self.send(*answer)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
            self.send_response(status)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def head(self, length: int) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(length))
            self.end_headers()

        def reset(self) -> None:  # RST half-way through the headers
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Ty")
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True

        def truncated(self) -> None:  # promises 20,000 bytes, sends 1,000, closes
            self.head(20_000)
            self.wfile.write(article(11)[:1000])
            self.close_connection = True

        def slow(self) -> None:  # a byte a second: past DOWNLOAD_TIMEOUT
            body = article(12)
            self.head(len(body))
            for byte in body[:8]:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(1)
            self.close_connection = True

        def big(self) -> None:  # 50 MB, more than DOWNLOAD_MAXSIZE
            self.head(Hostile.BIG)
            chunk = b"<p>" + b"x" * 65_533
            for _ in range(Hostile.BIG // len(chunk)):
                self.wfile.write(chunk)
            self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stat(log: str, name: str) -> int:
    match = re.search(rf"'{re.escape(name)}': (\d+)", log)
    return int(match.group(1)) if match else 0


@dataclass
class Ran:
    """A crawl of the hostile server: its exit status, its log, the processes it left."""

    returncode: int
    stderr: str
    orphans: int


def crawl(root: Path, base: str, *extra: str) -> Ran:
    sites = root / "sites"
    sites.mkdir(exist_ok=True)
    (sites / "hostile.yaml").write_text(
        f'id: hostile\nname: 敌意县\nstart_urls: ["{base}/"]\n'
        "follow: ['/$']\narticles: ['/a/\\d+\\.html$']\n",
        encoding="utf-8",
    )
    env = {"DATA_DIR": str(root / "data"), "SITES_DIR": str(sites)}
    log = root / "crawl.log"
    size = log.stat().st_size if log.exists() else 0
    args = ["crawl", "hostile", *FAST, "-s", "RETRY_AFTER_MAX=30", "-s", "DOWNLOAD_TIMEOUT=4",
            "-s", "ROBOTSTXT_OBEY=False", *extra]  # fmt: skip
    status, orphans = finish(start(args, env, log), timeout=300)
    with log.open("rb") as fh:
        fh.seek(size)
        return Ran(status, fh.read().decode("utf-8", "replace"), orphans)


def stored_urls(root: Path) -> set[str]:
    with sqlite3.connect(root / "data" / "articles.db") as conn:
        return {url for (url,) in conn.execute("SELECT url FROM articles")}


GOOD = (1, 3, 4, 6, 8)  # the pages stored: plain, after a short Retry-After, after 503s
# what each misbehaviour must leave in the crawl's stats
COUNTED = {
    "fetch/failed/challenge": 2,  # the 安全验证 page and the script-only one
    "retry/after/waited": 1,  # the short Retry-After
    "fetch/failed/http_500": 1,  # 500 on every try
    "fetch/failed/decompression_bomb": 1,
    "fetch/failed/too_large": 1,  # the 50 MB page
    "fetch/failed/DownloadFailedError": 1,  # the reset
    "fetch/failed/ResponseDataLossError": 1,  # the truncated body
    "fetch/failed/DownloadTimeoutError": 1,  # the slow body
    "extract/skip/binary_body": 1,  # the PNG served as text/html
}


def hostile_case(root: Path) -> tuple[Case, Hostile, str]:
    """One crawl of the hostile server: (the case, the server's record, the crawl's log). It
    ends with exit status 1 (fetches failed); a missing count is a problem of the case."""
    state = Hostile()
    server = serve(state)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        result = crawl(root, base)
    finally:
        server.shutdown()
        server.server_close()
    log = result.stderr
    good = {f"{base}/a/{n}.html" for n in GOOD}
    case = Case("hostile server", truth=len(good), log=root / "crawl.log", expected_exit=1)
    case.exit_status = result.returncode
    case.orphans = result.orphans
    for name, want in COUNTED.items():
        if stat(log, name) != want:
            case.problems.append(f"stat {name}: {stat(log, name)}, expected {want}")
    # Scrapy logs each failed download with its traceback; none may come from our code
    if re.search(r'File "[^"]*/(crawler|pipelines|archive|model|spiders)/', log):
        case.problems.append("a traceback from our code")
    case.settle(root / "data", good)
    case.problems += [f"stored as an article: {url}" for url in sorted(stored_urls(root) - good)]
    return case, state, log
