"""Pages become articles in four stages: extract -> normalize -> dedup -> store.

Extract and normalize are pure CPU work: :func:`cpu_stage` runs both (plus the near-duplicate
signature) in one trip to a worker process, for a crawl (``pipelines.stages``) and for a replay
(``scrapy replay``) alike. Dedup and store touch the shared index and database and run in the
main process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from crawler.items import Article, Page, Skip
    from crawler.profiles import SiteProfile


def cpu_stage(page: Page, profile: SiteProfile | None) -> Article | Skip:
    """extract -> normalize -> MinHash signature. Never raises: a failure is a ``Skip``."""
    from crawler.items import Skip
    from pipelines.dedup.hashing import minhash
    from pipelines.extract import extract
    from pipelines.normalize import normalize

    result = extract(page, profile)
    if isinstance(result, Skip):
        return result
    try:
        article = normalize(result)
        article.minhash = minhash(article.text)
    except Exception as exc:  # a bug must cost one page, not the crawl
        return Skip(page.url, "error", f"normalize failed: {exc!r}")
    return article


def store(session: Session, article: Article) -> str:
    """The store step, after dedup: the article's signature into the duplicate index, the
    article (earlier versions kept), its capture's validators. Returns ``new``, ``changed`` or
    ``unchanged``; the caller commits."""
    from crawler.db.repository import record_capture, store_article
    from pipelines.dedup.index import index_signature

    index_signature(session, article)
    outcome = store_article(session, article)
    if article.capture:
        record_capture(session, dict(article.capture, article_id=article.id))
    return outcome
