"""Extract: ``Page`` (+ optional ``SiteProfile``) -> ``Article`` or ``Skip``. Pure, no Scrapy.

The page is decoded once (charset.py: BOM > HTTP header > meta > detection; the profile's
``encoding`` overrides) and parsed once (document.py); the tree, meta map and text lines go to
each field module. Order of trust, field by field (the profile's selector always comes first):

- title: heading/ArticleTitle/og:title matching the ``<title>`` > ``<title>`` less site suffix;
- published: info line near the title > meta tags > URL pattern > htmldate; never crawl time;
- author: info line > byline at the top/bottom of the body > 作者/执笔 line > ``author`` meta
  (unless it names the editor);
- source: info line > ``ContentSource`` meta > a 来源 line elsewhere;
- editor: info line > 编辑/责任编辑 line anywhere > ``editor`` meta;
- text: the ``body`` selector region or trafilatura, minus info/编辑/share/相关阅读/ICP lines.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

from model.items import MAX_BODY_BYTES, Article, Page, Skip

from . import charset
from .body import extract_body
from .dates import extract_published
from .document import find_info, parse
from .people import extract_author, extract_editor, extract_source
from .title import extract_title

if TYPE_CHECKING:
    from model.profiles import SiteProfile

EXTRACTOR_VERSION = "5"
MAX_BYTES = MAX_BODY_BYTES
MIN_TEXT = 20
_HTML_SNIFF = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|div|p|meta|title)[\s>/]", re.IGNORECASE
)

__all__ = ["EXTRACTOR_VERSION", "ExtractionFailed", "article_id", "extract"]


class ExtractionFailed(Exception):
    """Raised instead of returning a Skip when extraction runs with ``strict=True`` (tests and
    fixtures fail loudly)."""

    def __init__(self, skip: Skip) -> None:
        super().__init__(f"{skip.url}: {skip.reason} {skip.detail}".strip())
        self.skip = skip


def article_id(url: str) -> str:
    """Stable article id: the first 16 hex digits of sha1(url)."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def _check_bytes(page: Page, max_bytes: int) -> Skip | None:
    body = page.body
    if not body or not body.strip():
        return Skip(page.url, "empty_body", "response body is empty")
    if len(body) > max_bytes:
        return Skip(page.url, "too_large", f"{len(body)} bytes over the {max_bytes} byte limit")
    head = body[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: sniff the markup decoded
        body = body[:131072].decode("utf-16", errors="replace").encode("utf-8")
        head = body[:4096]
    if b"\x00" in head:
        return Skip(page.url, "binary_body", "NUL bytes in the body")
    ctype = (page.header("content-type") or "").lower()
    if ctype and not any(t in ctype for t in ("html", "xml", "text/plain")):
        if not _HTML_SNIFF.search(body[:4096]):
            return Skip(page.url, "not_html", f"content type {ctype}")
    elif not _HTML_SNIFF.search(body[:65536]):
        return Skip(page.url, "not_html", "no HTML markup in the first 64 KB")
    return None


def extract(
    page: Page,
    profile: SiteProfile | None = None,
    max_bytes: int = MAX_BYTES,
    *,
    strict: bool = False,
) -> Article | Skip:
    """The article in ``page``, or a Skip with a reason; never raises unless ``strict``.

    Skip reasons: empty_body, too_large (over ``max_bytes``, default 20 MB), binary_body,
    not_html, no_text (body under 20 characters), error (an unexpected exception, with detail).
    With ``strict`` (tests, fixtures) an exception propagates and a skip raises
    :class:`ExtractionFailed`.
    """
    if strict:
        result = _extract(page, profile, max_bytes)
        if isinstance(result, Skip):
            raise ExtractionFailed(result)
        return result
    try:
        return _extract(page, profile, max_bytes)
    except Exception as exc:  # a bad page must be a counted skip, never a crashed run
        return Skip(page.url, "error", f"{type(exc).__name__}: {exc}")


def _extract(page: Page, profile: SiteProfile | None, max_bytes: int) -> Article | Skip:
    if skip := _check_bytes(page, max_bytes):
        return skip
    if profile is not None and profile.encoding:
        codec, how = charset.normalize_codec(profile.encoding) or "utf-8", "profile"
    else:
        codec, how = charset.decide(page.body, page.headers)
    html = charset.decode(page.body, codec)
    if "\x00" in html:
        return Skip(page.url, "binary_body", "NUL characters after decoding")
    flags: list[str] = []
    doc = parse(html, page.url)
    sel = profile.selectors if profile is not None else None
    title = extract_title(doc, sel.title if sel else None)
    doc.title = title
    doc.info = find_info(doc, title)
    text = extract_body(doc, title, sel.body if sel else None)
    doc.body = text.split("\n")
    # menu words alone ("首页", "登录", "EN") are not an article: count lines of 10+ characters
    if sum(len(line) for line in doc.body if len(line) >= 10) < MIN_TEXT:
        return Skip(page.url, "no_text", f"body has {len(text)} characters and no paragraph")
    published = extract_published(doc, sel.published if sel else None)
    if not published:
        flags.append("no_date")
    if "\ufffd" in html:
        flags.append("replacement_chars")
    editor = extract_editor(doc, sel.editor if sel else None)
    return Article(
        id=article_id(page.url),
        url=page.url,
        site=page.site,
        title=title,
        published=published,
        author=extract_author(doc, sel.author if sel else None, editor),
        source=extract_source(doc, sel.source if sel else None),
        editor=editor,
        text=text,
        fetched=page.fetched,
        warc=page.warc,
        extractor_version=EXTRACTOR_VERSION,
        charset=f"{codec} ({how})" if how != codec else codec,
        flags=flags,
    )
