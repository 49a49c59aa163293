"""The simulator's portals as static files served by nginx, for throughput benches.

The Python simulator renders every page on request, on the same two cores as the crawl it
serves: its CPU is charged against whichever crawler runs, and the bare and the full crawl
compete with it differently. Real portals are served by someone else's machine. This module
renders every page of a ``Simulator`` once into a folder (articles with their modification
time, so nginx's ``ETag``/``Last-Modified`` and conditional GETs work; redirects and content
types as the simulator sends them) and serves it with nginx, one ``server`` per portal port.

    python -m bench.static [--articles 480]      # serve until Ctrl-C (prints the ports)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.simulator import Simulator
from tests.simulator.server import PAGE_SIZE, list_path

TYPES = {"/robots.txt", "/sitemap.xml", "/rss.xml"}  # paths whose own Content-Type is kept


def nginx_binary() -> str | None:
    """nginx on PATH or in /usr/sbin, or None (``apt-get install nginx-light``)."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def _paths(sim: Simulator, portal_id: str) -> list[str]:
    """Every path the simulator answers for a portal (404s excepted)."""
    arts = sim._arts[portal_id]
    pages = max(1, -(-len(arts) // PAGE_SIZE))
    paths = ["/robots.txt", "/", "/sitemap.xml", "/rss.xml"]
    paths += [list_path(portal_id, i) for i in range(pages)]
    paths += [path for (pid, path) in sim._paths if pid == portal_id]
    paths += [f"/old/{art.num}.html" for art in arts]
    return paths


def render_site(sim: Simulator, root: Path) -> str:
    """Write every page of ``sim`` under ``root/<portal id>/`` and return the nginx ``server``
    blocks that serve them on the simulator's ports."""
    blocks = []
    for portal in sim.portals:
        folder = root / portal.id
        folder.mkdir(parents=True)
        default_type = ""
        locations = []
        for path in _paths(sim, portal.id):
            status, headers, body = sim._respond(portal, path)
            header = dict(headers)
            if status in (301, 302):
                locations.append(f"location = {path} {{ return {status} {header['Location']}; }}")
                continue
            if status != 200:
                continue
            ctype = header.get("Content-Type", "text/html")
            if path in TYPES:
                locations.append(f'location = {path} {{ default_type "{ctype}"; }}')
            elif ctype.startswith("text/html"):
                default_type = ctype
            target = folder / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
            art = sim._paths.get((portal.id, path))
            if art is not None:
                stamp = art.modified.timestamp()
                os.utime(target, (stamp, stamp))
        blocks.append(
            f"""server {{
    listen {sim.host}:{portal.port};
    root {folder};
    default_type "{default_type}";
    etag on;
    location / {{ try_files $uri$is_args$args $uri =404; }}
    {chr(10).join("    " + line for line in locations).strip()}
}}"""
        )
    return "\n".join(blocks)


def serve(sim: Simulator, root: Path) -> subprocess.Popen[bytes]:
    """nginx serving ``sim``'s pages from ``root`` (one process, no daemon), once it answers."""
    binary = nginx_binary()
    if binary is None:
        raise SystemExit("nginx is not installed (apt-get install nginx-light)")
    servers = render_site(sim, root / "www")
    conf = root / "nginx.conf"
    conf.write_text(
        f"""daemon off;
master_process off;
worker_processes 1;
pid {root}/nginx.pid;
error_log stderr error;
events {{ worker_connections 1024; }}
http {{
    types {{ }}
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp;
    scgi_temp_path {root}/tmp;
{servers}
}}
"""
    )
    (root / "tmp").mkdir(exist_ok=True)
    proc = subprocess.Popen([binary, "-p", str(root), "-c", str(conf)])
    probe = f"{sim.portals[0].base_url}/robots.txt"
    for _ in range(100):
        try:
            with urllib.request.urlopen(probe, timeout=1):
                return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"nginx did not start (config {conf})")


def main() -> None:
    from tests.helpers import free_base_port

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=480, help="articles per portal")
    args = parser.parse_args()
    sim = Simulator(base_port=free_base_port(), articles_per_portal=args.articles)
    root = Path(tempfile.mkdtemp(prefix="bench-static-"))
    server = serve(sim, root)
    for portal in sim.portals:
        print(f"{portal.id:16} {portal.base_url}/", flush=True)
    print(f"{len(sim.truth())} articles from {root}; Ctrl-C to stop", flush=True)
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.terminate()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
