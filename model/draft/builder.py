"""The draft profile: from the sampled pages to ``follow``, ``articles``, ``deny`` and the rest.

Each sampled page gets a kind (:mod:`model.draft.pages`); each URL shape the kind most of its
sampled pages have. Article shapes become ``articles``; list shapes ``follow``, a list and its
pagination merged into one regex; print and mobile variants and robots.txt ``Disallow`` rules
``deny``. A regex that would take a sampled page of the other kind is dropped, so no list page
is matched as an article and no article as a list page.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from model.draft.cms import Recognition, recognize
from model.draft.pages import ARTICLE, LIST, OTHER, PageView, Verdict, classify, read_page
from model.draft.robots import Robots
from model.draft.shapes import Shape, escape, generalize, group, paging_pattern, skeleton
from model.urls import canonical_url

if TYPE_CHECKING:
    from collections.abc import Callable

_GENERIC_TITLES = frozenset(
    [
        "首页",
        "主页",
        "网站首页",
        "门户首页",
        "官方网站",
        "官网",
        "欢迎访问",
        "欢迎您",
        "新闻中心",
        "新闻",
        "新闻动态",
        "本地新闻",
        "首頁",
        "新聞中心",
        "新聞",
        "index",
        "home",
    ]
)
_TITLE_SPLIT = re.compile(r"\s*[_|｜\-—–·:：]+\s*")
# print and mobile renderings of a page, denied unless the site's own pages look like them:
# mobile folders, print suffixes and print flags (model/urls.py maps such links to the page)
VARIANT_DENY = (
    r"^{origin}/(?:m|wap|mobile)/",
    r"[_-]print\.(?:s?html?|jsp|php|aspx?)$",
    r"[?&](?:print|printpage|isprint)=(?:1|true|yes)\b",
)
_ID_SUFFIXES = (".gov.cn", ".com.cn", ".net.cn", ".org.cn", ".cn", ".com", ".net", ".org")


@dataclass(frozen=True)
class Sample:
    """One fetched page: the URL asked for, the final URL, status, decoded HTML (None for a
    page that is not HTML), server headers and how its charset was decided."""

    requested: str
    url: str
    status: int
    html: str | None
    server: str = ""
    codec: str = "utf-8"
    charset_how: str = ""


@dataclass
class Draft:
    """A drafted profile (``profile``, YAML-ready) and what it was drafted from."""

    profile: dict[str, Any]
    cms: Recognition
    article_shapes: list[Shape] = field(default_factory=list)
    list_shapes: list[Shape] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # requested URL -> kind
    article_urls: list[str] = field(default_factory=list)
    list_urls: list[str] = field(default_factory=list)
    paging_share: float | None = None
    dead: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def site_id(url: str) -> str:
    """A profile id from a home URL: ``http://www.szxww.com/`` -> ``szxww``; a port is kept
    (``127.0.0.1:8801`` -> ``site_127_0_0_1_8801``)."""
    parts = urlsplit(url)
    host = (parts.hostname or "site").lower().removeprefix("www.")
    for suffix in _ID_SUFFIXES:
        if host.endswith(suffix) and host != suffix.lstrip("."):
            host = host[: -len(suffix)]
            break
    ident = re.sub(r"[^a-z0-9]+", "_", host).strip("_")
    if parts.port:
        ident += f"_{parts.port}"
    if not ident or ident[0].isdigit():
        ident = "site_" + ident
    return ident


def site_name(title: str, fallback: str) -> str:
    """The portal's name from its home page ``<title>``: the first part that is not a
    generic word (首页, 新闻中心...)."""
    parts = [p for p in _TITLE_SPLIT.split(title.strip()) if p]
    named = [p for p in parts if p.lower() not in _GENERIC_TITLES]
    return (named or parts or [fallback])[0]


def _majority(kinds: list[str]) -> str | None:
    """The kind most sampled pages of a shape have, pages of neither kind not voting (a short
    last list page, a photo story); None on a tie."""
    kinds = [k for k in kinds if k != OTHER] or kinds
    if not kinds:
        return None
    (kind, n), *rest = Counter(kinds).most_common()
    if rest and rest[0][1] == n:
        return None
    return kind


def _follow_patterns(shapes: list[Shape]) -> list[str]:
    """One regex per list shape, a shape and its pagination merged into one."""
    patterns, used = [], set()
    for first in shapes:
        if first.key in used:
            continue
        for other in shapes:
            if other.key in used or other is first:
                continue
            merged = paging_pattern(first, other)
            if merged is not None:
                patterns.append(merged)
                used |= {first.key, other.key}
                break
    return patterns + [s.pattern() for s in shapes if s.key not in used]


def _adopted(kinded: list[Shape], loose: list[Shape]) -> list[Shape]:
    """Shapes of no kind (their few sampled pages short or tied) that are one column of a
    multi-column shape whose other columns have a kind: they take it."""
    known = {s.key for s in kinded}
    out: list[Shape] = []
    for unit in generalize(kinded + loose):
        urls = set(unit.urls)
        members = [s for s in kinded + loose if set(s.urls) <= urls]
        if len(members) > 1 and sum(s.key in known for s in members) >= 2:
            out += [s for s in members if s.key not in known and s not in out]
    return out


def _plain_patterns(shapes: list[Shape]) -> list[str]:
    return [s.pattern() for s in shapes]


def _patterns(
    shapes: list[Shape], others: list[str], make: Callable[[list[Shape]], list[str]]
) -> tuple[list[Shape], list[str]]:
    """Regexes of ``shapes``, column segments generalized unless that takes a page of the
    other kind (``others``); a regex that still does is dropped."""
    general = generalize(shapes)
    patterns = make(general)
    if any(re.search(p, u) for p in patterns for u in others):
        general, patterns = shapes, make(shapes)  # columns kept apart
    return general, [p for p in patterns if not any(re.search(p, u) for u in others)]


def _wrong_charset(samples: list[Sample]) -> str | None:
    """The codec to force when most article pages declare a charset their bytes are not in."""
    hows = [(s.codec, s.charset_how) for s in samples if s.html is not None]
    wrong = [c for c, how in hows if "invalid" in how or "mis-declared" in how]
    if hows and len(wrong) * 2 > len(hows):
        return Counter(wrong).most_common(1)[0][0]
    return None


def build(
    home: str,
    samples: list[Sample],
    robots: Robots,
    *,
    ident: str | None = None,
    sitemaps: list[str] | None = None,
    feeds: list[str] | None = None,
    max_list_pages: int = 200,
) -> Draft:
    """Draft a profile for the portal whose home page is ``home`` from ``samples`` (the home
    page first)."""
    pages = [s for s in samples if s.status == 200 and s.html is not None]
    dead = [s.requested for s in samples if s.status in (404, 410)]
    final_home = pages[0].url if pages and pages[0].requested == home else home
    views: dict[str, PageView] = {}
    for s in pages:
        views.setdefault(s.url, read_page(s.url, s.html or ""))
    verdicts = classify(list(views.values()))
    home_skeleton = skeleton(home)
    kinds: dict[str, str] = {}
    for s in pages:
        kinds[canonical_url(s.requested)] = verdicts[s.url].kind
        kinds.setdefault(canonical_url(s.url), verdicts[s.url].kind)
    shapes = group(list(kinds))
    article_shapes: list[Shape] = []
    list_shapes: list[Shape] = []
    loose: list[Shape] = []
    for shape in shapes.values():
        kind = _majority([kinds[u] for u in shape.urls])
        for url in shape.urls:  # a shape's pages are one kind: a short article is an article
            kinds[url] = kind or OTHER
        if shape.skeleton in ("/", home_skeleton):
            continue
        {ARTICLE: article_shapes, LIST: list_shapes}.get(kind or OTHER, loose).append(shape)
    for kind, kinded in ((ARTICLE, article_shapes), (LIST, list_shapes)):
        for shape in _adopted(kinded, loose):
            kinded.append(shape)
            loose.remove(shape)
            kinds.update(dict.fromkeys(shape.urls, kind))
    article_urls = [u for u, k in kinds.items() if k == ARTICLE]
    list_urls = [u for u, k in kinds.items() if k == LIST]
    article_shapes, articles = _patterns(article_shapes, list_urls, _plain_patterns)
    list_shapes, follow = _patterns(list_shapes, article_urls, _follow_patterns)
    origins = sorted({shape.origin for shape in shapes.values()} | {_origin(final_home)})
    deny: list[str] = []
    for o in origins:
        deny += robots.deny_patterns(o)
    all_links = [u for v in views.values() for u, _ in v.links]
    variants = sorted({u for u in all_links if _is_variant_of(u, article_shapes)})
    patterns = [shape.pattern() for shape in group(variants).values()]
    patterns += [VARIANT_DENY[0].format(origin=escape(o)) for o in origins]
    patterns += VARIANT_DENY[1:]
    for pattern in patterns:
        if pattern not in deny and not any(re.search(pattern, u) for u in article_urls + list_urls):
            deny.append(pattern)
    home_view = views.get(final_home)
    title = home_view.title if home_view else ""
    lists = [
        views[s.url]
        for s in pages
        if kinds.get(canonical_url(s.requested)) == LIST and s.requested != home
    ]
    paging = sum(v.paging for v in lists) / len(lists) if lists else None
    profile: dict[str, Any] = {
        "id": ident or site_id(home),
        "name": site_name(title, urlsplit(home).hostname or "site"),
        "start_urls": [final_home if _origin(final_home) != _origin(home) else home],
        "follow": follow,
        "articles": articles,
        "deny": deny,
        "sitemaps": list(sitemaps or []),
        "feeds": list(feeds or []),
        "max_list_pages": max_list_pages,
    }
    encoding = _wrong_charset(
        [s for s in pages if kinds.get(canonical_url(s.requested)) == ARTICLE]
    )
    if encoding:
        profile["encoding"] = encoding
    cms = recognize(
        [s.requested for s in samples] + all_links,
        sorted({s.server for s in samples if s.server}),
        [s.html for s in pages[:12] if s.html],
    )
    draft = Draft(
        profile, cms, article_shapes, list_shapes, variants, verdicts, kinds,
        article_urls, [u for u, k in kinds.items() if k == LIST], paging, dead,
    )  # fmt: skip
    if not articles:
        draft.notes.append("no article pages found in the sample")
    if not follow:
        draft.notes.append(
            "no list pages besides the home page: the crawl reads the home page only"
        )
    return draft


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _is_variant_of(url: str, article_shapes: list[Shape]) -> bool:
    mapped = canonical_url(url)
    if mapped == url:
        return False
    return any(re.search(s.pattern(), mapped) for s in article_shapes)


def to_yaml(draft: Draft, home: str, when: str) -> str:
    """The profile as YAML text, with a header saying where it came from."""
    p = draft.profile
    lines = [
        f"# Drafted by `scrapy genprofile {home}` on {when}: check it before a full crawl.",
        f"# CMS: {draft.cms.describe()}",
    ]
    for label, shapes in (("articles", draft.article_shapes), ("lists", draft.list_shapes)):
        if shapes:
            lines.append(f"# {label}: " + ", ".join(s.template() for s in shapes))
    lines += [f"id: {p['id']}", f"name: {_q(p['name'])}"]
    for key in ("start_urls", "follow", "articles", "deny", "sitemaps", "feeds"):
        values = p[key]
        if not values:
            lines.append(f"{key}: []")
            continue
        lines.append(f"{key}:")
        lines += [f"  - {_q(v)}" for v in values]
    lines.append(f"max_list_pages: {p['max_list_pages']}")
    if p.get("encoding"):
        lines.append(f"encoding: {p['encoding']}")
    return "\n".join(lines) + "\n"


def _q(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


__all__ = ["Draft", "Sample", "build", "escape", "site_id", "site_name", "to_yaml"]
