"""A hostile server: an HTTP 200 anti-bot challenge, 429 with a short and a long Retry-After,
a gzip bomb. Challenges are never stored, the short wait is honoured, the long one gives the
request up, the bomb is a counted error; the crawl ends with exit status 1."""

from __future__ import annotations

import gzip
import re
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.helpers import FAST, count_articles, scrapy
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

    def __init__(self) -> None:
        self.seen: list[tuple[str, float]] = []
        self.bomb = gzip.compress(b"<html>" + b" " * 3_000_000, mtime=0)

    def answer(self, path: str) -> tuple[int, list[tuple[str, str]], bytes]:
        html = [("Content-Type", "text/html; charset=utf-8")]
        tries = sum(1 for p, _ in self.seen if p == path)
        if path == "/":
            links = "".join(f"<a href='/a/{n}.html'>{n}</a>" for n in range(1, 8))
            return 200, html, f"<html><body>{links}</body></html>".encode()
        if path in ("/a/1.html", "/a/6.html"):
            return 200, html, article(int(path[3]))
        if path == "/a/2.html":
            return 200, html, CHALLENGE
        if path == "/a/3.html":  # a short Retry-After, then the page
            if tries == 1:
                return 429, [*html, ("Retry-After", "2")], b"slow down"
            return 200, html, article(3)
        if path == "/a/4.html":
            return 429, [*html, ("Retry-After", "3600")], b"come back in an hour"
        if path == "/a/5.html":
            return 200, [*html, ("Content-Encoding", "gzip")], self.bomb
        if path == "/a/7.html":
            return 200, html, SCRIPT_ONLY
        return 404, html, b"not found"


def serve(state: Hostile) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            state.seen.append((self.path, time.monotonic()))
            status, headers, body = state.answer(self.path)
            self.send_response(status)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stat(log: str, name: str) -> int:
    match = re.search(rf"'{re.escape(name)}': (\d+)", log)
    return int(match.group(1)) if match else 0


def test_hostile_server(tmp_path):
    state = Hostile()
    server = serve(state)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "hostile.yaml").write_text(
        f'id: hostile\nname: 敌意县\nstart_urls: ["{base}/"]\n'
        "follow: ['/$']\narticles: ['/a/\\d+\\.html$']\n",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    env = {"DATA_DIR": str(data), "SITES_DIR": str(sites)}
    try:
        result = scrapy(
            "crawl", "hostile", *FAST, "-s", "RETRY_AFTER_MAX=30", "-s", "DOWNLOAD_MAXSIZE=1000000",
            "-s", "ROBOTSTXT_OBEY=False", env=env, check=False,
        )  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
    log = result.stderr
    assert result.returncode == 1, log[-3000:]
    assert "Traceback" not in log
    with sqlite3.connect(data / "articles.db") as conn:
        stored = {url for (url,) in conn.execute("SELECT url FROM articles")}
    assert stored == {f"{base}/a/1.html", f"{base}/a/3.html", f"{base}/a/6.html"}
    assert count_articles(data / "articles.db") == 3
    assert stat(log, "fetch/failed/challenge") == 2  # the 安全验证 page and the script-only one
    # the short Retry-After was honoured (2 s), not the retry delay of a plain 429
    times = [t for p, t in state.seen if p == "/a/3.html"]
    assert len(times) == 2, times
    assert times[1] - times[0] >= 1.9, times
    # the long one was given up at once, without retries, and counted
    assert [p for p, _ in state.seen].count("/a/4.html") == 1
    assert stat(log, "retry/after/too_long") == 1
    assert stat(log, "fetch/failed/http_429") == 1
    assert stat(log, "fetch/failed/decompression_bomb") == 1
