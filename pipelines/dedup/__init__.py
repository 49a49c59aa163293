"""Dedup stage: exact copies share ``content_hash``; near copies share an LSH band and reach
``NEAR_DUP_THRESHOLD`` on their MinHash signatures; :mod:`canonical` picks ``duplicate_of``.
``hashing`` and ``canonical`` are pure; the persistent index lives beside them.
"""

from __future__ import annotations

from pipelines.dedup.canonical import RULE, choose_canonical, cluster_id
from pipelines.dedup.hashing import (
    NEAR_DUP_THRESHOLD,
    content_hash,
    jaccard,
    lsh_bands,
    minhash,
    shingles,
)

__all__ = [
    "NEAR_DUP_THRESHOLD",
    "RULE",
    "choose_canonical",
    "cluster_id",
    "content_hash",
    "jaccard",
    "lsh_bands",
    "minhash",
    "shingles",
]
