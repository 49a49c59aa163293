"""The near-duplicate rule offline, on a ``bench.dedup`` cache folder: every pair of articles
sharing an LSH band key (the candidates the index sees), its Jaccard estimate and shingle
counts, and the clusters a rule makes from them, scored against the generator's truth without a
database.

    python -m bench.dedup_rule --cache /tmp/dedup/cache-300000-2 [--n 300000] [--pairs]

The index joins an article to the cluster of every stored candidate that passes
:func:`pipelines.dedup.hashing.is_near` and merges those clusters, so its clusters are the
connected components of the graph of confirmed candidate pairs (whatever the order; exact
copies have equal signatures, so they are confirmed pairs too): what this computes, in seconds
where ``bench.dedup`` takes minutes. ``--pairs`` prints the J and containment of the pairs
that decide the figures: copies that share a band with their original but are refused, and
pairs of different stories (follow-ups quoting an earlier story) that come closest.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from bench.dedup import KINDS, recall_by_edit, scores
from pipelines.dedup import hashing

Rule = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def load(folder: Path, n: int | None = None) -> dict[str, np.ndarray]:
    """Signatures, shingle counts and truth of the first ``n`` articles of a cache folder."""
    total = json.loads((folder / "meta.json").read_text())["n"]
    n = total if n is None else min(n, total)
    sigs = np.fromfile(folder / "sigs.bin", dtype="<u4", count=n * hashing.NUM_PERM)
    return {
        "sigs": sigs.reshape(n, hashing.NUM_PERM),
        "sizes": np.fromfile(folder / "sizes.bin", dtype="<i4", count=n).astype(np.int64),
        "story": np.load(folder / "story.npy")[:n],
        "bits": np.load(folder / "bits.npy")[:n],
    }


def candidate_pairs(sigs: np.ndarray, chunk: int = 100_000) -> tuple[np.ndarray, np.ndarray]:
    """Distinct pairs ``(i, j)``, ``i < j``, of rows sharing at least one band key."""
    keys = np.concatenate(
        [hashing.band_keys_many(sigs[s : s + chunk]) for s in range(0, len(sigs), chunk)]
    )
    found = []
    for band in range(keys.shape[1]):
        column = keys[:, band]
        order = np.argsort(column, kind="stable")
        ordered = column[order]
        # runs of equal keys: every pair inside a run
        starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
        lengths = np.diff(np.concatenate((starts, [len(ordered)])))
        for length in np.unique(lengths[lengths > 1]).tolist():
            runs = starts[lengths == length]
            first, second = np.triu_indices(length, 1)
            a = order[runs[:, None] + first[None, :]].ravel()
            b = order[runs[:, None] + second[None, :]].ravel()
            found.append(np.minimum(a, b) * len(sigs) + np.maximum(a, b))
    pairs = np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)
    return pairs // len(sigs), pairs % len(sigs)


def similarities(sigs: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    out = np.empty(len(i))
    for s in range(0, len(i), 200_000):
        out[s : s + 200_000] = np.count_nonzero(
            sigs[i[s : s + 200_000]] == sigs[j[s : s + 200_000]], axis=1
        )
    return out / sigs.shape[1]


def current_rule(similarity: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """:func:`pipelines.dedup.hashing.is_near` on arrays."""
    return np.array(
        [
            hashing.is_near(s, x, y)
            for s, x, y in zip(similarity.tolist(), a.tolist(), b.tolist(), strict=True)
        ],
        dtype=bool,
    )


def clusters(n: int, i: np.ndarray, j: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Connected components (a label per article) of the pairs ``(i, j)`` kept."""
    graph = coo_matrix((np.ones(int(keep.sum())), (i[keep], j[keep])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def offline_clusters(sigs: np.ndarray, sizes: np.ndarray, rule: Rule = current_rule) -> np.ndarray:
    """The clusters the index makes of these articles with ``rule`` (a label per article;
    articles with an empty text, size 0, are left alone as the index leaves them)."""
    sizes = np.asarray(sizes, dtype=np.int64)
    i, j = candidate_pairs(sigs)
    usable = (sizes[i] > 0) & (sizes[j] > 0)
    i, j = i[usable], j[usable]
    return clusters(len(sigs), i, j, rule(similarities(sigs, i, j), sizes[i], sizes[j]))


def overlap(similarity: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, ...]:
    """Estimated shared shingles over the smaller and over the larger set."""
    shared = similarity * (a + b) / (1 + similarity)
    return shared / np.maximum(np.minimum(a, b), 1), shared / np.maximum(np.maximum(a, b), 1)


def report(data: dict[str, np.ndarray], rule: Rule, show_pairs: bool = False) -> None:
    n = len(data["story"])
    i, j = candidate_pairs(data["sigs"])
    similarity = similarities(data["sigs"], i, j)
    a, b = data["sizes"][i], data["sizes"][j]
    keep = rule(similarity, a, b)
    cluster = clusters(n, i, j, keep)
    precision, recall = scores(data["story"], cluster)
    by_edit = recall_by_edit(data["story"], cluster, data["bits"])
    same = data["story"][i] == data["story"][j]
    print(
        f"{n} articles, {len(i)} candidate pairs ({int(same.sum())} of one story), "
        f"confirmed {int((keep & same).sum())} of one story, {int((keep & ~same).sum())} of two"
    )
    print(f"pair precision {precision:.4f} recall {recall:.4f}")
    print("by edit: " + ", ".join(f"{k} {v:.4f}" for k, v in by_edit.items()))
    if not show_pairs:
        return
    small, large = overlap(similarity, a, b)
    story, bits = data["story"], data["bits"]
    # copies against their original (the original of story s is article s)
    original = (i == story[j]) & (bits[j] != 0)
    refused = original & ~keep
    print(f"copies sharing a band with their original but refused: {int(refused.sum())}")
    for t in np.flatnonzero(refused)[:40]:
        edits = [KINDS[k] for k in range(len(KINDS)) if bits[j[t]] >> k & 1]
        print(
            f"  J {similarity[t]:.3f} sizes {a[t]}/{b[t]} in-smaller {small[t]:.2f} "
            f"in-larger {large[t]:.2f} {'+'.join(edits)}"
        )
    joined = cluster == cluster[story]
    lost = (bits != 0) & ~joined
    print(f"copies not in their original's cluster: {int(lost.sum())}")
    other = ~same
    order = np.argsort(-small[other])[:20]
    print(f"pairs of two stories sharing a band: {int(other.sum())}; highest in-smaller:")
    for t in np.flatnonzero(other)[order]:
        print(
            f"  J {similarity[t]:.3f} sizes {a[t]}/{b[t]} in-smaller {small[t]:.2f} "
            f"in-larger {large[t]:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--n", type=int)
    parser.add_argument("--pairs", action="store_true")
    args = parser.parse_args()
    report(load(args.cache, args.n), current_rule, args.pairs)


if __name__ == "__main__":
    main()
