"""The persistent duplicate index: exact copies by ``content_hash``, near copies by MinHash LSH
bands stored in the database, so every run and every worker sharing ``DATABASE_URL`` sees the
same clusters. :func:`assign` sets ``cluster`` and ``duplicate_of`` on an article and on the
copies it joins, following :data:`pipelines.dedup.canonical.RULE`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select

from crawler.db.models import ArticleRow, BandRow, SignatureRow
from pipelines.dedup import canonical, hashing

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from model.items import Article


def _copy(row: ArticleRow | Article, site_names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": row.id,
        "url": row.url,
        "site": row.site,
        "site_name": site_names.get(row.site),
        "published": row.published,
        "source": row.source,
        "fetched": row.fetched,
    }


def _near_ids(session: Session, article: Article) -> set[str]:
    """Ids of stored articles whose signature is near ``article``'s."""
    if not article.minhash:
        return set()
    bands = hashing.lsh_bands(article.minhash)
    # Core statements on the session's connection: these run for every article, and the ORM's
    # per-statement bookkeeping cost more than the queries themselves
    connection = session.connection()
    candidates = set(
        connection.execute(
            select(BandRow.article_id).where(
                BandRow.band.in_(bands), BandRow.article_id != article.id
            )
        ).scalars()
    )
    if not candidates:
        return set()
    near = set()
    rows = connection.execute(
        select(SignatureRow.article_id, SignatureRow.minhash).where(
            SignatureRow.article_id.in_(candidates)
        )
    )
    for article_id, signature in rows:
        if hashing.jaccard(article.minhash, signature) >= hashing.NEAR_DUP_THRESHOLD:
            near.add(article_id)
    return near


def index_signature(session: Session, article: Article) -> None:
    """Store (or replace) the article's signature and band keys (bulk inserts: this runs once
    per article on the crawl's main thread)."""
    connection = session.connection()
    known = connection.execute(
        select(SignatureRow.minhash).where(SignatureRow.article_id == article.id)
    ).scalar()
    if known is not None:
        if known == list(article.minhash or []):
            return
        connection.execute(delete(BandRow).where(BandRow.article_id == article.id))
        connection.execute(delete(SignatureRow).where(SignatureRow.article_id == article.id))
    if article.minhash:
        session.execute(
            insert(SignatureRow), [{"article_id": article.id, "minhash": list(article.minhash)}]
        )
        session.execute(
            insert(BandRow),
            [
                {"band": b, "article_id": article.id}
                for b in set(hashing.lsh_bands(article.minhash))
            ],
        )


def assign(session: Session, article: Article, site_names: dict[str, str] | None = None) -> str:
    """Find the article's copies, choose the canonical one, update the whole cluster.

    Returns ``unique``, ``exact`` or ``near``: what this article turned out to be. Reads only:
    the changed cluster members stay pending in the session until the store step writes them,
    the article's signature (:func:`index_signature`) and the article itself, and commits, so
    every write of one article happens in one short transaction.
    """
    with session.no_autoflush:
        return _assign(session, article, site_names or {})


def _assign(session: Session, article: Article, site_names: dict[str, str]) -> str:
    exact: set[str] = set()
    if article.content_hash:
        exact = set(
            session.connection()
            .execute(
                select(ArticleRow.id).where(
                    ArticleRow.content_hash == article.content_hash, ArticleRow.id != article.id
                )
            )
            .scalars()
        )
    near = _near_ids(session, article) - exact
    matched = exact | near
    if not matched:
        article.cluster, article.duplicate_of = canonical.cluster_id([article.id]), None
        return "unique"
    clusters = set(
        session.scalars(select(ArticleRow.cluster).where(ArticleRow.id.in_(matched)))
    ) - {None}
    members = list(
        session.scalars(
            select(ArticleRow).where(
                (ArticleRow.cluster.in_(clusters)) | (ArticleRow.id.in_(matched)),
                ArticleRow.id != article.id,
            )
        )
    )
    copies = [_copy(row, site_names) for row in members] + [_copy(article, site_names)]
    canon = canonical.choose_canonical(copies)["id"]
    cluster = canonical.cluster_id(copy["id"] for copy in copies)
    for row in members:
        row.cluster = cluster
        row.duplicate_of = None if row.id == canon else canon
    article.cluster = cluster
    article.duplicate_of = None if article.id == canon else canon
    return "exact" if exact else "near"
