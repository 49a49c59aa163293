"""Pages become articles in four stages: extract -> normalize -> dedup -> store.

Extract and normalize are pure CPU work: :func:`cpu_stage` runs both (plus the near-duplicate
signature) in one trip to a worker process, for a crawl (``pipelines.stages``) and for a replay
(``scrapy replay``) alike. Dedup (:mod:`pipelines.dedup.index`) and store
(:mod:`pipelines.store`) touch the shared index and database and run in the main process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from model.items import Article, Page, Skip
    from model.profiles import SiteProfile
    from pipelines.dedup.hashing import Sketch


def cpu_stage(
    page: Page,
    profile: SiteProfile | None,
    max_bytes: int | None = None,
    *,
    strict: bool = False,
) -> Article | Skip:
    """extract -> normalize -> MinHash signature. Never raises: a failure is a ``Skip``;
    with ``strict`` (tests, fixtures) a failure raises instead. ``max_bytes``: the body size
    above which a page is a ``too_large`` skip (default: the extractor's ``MAX_BYTES``; the
    crawl and replay pass ``EXTRACT_MAX_BODY``)."""
    from model.items import Skip
    from pipelines.dedup.hashing import sketch
    from pipelines.extract import MAX_BYTES, extract
    from pipelines.extract.challenge import challenge_reason
    from pipelines.normalize import normalize

    limit = MAX_BYTES if max_bytes is None else max_bytes
    challenge = challenge_reason(page.body) if page.status == 200 else None
    if challenge is not None:  # an anti-bot page in place of the article (replay sees these)
        return Skip(page.url, "challenge", challenge)
    result = extract(page, profile, limit, strict=strict)
    if isinstance(result, Skip):
        return result
    if strict:
        article = normalize(result)
        _sign(article, sketch(article.text))
        return article
    try:
        article = normalize(result)
        _sign(article, sketch(article.text))
    except Exception as exc:  # a bug must cost one page, not the crawl
        return Skip(page.url, "error", f"normalize failed: {exc!r}")
    return article


def _sign(article: Article, signature: Sketch) -> None:
    article.minhash, article.shingle_count = signature.minhash, signature.size
