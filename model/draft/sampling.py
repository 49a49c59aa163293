"""Which pages the draft samples: a bounded, breadth-first pick over the site's URL shapes.

Every shape gets a first page before any shape gets a second, up to ``per_shape`` pages each and
``budget`` pages in all. Never offered for fetching: other hosts, files that are not pages,
URLs robots.txt disallows, and print or mobile variants of a page (they are kept apart, to be
denied, by :mod:`model.urls`' mapping).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from model.draft.robots import Robots
from model.draft.shapes import Shape, generalize, origin, skeleton
from model.urls import canonical_url

_NOT_PAGES = re.compile(
    r"\.(?:jpe?g|png|gif|bmp|webp|svg|ico|css|js|pdf|docx?|xlsx?|pptx?|wps|zip|rar|7z|gz|"
    r"mp[34]|flv|avi|mov|swf|apk|exe|xml|txt)$",
    re.IGNORECASE,
)


def is_variant(url: str) -> bool:
    """A print or mobile rendering of another page (host or path change under
    :func:`model.urls.canonical_url`; tracking parameters alone do not count)."""
    mapped = urlsplit(canonical_url(url))
    parts = urlsplit(url)
    return (mapped.hostname, mapped.path) != (parts.hostname, parts.path or "/") or (
        _flags(parts.query) != _flags(mapped.query)
    )


def _flags(query: str) -> set[str]:
    return {p.partition("=")[0].lower() for p in query.split("&") if p} & {
        "print", "printpage", "isprint", "view", "mobile", "ismobile", "wap", "device",
    }  # fmt: skip


class Planner:
    """The sample's frontier. ``offer`` URLs as pages are read; ``take`` the next ones."""

    def __init__(self, origins: set[str], robots: Robots, budget: int, per_shape: int = 3):
        self.origins, self.robots = origins, robots
        self.budget, self.per_shape = budget, per_shape
        self.shapes: dict[str, Shape] = {}
        self.variants: list[str] = []
        self.blocked: list[str] = []
        self.taken: set[str] = set()
        self.picked: dict[str, int] = {}

    def offer(self, urls: list[str]) -> None:
        for url in urls:
            if origin(url) not in self.origins or _NOT_PAGES.search(urlsplit(url).path):
                continue
            if is_variant(url):
                if url not in self.variants:
                    self.variants.append(url)
                continue
            url = canonical_url(url)
            if not self.robots.allowed(url):
                if url not in self.blocked:
                    self.blocked.append(url)
                continue
            key = skeleton(url)
            self.shapes.setdefault(key, Shape(origin(url), key)).add(url)

    def mark(self, url: str) -> None:
        """Count ``url`` as fetched (the home page, redirect targets)."""
        if url not in self.taken:
            self.taken.add(url)
            key = skeleton(url)
            self.picked[key] = self.picked.get(key, 0) + 1

    def take(self) -> list[str]:
        """At most one more URL per shape, fewest-sampled and most-linked shapes first,
        within what is left of the budget. Shapes that differ only in a column folder count as
        one (:func:`model.draft.shapes.generalize`), sampled a little more across columns, so
        a site with many columns does not spend the budget on one list per column."""
        units = generalize(list(self.shapes.values()))
        picked = {u.skeleton: sum(url in self.taken for url in u.urls) for u in units}
        order = sorted(units, key=lambda u: (picked[u.skeleton], -len(u.urls)))
        out: list[str] = []
        for unit in order:
            if len(self.taken) >= self.budget:
                break
            merged = unit.skeleton not in self.shapes
            if picked[unit.skeleton] >= self.per_shape * (2 if merged else 1):
                continue
            fresh = [u for u in unit.urls if u not in self.taken]
            if fresh:
                # the least sampled column first
                fresh.sort(key=lambda u: self.picked.get(skeleton(u), 0))
                out.append(fresh[0])
                self.mark(fresh[0])
        return out
