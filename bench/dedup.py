"""Dedup benchmark: N synthetic articles (stories with syndicated, edited copies) through the
persistent duplicate index (MinHash LSH bands in the database), printing docs/s, peak memory
and cluster precision/recall against the generator's truth.

    python -m bench.dedup [--n 100000] [--db sqlite:///bench-dedup.db]

Memory is sampled as the index grows: the index lives in the database, so the resident size
should stay flat while the index grows, and never hold the texts.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import func, select

from crawler.db.models import ArticleRow, BandRow
from crawler.db.session import open_database
from model.items import Article
from pipelines.dedup.hashing import content_hash, minhash
from pipelines.dedup.index import assign
from pipelines.store import store

# 3,000 common CJK characters make ~9M two-character "words": texts as varied as real news
CHARS = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
WORDS = ["".join(random.Random(i).choices(CHARS, k=2)) for i in range(20_000)]


def story_text(rng: random.Random, n_sentences: int = 8) -> str:
    sentences = []
    for _ in range(n_sentences):
        words = rng.choices(WORDS, k=rng.randint(12, 24))
        sentences.append("".join(words) + "。")
    return "\n".join(sentences)


def edited_copy(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    if rng.random() < 0.5 and len(lines) > 4:
        del lines[rng.randrange(len(lines))]
    else:
        lines.insert(rng.randrange(len(lines)), "".join(rng.choices(WORDS, k=15)) + "。")
    lines.append(f"来源：{rng.choice(['县融媒体中心', '市新闻网', '区人民政府'])}")
    return "\n".join(lines)


def articles(n: int, seed: int = 1) -> Iterator[tuple[Article, str]]:
    """(article, story id): about 20% of articles are copies of an earlier story."""
    rng = random.Random(seed)
    stories: list[tuple[str, str]] = []
    for i in range(n):
        if stories and rng.random() < 0.2:
            story, base = rng.choice(stories[-2000:])
            text = base if rng.random() < 0.3 else edited_copy(rng, base)
        else:
            story, text = f"s{i}", story_text(rng)
            stories.append((story, text))
            del stories[:-2000]  # the generator keeps a window, so only the index grows
        art = Article(
            id=f"{i:016x}",
            url=f"http://site{i % 50}.test/{i}.html",
            site=f"site{i % 50}",
            title=f"标题{i}",
            published=f"2020-{1 + i % 12:02d}-{1 + i % 28:02d}",
            text=text,
            content_hash=content_hash(text),
            minhash=minhash(text),
        )
        yield art, story


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pair_scores(truth: dict[str, str], found: dict[str, str]) -> tuple[float, float]:
    """Pairwise precision and recall of found clusters against true stories."""

    def pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
        members: dict[str, list[str]] = defaultdict(list)
        for item, group in groups.items():
            members[group].append(item)
        return {(a, b) for m in members.values() for a in m for b in m if a < b}

    true, got = pairs(truth), pairs(found)
    precision = len(true & got) / len(got) if got else 1.0
    recall = len(true & got) / len(true) if true else 1.0
    return precision, recall


def baseline(n: int) -> tuple[float, float, float, float]:
    """datasketch's in-memory MinHashLSH over the same articles (the same generator, the same
    signatures): docs/s and peak RSS (MB) of a fresh process, and the cluster pair precision and
    recall of "join the cluster of the first match", scored like ours. Fast, but its index and
    every signature live in RAM and die with it."""
    from datasketch import LeanMinHash, MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.7, num_perm=128)
    truth: dict[str, str] = {}
    cluster: dict[str, str] = {}
    started = time.perf_counter()
    for art, story in articles(n):
        sketch = LeanMinHash(MinHash(num_perm=128, hashvalues=art.minhash, scheme="affine32"))
        matches = lsh.query(sketch)
        cluster[art.id] = cluster[min(matches)] if matches else art.id
        lsh.insert(art.id, sketch)
        truth[art.id] = story
    rate = n / (time.perf_counter() - started)
    return (rate, rss_mb(), *pair_scores(truth, cluster))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-dedup-")
    url = args.db or f"sqlite:///{Path(tmp) / 'dedup.db'}"
    factory = open_database(url)
    truth: dict[str, str] = {}
    checkpoints = {args.n // 4, args.n // 2, 3 * args.n // 4, args.n}
    print(f"dedup benchmark: {args.n} articles into {url}")
    print(f"{'articles':>10} {'docs/s':>8} {'peak RSS MB':>12} {'index rows':>11}")
    started = time.perf_counter()
    with factory() as session:
        for i, (art, story) in enumerate(articles(args.n), 1):
            truth[art.id] = story
            assign(session, art)
            store(session, art)
            if i % 500 == 0:
                session.commit()
                session.expunge_all()
            if i in checkpoints:
                rate = i / (time.perf_counter() - started)
                bands = session.scalar(select(func.count()).select_from(BandRow))
                print(f"{i:>10} {rate:>8.0f} {rss_mb():>12.0f} {bands:>11}")
        session.commit()

        found = dict(session.execute(select(ArticleRow.id, ArticleRow.cluster)).all())
    precision, recall = pair_scores(truth, found)
    ours = args.n / (time.perf_counter() - started)
    print(f"cluster pair precision {precision:.4f}, recall {recall:.4f}")
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        base_rate, base_rss, base_precision, base_recall = pool.apply(baseline, (args.n,))
    print(
        f"baseline, datasketch in-memory MinHashLSH (a fresh process, same articles): "
        f"{base_rate:.0f} docs/s, peak RSS {base_rss:.0f} MB, cluster pair precision "
        f"{base_precision:.4f}, recall {base_recall:.4f}; "
        f"ours (persistent, shared, with storage) {ours / base_rate:.2f}x its speed"
    )


if __name__ == "__main__":
    main()
