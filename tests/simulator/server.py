"""The Simulator: six synthetic county news portals on 127.0.0.1, one HTTP server (thread) each.

Everything is deterministic from ``seed``. Article pages carry ``ETag`` and ``Last-Modified``
and answer conditional requests with 304; ``truth()`` is the ground truth of every current
article. See ``tests/simulator/__init__.py`` for the public API.
"""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, timedelta
from email.utils import format_datetime
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from tests.simulator import corpus, render
from tests.simulator.handler import make_handler
from tests.simulator.model import PORTAL_SPECS, Art, Generator, Portal, next_time
from tests.simulator.profiles import START, profile_yaml

if TYPE_CHECKING:
    from collections.abc import Iterator

PAGE_SIZE = 10
_NUM_BASE = {
    "demo_shengzhou": 32265361,
    "demo_hongan": 567890,
    "demo_suyu": 3456789,
    "demo_zaozhuang": 12345,
    "demo_yancheng": 123456,
    "demo_county": 4521,
}
_MINUTES_ONLY = ("demo_hongan", "demo_suyu", "demo_yancheng")
MISSING_PATH = "/news/2020-01-01/99999.html"  # demo_county links it; it answers 404
ROBOTS = "User-agent: *\nDisallow: /admin/\n"
Response = tuple[int, list[tuple[str, str]], bytes]


def article_path(portal_id: str, art: Art) -> str:
    d, n = art.published, art.num
    return {
        "demo_shengzhou": f"/system/{d:%Y/%m/%d}/{n:09d}.shtml",
        "demo_hongan": f"/art/{d.year}/{d.month}/{d.day}/art_1234_{n}.html",
        "demo_suyu": f"/xwzx/{d:%Y%m}/t{d:%Y%m%d}_{n}.html",
        "demo_zaozhuang": f"/{d:%Y}/{d:%m%d}/{n}.html",
        "demo_yancheng": f"/content/{d:%Y-%m}/{d:%d}/content_{n}.html",
        "demo_county": f"/news/{d:%Y-%m-%d}/{n}.html",
    }[portal_id]


def variant_paths(portal_id: str, path: str) -> dict[str, str]:
    """Paths of an article's exact variants by kind: shengzhou print pages, hongan mobile pages
    (``/m/`` + the desktop path, the 大汉 CMS convention)."""
    if portal_id == "demo_shengzhou":
        return {"print": path.replace(".shtml", "_print.shtml")}
    if portal_id == "demo_hongan":
        return {"mobile": "/m" + path}
    return {}


def _neighbours(arts: list[Art], i: int) -> tuple[list[Art], list[Art]]:
    """Related (3) and hot (6) articles of ``arts[i]``: older ones, so a page's bytes (and ETag)
    stay the same when newer articles are published; only the first few look forward."""
    older = arts[:i][::-1]
    newer = arts[i + 1 : i + 7]
    related = (older[:3] + newer)[:3]
    hot = (older[:6] + newer)[:6]
    return related, hot


def list_path(portal_id: str, page: int) -> str:
    """Path of list page ``page`` (0-based) in the portal's CMS convention."""
    if page == 0:
        return START[portal_id]
    k = page + 1
    return {
        "demo_shengzhou": f"/news/index_{k}.shtml",
        "demo_hongan": f"/col/col1234/index.html?uid=1&pageNum={k}",
        "demo_suyu": f"/xwzx/index_{page}.html",
        "demo_zaozhuang": f"/news/list_{k}.html",
        "demo_yancheng": f"/node_1_{k}.html",
        "demo_county": f"/news/index_{k}.html",
    }[portal_id]


def _content_type(portal_id: str) -> tuple[str, str]:
    if portal_id == "demo_shengzhou":
        return "text/html", "gb18030"  # meta says gb2312, bytes are GBK/GB18030
    if portal_id == "demo_suyu":
        return "text/html; charset=GBK", "gbk"  # charset only in the header
    return "text/html; charset=utf-8", "utf-8"


class Simulator:
    """Six synthetic portals served over HTTP; see the package docstring."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        base_port: int = 8800,
        seed: int = 1,
        articles_per_portal: int = 24,
        print_variants: bool = False,
        mobile_variants: bool = False,
    ) -> None:
        self.host, self.base_port, self.seed = host, base_port, seed
        self.variants = {"print"} if print_variants else set()
        if mobile_variants:
            self.variants.add("mobile")
        self.portals: list[Portal] = []
        for i, (pid, name, source, start) in enumerate(PORTAL_SPECS, start=1):
            port = base_port + i
            script = "traditional" if pid == "demo_yancheng" else "simplified"
            self.portals.append(
                Portal(pid, name, port, f"http://{host}:{port}", source, script, start)
            )
        self._portal = {p.id: p for p in self.portals}
        self._gen = Generator(seed)
        self._lock = threading.RLock()
        self._log: list[tuple[str, str, int]] = []
        self._servers: list[ThreadingHTTPServer] = []
        self._arts: dict[str, list[Art]] = {p.id: [] for p in self.portals}
        self._paths: dict[tuple[str, str], Art] = {}
        self._build(articles_per_portal)

    # --- generation -----------------------------------------------------------------------
    def _times(self, portal: Portal, n: int, after: Any = None) -> list[Any]:
        out, t = [], after or portal.start
        for _ in range(n):
            t = next_time(self._gen.rng, t)
            if portal.id in _MINUTES_ONLY:
                t = t.replace(second=0)
            out.append(t)
        return out

    def _register(self, art: Art) -> None:
        art.num = _NUM_BASE[art.portal] + len(self._arts[art.portal])
        art.path = article_path(art.portal, art)
        self._arts[art.portal].append(art)
        self._paths[(art.portal, art.path)] = art
        for kind, path in variant_paths(art.portal, art.path).items():
            fields = {**art.__dict__, "print_of": art, "duplicate_kind": "exact", "variant": kind}
            variant = Art(**fields)
            variant.path = path
            self._paths[(art.portal, variant.path)] = variant

    def _build(self, n: int) -> None:
        rng, gen = self._gen.rng, self._gen
        times = {p.id: self._times(p, n) for p in self.portals}
        slots: dict[str, dict[int, Art]] = {p.id: {} for p in self.portals}
        for _ in range(max(1, n // 3) if n >= 2 else 0):
            chosen = sorted(rng.sample(range(len(self.portals)), rng.randint(2, 4)))
            original: Art | None = None
            for ix in chosen:
                portal = self.portals[ix]
                free = [i for i in range(n) if i not in slots[portal.id]]
                if not free:
                    continue
                slot = rng.choice(free)
                when = times[portal.id][slot]
                if original is None:
                    original = art = gen.article(portal, when, 0)
                else:
                    art = gen.near_copy(original, portal, when, 0)
                slots[portal.id][slot] = art
        for portal in self.portals:
            for slot in range(n):
                art = slots[portal.id].get(slot) or gen.article(portal, times[portal.id][slot], 0)
                self._register(art)

    # --- truth ----------------------------------------------------------------------------
    def _truth(self, art: Art) -> dict[str, Any]:
        # the generated simplified content, never the served text converted back: OpenCC's
        # t2s round trip leaves 著, 痺... where the generator wrote 着, 痹
        portal = self._portal[art.portal]
        served_text = "\n".join(render.served(art)["paragraphs"])
        text = "\n".join(art.paragraphs)
        if art.portal == "demo_county":
            published = art.published.date().isoformat()
        else:
            published = art.published.isoformat()
        return {
            "site": art.portal,
            "url": portal.base_url + art.path,
            "title": art.title,
            "published": published,
            "author": " ".join(art.authors) or None,
            "source": art.source or None,
            "editor": art.editor or None,
            "text": text,
            "text_original": served_text if served_text != text else None,
            "script": portal.script,
            "story": art.story,
            "duplicate_kind": art.duplicate_kind,
        }

    def truth(self) -> list[dict[str, Any]]:
        """Ground truth of every current article; print variants (shengzhou) only with
        ``print_variants``, mobile variants (hongan) only with ``mobile_variants``."""
        with self._lock:
            out = []
            for portal in self.portals:
                for art in self._arts[portal.id]:
                    out.append(self._truth(art))
                    for kind, path in variant_paths(art.portal, art.path).items():
                        if kind in self.variants:
                            out.append(self._truth(self._paths[(art.portal, path)]))
            return out

    def pages(self) -> Iterator[tuple[str, list[tuple[str, str]], bytes, dict[str, Any]]]:
        """(url, headers, body, truth) of every article page in truth(), rendered offline."""
        for truth in self.truth():
            portal = self._portal[truth["site"]]
            path = truth["url"][len(portal.base_url) :]
            status, headers, body = self._respond(portal, path)
            assert status == 200, truth["url"]
            yield truth["url"], headers, body, truth

    # --- changes --------------------------------------------------------------------------
    def add_articles(self, n: int = 3) -> list[dict[str, Any]]:
        """Publish ``n`` new articles on every portal (newest first on list page 1)."""
        with self._lock:
            added = []
            for portal in self.portals:
                last = self._arts[portal.id][-1].published if self._arts[portal.id] else None
                for when in self._times(portal, n, after=last):
                    art = self._gen.article(portal, when, 0)
                    self._register(art)
                    added.append(self._truth(art))
            return added

    def edit_article(self, url: str) -> dict[str, Any]:
        """Change one article's body (last paragraph replaced); ETag and Last-Modified change."""
        with self._lock:
            art = self._find(url)
            pool = corpus.sentences()
            new = "".join(self._gen.rng.sample(pool, 2))
            while new == art.paragraphs[-1]:
                new = "".join(self._gen.rng.sample(pool, 2))
            art.paragraphs[-1] = new
            art.modified = art.modified + timedelta(days=1)
            for path in variant_paths(art.portal, art.path).values():
                variant = self._paths[(art.portal, path)]
                variant.paragraphs, variant.modified = list(art.paragraphs), art.modified
            return self._truth(art)

    def _find(self, url: str) -> Art:
        for portal in self.portals:
            if url.startswith(portal.base_url + "/"):
                art = self._paths.get((portal.id, url[len(portal.base_url) :]))
                if art is not None and art.print_of is None:
                    return art
        raise KeyError(f"no article at {url}")

    # --- request log ----------------------------------------------------------------------
    def requests(self) -> list[tuple[str, str, int]]:
        """(method, full URL, status) of every request served since start or reset."""
        with self._lock:
            return list(self._log)

    def reset_requests(self) -> None:
        with self._lock:
            self._log.clear()

    def _record(self, method: str, url: str, status: int) -> None:
        with self._lock:
            self._log.append((method, url, status))

    # --- profiles -------------------------------------------------------------------------
    def write_profiles(self, directory: str | Path) -> list[Path]:
        """Write demo_*.yaml profiles pointing at this simulator's ports; returns the paths."""
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for portal in self.portals:
            path = folder / f"{portal.id}.yaml"
            path.write_text(profile_yaml(portal), encoding="utf-8")
            paths.append(path)
        return paths

    # --- serving --------------------------------------------------------------------------
    def start(self) -> Simulator:
        """Bind one server per portal and serve in daemon threads; when a port is taken, the
        servers already bound are closed before the OSError propagates."""
        try:
            for portal in self.portals:
                server = ThreadingHTTPServer((self.host, portal.port), make_handler(self, portal))
                server.daemon_threads = True
                self._servers.append(server)
                threading.Thread(
                    target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
                ).start()
        except OSError:
            self.stop()
            raise
        self.reset_requests()
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _links(self, portal: Portal, arts: list[Art]) -> list[tuple[str, str]]:
        return [(portal.base_url + a.path, str(render.served(a)["title"])) for a in arts]

    def _respond(self, portal: Portal, path: str) -> Response:
        """Status, headers and body for a GET of ``path`` (no conditional/gzip handling)."""
        ctype, codec = _content_type(portal.id)
        with self._lock:
            arts = self._arts[portal.id]
            newest = arts[::-1]
            if path == "/robots.txt":
                return 200, [("Content-Type", "text/plain")], ROBOTS.encode()
            if path == "/":
                return 302, [("Location", portal.base_url + START[portal.id])], b""
            if path.startswith("/admin/"):
                return (
                    200,
                    [("Content-Type", "text/html; charset=utf-8")],
                    b"<html><body>admin</body></html>",
                )
            if portal.id == "demo_county" and path.startswith("/old/"):
                num = path.removeprefix("/old/").removesuffix(".html")
                for a in arts:
                    if str(a.num) == num:
                        return 301, [("Location", portal.base_url + a.path)], b""
            if portal.id == "demo_yancheng" and path == "/sitemap.xml":
                xml = render.sitemap_xml(
                    [(portal.base_url + a.path, f"{a.modified:%Y-%m-%d}") for a in newest]
                )
                return 200, [("Content-Type", "application/xml")], xml.encode()
            if portal.id == "demo_county" and path == "/rss.xml":
                entries = [
                    (u, t, format_datetime(a.published))
                    for (u, t), a in zip(self._links(portal, newest), newest, strict=True)
                ]
                return (
                    200,
                    [("Content-Type", "application/rss+xml; charset=utf-8")],
                    render.rss_xml(portal, entries).encode(),
                )
            n_pages = max(1, -(-len(arts) // PAGE_SIZE))
            pages = [portal.base_url + list_path(portal.id, i) for i in range(n_pages)]
            for i in range(n_pages):
                if list_path(portal.id, i) == path:
                    return (
                        200,
                        [("Content-Type", ctype)],
                        self._list_page(portal, newest, pages, i).encode(
                            codec, errors="xmlcharrefreplace"
                        ),
                    )
            art = self._paths.get((portal.id, path))
            if art is None:
                return (
                    404,
                    [("Content-Type", "text/html; charset=utf-8")],
                    "<html><body><h1>404 页面不存在</h1></body></html>".encode(),
                )
            if art.variant == "mobile" and art.print_of is not None:
                html = render.mobile_html(portal, art, portal.base_url + art.print_of.path)
            elif art.print_of is not None:
                html = render.print_html(portal, art)
            else:
                related, hot = _neighbours(arts, arts.index(art))
                html = render.article_html(
                    portal,
                    art,
                    portal.base_url + art.path,
                    self._links(portal, hot),
                    self._links(portal, related),
                    pages[0],
                )
            body = html.encode(codec, errors="xmlcharrefreplace")
            etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
            modified = format_datetime(art.modified.astimezone(UTC), usegmt=True)
            return 200, [("Content-Type", ctype), ("ETag", etag), ("Last-Modified", modified)], body

    def _list_page(self, portal: Portal, newest: list[Art], pages: list[str], i: int) -> str:
        chunk = newest[i * PAGE_SIZE : (i + 1) * PAGE_SIZE]
        items = self._links(portal, chunk)
        extra: list[tuple[str, str]] = []
        if portal.id == "demo_county" and i == 0:
            extra = [
                (portal.base_url + "/admin/x.html", "后台管理"),
                (portal.base_url + MISSING_PATH, "已删除的稿件"),
            ]
        if portal.id == "demo_county" and i == len(pages) - 1 and chunk:
            old = chunk[-1]  # the oldest article is linked by its pre-migration URL
            items[-1] = (f"{portal.base_url}/old/{old.num}.html", items[-1][1])
        dates = [f"{a.published:%Y-%m-%d}" for a in chunk]
        return render.list_html(portal, items, dates, pages, i, extra)
