"""The extractors the bench compares, all fed the same input.

Input: every extractor gets the same decoded HTML string (``Case.html``): the page's bytes
decoded once by the bench with the page's HTTP headers (BOM > Content-Type header > meta >
detection, as ``pipelines.extract.charset`` decides). Ours receives that string re-encoded as
UTF-8 under a ``charset=utf-8`` header, so no extractor decodes differently from another.

Each runner returns the fields it produces; ``PRODUCES`` says which, so a field an extractor
has no notion of (readability has no date) is shown as ``-`` instead of scoring 0. Ours is
the product's output: ``extract`` then ``normalize``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from model.items import Article, Page

FIELDS = ("body", "title", "published", "author", "source", "editor")
UTF8 = [("Content-Type", "text/html; charset=utf-8")]


def run_ours(url: str, html: str) -> dict[str, Any]:
    from pipelines.extract import extract
    from pipelines.normalize import normalize

    result = extract(Page(url=url, body=html.encode("utf-8"), headers=UTF8, site="bench"), None)
    if not isinstance(result, Article):
        if result.reason == "error":  # extract turned an exception into a skip: a crash
            raise RuntimeError(result.detail)
        return {}
    result = normalize(result)
    return {**{f: getattr(result, f) for f in FIELDS if f != "body"}, "body": result.text}


def run_trafilatura(url: str, html: str) -> dict[str, Any]:
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True
    )
    if doc is None:
        return {}
    doc = doc.as_dict() if hasattr(doc, "as_dict") else doc
    return {
        "body": doc.get("text"),
        "title": doc.get("title"),
        "published": doc.get("date"),
        "author": doc.get("author"),
    }


def run_readability(url: str, html: str) -> dict[str, Any]:
    import lxml.html
    from readability import Document

    doc = Document(html, url=url)
    summary = lxml.html.fromstring(doc.summary())
    return {"body": summary.text_content(), "title": doc.short_title()}


def run_gne(url: str, html: str) -> dict[str, Any]:
    from gne import GeneralNewsExtractor

    res = GeneralNewsExtractor().extract(html)
    return {
        "body": res.get("content"),
        "title": res.get("title"),
        "published": res.get("publish_time"),
        "author": res.get("author") or None,
    }


EXTRACTORS: dict[str, Callable[[str, str], dict[str, Any]]] = {
    "ours": run_ours,
    "trafilatura": run_trafilatura,
    "readability": run_readability,
    "gne": run_gne,
}
PRODUCES: dict[str, tuple[str, ...]] = {
    "ours": FIELDS,
    "trafilatura": ("body", "title", "published", "author"),
    "readability": ("body", "title"),
    "gne": ("body", "title", "published", "author"),
}
