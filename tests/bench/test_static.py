"""bench.static: nginx serves the simulator's pages as the simulator does (bytes, content type,
status, redirects) and answers conditional requests with 304."""

from __future__ import annotations

import urllib.error
import urllib.request

from bench.static import _paths, nginx_binary, serve
from tests.helpers import free_base_port, service_missing
from tests.simulator import Simulator


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(opener, url: str, headers: dict[str, str] | None = None):
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {})) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, b"", exc.headers


def test_nginx_serves_every_page_as_the_simulator_does(tmp_path):
    if nginx_binary() is None:
        service_missing("nginx is not installed (apt-get install nginx-light)")
    sim = Simulator(base_port=free_base_port(), articles_per_portal=12)
    server = serve(sim, tmp_path)
    opener = urllib.request.build_opener(_NoRedirect)
    checked, differ = 0, []
    try:
        for portal in sim.portals:
            for path in _paths(sim, portal.id):
                status, headers, body = sim._respond(portal, path)
                if status == 404:
                    continue
                got_status, got_body, got_headers = _get(opener, portal.base_url + path)
                checked += 1
                expected = dict(headers)
                if (
                    got_status != status
                    or (
                        status == 200
                        and (
                            got_body != body
                            or got_headers["Content-Type"] != expected["Content-Type"]
                        )
                    )
                    or (status != 200 and got_headers["Location"] != expected["Location"])
                ):
                    differ.append((portal.id, path, status, got_status))
        article = sim.truth()[0]["url"]
        status, _, headers = _get(opener, article)
        revisit, _, _ = _get(opener, article, {"If-None-Match": headers["ETag"]})
    finally:
        server.terminate()
        server.wait()
    assert checked > 6 * 14
    assert differ == []
    assert (status, revisit) == (200, 304)
