"""Fuzzed templates served as crawlable portals, for profile-only crawls on unseen templates.

``FuzzPortals("score", count=4).start()`` serves one portal per template on 127.0.0.1 (free
ports chosen by the system): ``/robots.txt``, a home page ``/``, list pages (10 links each;
``/list/index.html``, ``/list/index_2.html`` ... or the paths and layout of the portal's
family, ``families=[...]`` from ``tests/simulator/templates/families.py``, one per portal in
turn) and the template's article pages at their own paths, with the headers and bytes of
``pages()``. ``write_profiles(dir)`` writes a profile per portal
with ``follow``/``articles`` only (no ``selectors``); ``truth()`` is the pages' truth with the
served ``url`` and the profile id as ``site``. Crawl score portals only to score, never to tune.
"""

from __future__ import annotations

import re
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

from tests.simulator.handler import make_handler
from tests.simulator.model import Portal
from tests.simulator.templates.families import FAMILIES, ROBOTS, Family, home_page, list_page
from tests.simulator.templates.page import FuzzPage, render, site_of
from tests.simulator.templates.spec import PAGES_PER_TEMPLATE, Template, templates

LIST_SIZE = 10
# article URL rule of each skeleton family (path and query, as the family writes them)
ARTICLE_RULES = {
    "modern_div": r"/news/\d{4}-\d{2}/\d{2}/content_\d+\.html$",
    "table_old": r"/html/\d{6}/\d+\.html$",
    "trs_wcm": r"/xwzx/\d{6}/t\d{8}_\d+\.html$",
    "hanweb_jcms": r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$",
    "phpcms": r"/index\.php\?m=content&c=index&a=show&catid=\d+&id=\d+$",
    "dedecms": r"/a/xinwen/\d{4}/\d{4}/\d+\.html$",
    "dongyi_asp": r"/Article/ShowArticle\.asp\?ArticleID=\d+$",
    "founder_enp": r"/content/\d{4}-\d{2}/\d{2}/content_\d+\.htm$",
}


def _local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def pick_templates(split: str, count: int) -> list[Template]:
    """``count`` templates of ``split``, one per skeleton family first, in template order."""
    chosen: list[Template] = []
    for tpl in templates(split):
        if tpl.choice["skeleton"] not in {t.choice["skeleton"] for t in chosen}:
            chosen.append(tpl)
    rest = [t for t in templates(split) if t not in chosen]
    return (chosen + rest)[:count]


class FuzzPortals:
    """Portals serving fuzzed templates over HTTP; see the module docstring."""

    def __init__(
        self,
        split: str,
        count: int = 4,
        pages: int = PAGES_PER_TEMPLATE,
        host: str = "127.0.0.1",
        families: list[str] | tuple[str, ...] | None = None,
    ) -> None:
        self.split, self.host = split, host
        self.templates = pick_templates(split, count)
        names = list(families or ["plain"])
        self.families = [FAMILIES[names[i % len(names)]] for i in range(len(self.templates))]
        self._pages = {t.id: [render(t, i) for i in range(pages)] for t in self.templates}
        self._servers: list[ThreadingHTTPServer] = []
        self.portals: list[Portal] = []
        self._log: list[tuple[str, str, int]] = []
        self._lock = threading.Lock()

    def site_id(self, tpl: Template) -> str:
        return f"fuzz_{tpl.split}_{tpl.number:03d}"

    def family(self, portal: Portal) -> Family:
        return self.families[self.portals.index(portal)]

    def list_urls(self, portal: Portal) -> list[str]:
        """Absolute URLs of the portal's list pages."""
        return [portal.base_url + p for lists, _ in self._columns(portal) for p in lists]

    def _linked(self, portal: Portal) -> list[tuple[str, FuzzPage]]:
        """(path as served, page) of every article, in order."""
        family = self.family(portal)
        return [
            (family.article_prefix(i) + _local(page.url), page)
            for i, page in enumerate(self._portal_pages(portal))
        ]

    def _columns(self, portal: Portal) -> list[tuple[list[str], list[tuple[str, FuzzPage]]]]:
        """Per column (one without columns): its list paths and its articles."""
        family, linked = self.family(portal), self._linked(portal)
        columns = family.columns or ("",)
        out = []
        for c, column in enumerate(columns):
            mine = linked[c :: len(columns)]
            n_lists = max(1, -(-len(mine) // LIST_SIZE))
            out.append((family.list_paths(n_lists, column), mine))
        return out

    def start(self) -> FuzzPortals:
        for tpl in self.templates:
            server = ThreadingHTTPServer((self.host, 0), make_handler(self, _Unbound()))  # type: ignore[arg-type]
            port = server.server_address[1]
            portal = Portal(self.site_id(tpl), tpl.id, port, f"http://{self.host}:{port}", "")
            server.RequestHandlerClass = make_handler(self, portal)  # type: ignore[arg-type]
            server.daemon_threads = True
            self._servers.append(server)
            self.portals.append(portal)
            threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            ).start()
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _portal_pages(self, portal: Portal) -> list[FuzzPage]:
        return self._pages[self.templates[self.portals.index(portal)].id]

    def truth(self) -> list[dict[str, Any]]:
        """Truth of every served article, with the served ``url`` and ``site`` (profile id)."""
        out = []
        for portal in self.portals:
            for path, page in self._linked(portal):
                out.append({**page.truth, "url": portal.base_url + path, "site": portal.id})
        return out

    def write_profiles(self, directory: str | Path) -> list[Path]:
        """One profile per portal: start URL, ``follow`` and ``articles`` rules, nothing else."""
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for tpl, portal in zip(self.templates, self.portals, strict=True):
            base = "^" + re.escape(portal.base_url)
            family = self.family(portal)
            column = f"/({'|'.join(family.columns)})" if family.columns else ""
            rule = base + column + ARTICLE_RULES[tpl.choice["skeleton"]]
            starts = ", ".join(
                f"'{portal.base_url}{family.first.format(c=c)}'" for c in family.columns or ("",)
            )
            path = folder / f"{portal.id}.yaml"
            path.write_text(
                f"id: {portal.id}\nname: {tpl.id}\n"
                f"start_urls: [{starts}]\n"
                f"follow: ['{base}{family.follow}']\n"
                f"articles: ['{rule}']\n",
                encoding="utf-8",
            )
            paths.append(path)
        return paths

    def requests(self) -> list[tuple[str, str, int]]:
        with self._lock:
            return list(self._log)

    def _record(self, method: str, url: str, status: int) -> None:
        with self._lock:
            self._log.append((method, url, status))

    def _respond(self, portal: Portal, path: str) -> tuple[int, list[tuple[str, str]], bytes]:
        if path == "/robots.txt":
            return 200, [("Content-Type", "text/plain")], ROBOTS.encode()
        family = self.family(portal)
        name = site_of(self.templates[self.portals.index(portal)]).name
        linked = self._linked(portal)
        html = None
        if path == "/":
            html = home_page(family, name, linked[:6])
        for lists, mine in self._columns(portal):
            if path in lists:
                k = lists.index(path)
                chunk = mine[k * LIST_SIZE : (k + 1) * LIST_SIZE]
                html = list_page(family, name, chunk, lists, k)
        if html is not None:
            return 200, [("Content-Type", "text/html; charset=utf-8")], html.encode()
        for served, page in linked:
            if served == path:
                return 200, list(page.headers), page.body
        return 404, [("Content-Type", "text/html; charset=utf-8")], b"<html>404</html>"


class _Unbound:
    """Placeholder portal for the handler class until the server's port is known."""

    id = ""
    base_url = ""
