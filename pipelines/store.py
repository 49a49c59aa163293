"""Store: the last stage, after dedup. Shared by the crawl's item pipeline, replay and the
benches, so every path writes an article the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.db.repository import record_capture, store_article
from pipelines.dedup.index import index_signature

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from model.items import Article


def store(session: Session, article: Article) -> str:
    """The article's signature into the duplicate index, the article (earlier versions kept),
    its capture's validators. Returns ``new``, ``changed`` or ``unchanged``; the caller
    commits."""
    index_signature(session, article)
    outcome = store_article(session, article)
    if article.capture:
        record_capture(session, dict(article.capture, article_id=article.id))
    return outcome
