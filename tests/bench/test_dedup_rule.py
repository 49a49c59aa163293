"""bench.dedup_rule: the index's clusters computed offline from the candidate pairs."""

from __future__ import annotations

import numpy as np

from bench.dedup import article_number, generate
from bench.dedup_rule import candidate_pairs, offline_clusters
from crawler.db.models import ArticleRow
from crawler.db.session import open_database
from pipelines.dedup.hashing import band_keys_many
from pipelines.dedup.index import assign_batch
from pipelines.store import store


def _same_partition(x: np.ndarray, y: np.ndarray) -> bool:
    pairs = len(np.unique(np.stack([x, y]), axis=1).T)
    return pairs == len(np.unique(x)) == len(np.unique(y))


def test_candidate_pairs_are_the_pairs_sharing_a_band_key():
    made = list(generate(400, seed=4))
    sigs = np.array([art.minhash for art, _, _ in made], dtype=np.uint32)
    keys = band_keys_many(sigs)
    sharing = np.zeros((len(sigs), len(sigs)), dtype=bool)
    for band in keys.T:
        sharing |= band[:, None] == band[None, :]
    i, j = candidate_pairs(sigs, chunk=150)
    assert len(i) > 50
    assert set(zip(i.tolist(), j.tolist(), strict=True)) == set(
        zip(*np.nonzero(np.triu(sharing, 1)), strict=True)
    )


def test_offline_clusters_equal_the_index_clusters(tmp_path):
    made = list(generate(1200, seed=4))
    articles = [art for art, _, _ in made]
    factory = open_database(f"sqlite:///{tmp_path / 'a.db'}")
    with factory() as session:
        for start in range(0, len(articles), 150):
            chunk = articles[start : start + 150]
            assign_batch(session, chunk)
            for art in chunk:
                store(session, art)
            session.commit()
        stored = np.zeros(len(articles), dtype=np.int64)
        for aid, found in session.query(ArticleRow.id, ArticleRow.cluster):
            stored[article_number(aid)] = article_number(found[1:])
    factory.kw["bind"].dispose()
    sigs = np.array([art.minhash for art in articles], dtype=np.uint32)
    sizes = np.array([art.shingle_count for art in articles])
    offline = offline_clusters(sigs, sizes)
    assert len(np.unique(offline)) < len(articles) - 200  # copies were clustered
    assert _same_partition(stored, offline)
    # the rule decides: one confirming no pair leaves every article alone
    alone = offline_clusters(sigs, sizes, lambda s, a, b: np.zeros(len(s), dtype=bool))
    assert len(np.unique(alone)) == len(articles)
