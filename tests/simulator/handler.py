"""The HTTP side of the simulator: one request handler class per portal.

Conditional requests (If-None-Match first, then If-Modified-Since) get 304 with the validators
and no body; demo_zaozhuang gzips when the client accepts it. Every answer is logged.
"""

from __future__ import annotations

import gzip
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.simulator.model import Portal
    from tests.simulator.server import Simulator


def _not_modified(
    headers: list[tuple[str, str]], if_none_match: str | None, if_modified_since: str | None
) -> bool:
    h = dict(headers)
    if "ETag" not in h:
        return False
    if if_none_match is not None:
        tags = [t.strip() for t in if_none_match.split(",")]
        return "*" in tags or h["ETag"] in tags or f"W/{h['ETag']}" in tags
    if if_modified_since:
        try:
            return parsedate_to_datetime(h["Last-Modified"]) <= parsedate_to_datetime(
                if_modified_since
            )
        except (TypeError, ValueError):
            return False
    return False


def make_handler(sim: Simulator, portal: Portal) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def version_string(self) -> str:
            return "nginx"

        def _serve(self, send_body: bool) -> None:
            status, headers, body = sim._respond(portal, self.path)
            if status == 200 and _not_modified(
                headers, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
            ):
                status, body = 304, b""
                headers = [(k, v) for k, v in headers if k in ("ETag", "Last-Modified")]
            elif (
                portal.id == "demo_zaozhuang"
                and body
                and "gzip" in (self.headers.get("Accept-Encoding") or "")
            ):
                body = gzip.compress(body, mtime=0)
                headers = [*headers, ("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
            sim._record(self.command, portal.base_url + self.path, status)
            self.send_response(status)
            for key, value in headers:
                self.send_header(key, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body and status != 304:
                self.wfile.write(body)

        def do_GET(self) -> None:
            self._serve(True)

        def do_HEAD(self) -> None:
            self._serve(False)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
