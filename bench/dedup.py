"""Dedup benchmark: N articles from the syndicated-copy generator (``tests/simulator/
syndicate.py``: exact copies and copies that drop or reorder paragraphs, add a local lead, a
sentence or a 来源 line; follow-up stories that quote earlier ones) through the writer's path,
``assign_batch`` + ``store_batch`` + commit per batch, into a fresh database; printing docs/s, peak
RSS and index size at checkpoints, cluster pair precision/recall against the generator's truth
(and recall per kind of edit), then datasketch's in-memory MinHashLSH on the same stream in a
fresh process, and the ratios.

    python -m bench.dedup [--n 1000000] [--db postgresql://127.0.0.1/dedup_bench] [--batch 200]

Signatures are computed as the CPU stage does (in worker processes in a crawl or replay); here
they are made in the same process and timed apart: "index docs/s" is what the writer thread
does per article ("(CPU)": per second of this process's CPU time, which the database server's
time is not part of on PostgreSQL; the machine is shared), "wall docs/s" includes generating the texts and their signatures. Memory is
bounded: the generator keeps a window of recent stories and the truth is two numpy arrays.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from sqlalchemy import func, select, text

from crawler.db.models import ArticleRow, BandRow
from crawler.db.session import open_database
from model.items import Article
from pipelines.dedup.hashing import content_hash, sketch
from pipelines.dedup.index import assign_batch
from pipelines.store import store_batch
from tests.simulator.syndicate import EDITS, stream

KINDS = ("exact", *EDITS)


def articles(n: int, seed: int = 1) -> Iterator[tuple[Article, int, int]]:
    """(article, story, edit bits): bit k set when the copy had ``KINDS[k]``."""
    for doc in stream(n, seed):
        signature = sketch(doc.text)
        art = Article(
            id=f"{doc.number:016x}",
            url=f"http://{doc.site}.test/{doc.number}.html",
            site=doc.site,
            title=f"标题{doc.number}",
            published=doc.published,
            text=doc.text,
            content_hash=content_hash(doc.text),
            minhash=signature.minhash,
            shingle_count=signature.size,
        )
        bits = sum(1 << KINDS.index(kind) for kind in doc.edits)
        yield art, doc.story, bits


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pairs(counts: np.ndarray) -> int:
    counts = counts.astype(np.int64)
    return int((counts * (counts - 1) // 2).sum())


def scores(story: np.ndarray, cluster: np.ndarray) -> tuple[float, float]:
    """Pair precision and recall of ``cluster`` (int per article) against ``story``."""
    true = _pairs(np.unique(story, return_counts=True)[1])
    got = _pairs(np.unique(cluster, return_counts=True)[1])
    both = _pairs(np.unique(story * (len(story) + 1) + cluster, return_counts=True)[1])
    return (both / got if got else 1.0), (both / true if true else 1.0)


def recall_by_edit(story: np.ndarray, cluster: np.ndarray, bits: np.ndarray) -> dict[str, float]:
    """Share of copies with an edit kind that ended in their original's cluster (the original
    of story ``s`` is article number ``s``)."""
    joined = cluster == cluster[story]
    return {
        kind: float(joined[(bits >> k) & 1 == 1].mean())
        for k, kind in enumerate(KINDS)
        if ((bits >> k) & 1).any()
    }


def index_size(session) -> str:  # type: ignore[no-untyped-def]
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        sizes = {
            table: session.scalar(text(f"SELECT pg_total_relation_size('{table}')"))
            for table in ("dedup_bands", "dedup_signatures", "articles")
        }
        return ", ".join(f"{t} {v / 2**20:.0f} MB" for t, v in sizes.items())
    try:
        rows = session.execute(
            text("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")
        ).all()
    except Exception:
        return "n/a"
    return ", ".join(f"{n} {v / 2**20:.0f} MB" for n, v in rows if n.startswith(("dedup", "art")))


def run(url: str, n: int, batch: int, checkpoints: set[int]) -> dict[str, float]:
    factory = open_database(url)
    story = np.zeros(n, dtype=np.int64)
    bits = np.zeros(n, dtype=np.int64)
    print(f"dedup benchmark: {n} articles into {url}, {batch} per transaction")
    print(
        f"{'articles':>10} {'index docs/s':>12} {'(CPU)':>7} {'wall docs/s':>11} "
        f"{'peak RSS MB':>11} {'band rows':>11}  load"
    )
    started = time.perf_counter()
    spent = cpu = 0.0
    figures: dict[str, float] = {}
    pending: list[Article] = []
    with factory() as session:

        def flush() -> None:
            nonlocal spent, cpu
            begin, begin_cpu = time.perf_counter(), time.process_time()
            kinds = assign_batch(session, pending)
            store_batch(session, pending)
            session.commit()
            spent += time.perf_counter() - begin
            cpu += time.process_time() - begin_cpu
            del kinds
            pending.clear()

        for i, (art, truth, edit_bits) in enumerate(articles(n), 1):
            story[i - 1], bits[i - 1] = truth, edit_bits
            pending.append(art)
            if len(pending) >= batch or i in checkpoints:
                flush()
            if i in checkpoints:
                wall = time.perf_counter() - started
                bands = session.scalar(select(func.count()).select_from(BandRow))
                load = Path("/proc/loadavg").read_text().split()[:3]
                print(
                    f"{i:>10} {i / spent:>12.0f} {i / cpu:>7.0f} {i / wall:>11.0f} {rss_mb():>11.0f} "
                    f"{bands:>11}  {' '.join(load)}",
                    flush=True,
                )
                figures[f"index_rate_{i}"] = i / spent
        if pending:
            flush()
        print(f"index size: {index_size(session)}")
        cluster = np.zeros(n, dtype=np.int64)
        rows = session.execute(select(ArticleRow.id, ArticleRow.cluster)).yield_per(50_000)
        for aid, found in rows:
            cluster[int(aid, 16)] = int(found[1:], 16) if found else int(aid, 16)
    factory.kw["bind"].dispose()
    precision, recall = scores(story, cluster)
    figures.update(precision=precision, recall=recall, rate=n / spent, rss=rss_mb())
    copies = int((bits != 0).sum())
    print(
        f"cluster pair precision {precision:.4f}, recall {recall:.4f} "
        f"({copies} copies, {len(np.unique(story))} stories)"
    )
    by_edit = recall_by_edit(story, cluster, bits)
    print(
        "copies in their original's cluster, by edit: "
        + ", ".join(f"{kind} {share:.4f}" for kind, share in by_edit.items())
    )
    return figures


def baseline(n: int) -> tuple[float, float, float, float]:
    """datasketch's in-memory MinHashLSH over the same stream and signatures, with our bands
    (32 x 4) and our confirmation rule, "join the cluster of the first confirmed match":
    docs/s of the index alone, peak RSS (MB) of a fresh process, pair precision and recall.
    Fast, but its index and every signature live in RAM and die with it."""
    from datasketch import LeanMinHash, MinHashLSH

    from pipelines.dedup.hashing import BANDS, NUM_PERM, is_near, jaccard

    lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, NUM_PERM // BANDS))
    story = np.zeros(n, dtype=np.int64)
    cluster = np.zeros(n, dtype=np.int64)
    keep: dict[int, tuple[LeanMinHash, int]] = {}
    spent = 0.0
    for art, truth, _ in articles(n):
        number = int(art.id, 16)
        story[number] = truth
        begin = time.perf_counter()
        sig = LeanMinHash(seed=1, hashvalues=art.minhash, scheme="legacy")
        size = art.shingle_count or 0
        found = number
        for match in sorted(lsh.query(sig)):
            other, other_size = keep[match]
            if is_near(jaccard(sig.hashvalues, other.hashvalues), size, other_size):
                found = int(cluster[match])
                break
        cluster[number] = found
        lsh.insert(number, sig)
        keep[number] = (sig, size)
        spent += time.perf_counter() - begin
    return (n / spent, rss_mb(), *scores(story, cluster))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--batch", type=int, default=200, help="articles per transaction")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-dedup-')) / 'dedup.db'}"
    points = {p for p in (10_000, 100_000, 1_000_000) if p < args.n} | {args.n}
    ours = run(url, args.n, args.batch, points)
    if args.no_baseline:
        return
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        rate, rss, precision, recall = pool.apply(baseline, (args.n,))
    print(
        f"baseline, datasketch in-memory MinHashLSH (fresh process, same stream, same bands and "
        f"rule): {rate:.0f} docs/s, peak RSS {rss:.0f} MB, pair precision {precision:.4f}, "
        f"recall {recall:.4f}"
    )
    print(
        f"ours (persistent, shared, with storage) {ours['rate'] / rate:.2f}x its docs/s, "
        f"{ours['rss'] / rss:.2f}x its peak RSS"
    )


if __name__ == "__main__":
    main()
