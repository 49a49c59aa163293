"""Anti-bot challenge pages: an HTTP 200 answer that is a 安全验证 / JS check in place of the
page asked for. Never an article; the crawl counts it as a failed fetch, replay as a skip.

Order of trust: a marker in ``<title>`` > a marker in a page with almost no visible text > a
page that is only a script setting a cookie or moving ``location``. A long article that
mentions 安全验证 in its text is not a challenge.
"""

from __future__ import annotations

import re

MARKERS = (
    "安全验证", "安全检查", "人机验证", "滑动验证", "访问验证", "请稍候", "正在验证",
    "请开启JavaScript", "请启用JavaScript", "启用JavaScript", "浏览器安全",
    "Just a moment", "Checking your browser", "cf-browser-verification", "challenge-platform",
    "_cf_chl", "__jsl_clearance", "Please enable JavaScript", "DDoS protection",
)  # fmt: skip
# each marker as a page may serve it: UTF-8 or GBK/GB18030
_MARKER_BYTES = tuple(
    {marker.encode(codec) for marker in MARKERS for codec in ("utf-8", "gb18030")}
)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_SCRIPT = re.compile(rb"<(script|style|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(rb"<[^>]+>")
_JS_CHECK = re.compile(rb"document\.cookie\s*=|location\.(?:href\s*=|replace\(|reload\()")
MAX_VISIBLE = 200  # bytes of visible text below which a page is too thin to be an article
MAX_BODY = 256 * 1024  # challenge pages are small; a larger page is not looked into


def _visible(body: bytes) -> bytes:
    return b"".join(_TAG.sub(b" ", _SCRIPT.sub(b" ", body)).split())


_PIECE = 2048  # bytes of markup :func:`_has_visible` reads at a time


def _has_visible(body: bytes, size: int) -> bool:
    """``len(_visible(body)) >= size``, read piece by piece from the start: an article shows
    that much text in its first few KB, and the rest of the page is never scanned for tags.
    Exact: every piece ends at a ``>``, which no tag match (``<[^>]+>``) crosses, so the
    pieces' tags are the whole text's, and visible bytes add up."""
    text = _SCRIPT.sub(b" ", body)
    start, count = 0, 0
    while start < len(text):
        end = text.rfind(b">", start, start + _PIECE) + 1 or text.find(b">", start + _PIECE) + 1
        end = end or len(text)
        count += len(b"".join(_TAG.sub(b" ", text[start:end]).split()))
        if count >= size:
            return True
        start = end
    return False


def challenge_reason(body: bytes) -> str | None:
    """Why ``body`` (an HTML answer, as served) is an anti-bot challenge, or None."""
    if not body or len(body) > MAX_BODY:
        return None
    title = _TITLE.search(body[:8192])
    if title and any(m in title.group(1) for m in _MARKER_BYTES):
        return "challenge marker in the title"
    if _has_visible(body, MAX_VISIBLE):
        return None
    if any(m in body for m in _MARKER_BYTES):
        return "challenge marker in a page without text"
    if b"<script" in body.lower() and _JS_CHECK.search(body):
        return "script-only page setting a cookie or moving location"
    return None
