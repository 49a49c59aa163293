"""Walk a portal the way ``scrapy crawl`` would with a profile, in process and over real HTTP.

The walk runs the profile's own ``PortalSpider`` callbacks (``parse_list``, ``parse_article``,
``parse_sitemap``, ``parse_feed``: link extraction, canonical URLs, ``follow``/``articles``/
``deny``, ``max_list_pages``) on pages fetched with urllib, without Scrapy's engine, so many
profiles can be compared in seconds. It records what the crawl would *request*: a URL under a
robots.txt ``Disallow`` that the profile asks for is a violation even though the crawl's
robots middleware would drop it.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from protego import Protego
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.test import get_crawler

from crawler.spiderloader import spider_class_for

if TYPE_CHECKING:
    from model.profiles import SiteProfile


@dataclass
class Walk:
    """Requested URLs by kind (``article``, ``list``), articles fetched (final URLs), dead links
    and URLs asked for under a robots.txt ``Disallow``."""

    requested: dict[str, set[str]] = field(
        default_factory=lambda: {"article": set(), "list": set()}
    )
    articles: set[str] = field(default_factory=set)
    dead: set[str] = field(default_factory=set)
    disallowed: set[str] = field(default_factory=set)


def _get(url: str) -> tuple[str, int, list[tuple[str, str]], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.geturl(), resp.status, list(resp.headers.items()), resp.read()
    except urllib.error.HTTPError as exc:
        return url, exc.code, [], b""


def _robots(url: str, cache: dict[str, Protego]) -> Protego:
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    if origin not in cache:
        _, status, _, body = _get(origin + "/robots.txt")
        cache[origin] = Protego.parse(body.decode("utf-8", "replace") if status == 200 else "")
    return cache[origin]


def walk(profile: SiteProfile, limit: int = 3000) -> Walk:
    """Every request a crawl of ``profile`` would make, breadth first, up to ``limit``."""
    cls = spider_class_for(profile)
    spider = cls.from_crawler(get_crawler(cls))
    out, robots = Walk(), {}
    queue: deque[tuple[str, str]] = deque()
    queue += [(u, "parse_list") for u in profile.start_urls]
    queue += [(u, "parse_sitemap") for u in profile.sitemaps]
    queue += [(u, "parse_feed") for u in profile.feeds]
    seen = {u for u, _ in queue}
    hosts = set(profile.allowed_domains)
    while queue and limit > 0:
        limit -= 1
        url, callback = queue.popleft()
        if not _robots(url, robots).can_fetch(url, "*"):
            out.disallowed.add(url)
            continue
        final, status, headers, body = _get(url)
        if status != 200:
            out.dead.add(url)
            continue
        if callback == "parse_article":
            out.articles.add(final)
        ctype = dict(headers).get("Content-Type", "")
        cls_ = HtmlResponse if "html" in ctype else TextResponse
        response = cls_(
            final, body=body, headers=dict(headers), encoding=_encoding(ctype), request=Request(url)
        )
        for result in getattr(spider, callback)(response):
            if not isinstance(result, Request) or result.url in seen:
                continue
            if urlsplit(result.url).hostname not in hosts:
                continue
            seen.add(result.url)
            name = getattr(result.callback, "__name__", "parse_list")
            kind = {"parse_article": "article", "parse_list": "list"}.get(name)
            if kind:
                out.requested[kind].add(result.url)
            queue.append((result.url, name))
    return out


def _encoding(ctype: str) -> str | None:
    _, sep, charset = ctype.partition("charset=")
    return charset.strip() or None if sep else None
