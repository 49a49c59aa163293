"""Dedup benchmark: N articles from the syndicated-copy generator (``tests/simulator/
syndicate.py``: exact copies and copies that drop or reorder paragraphs, add a local lead, a
sentence or a 来源 line; follow-up stories that quote earlier ones) through the writer's path,
``assign_batch`` + ``store_batch`` + commit per batch, into a fresh database; printing docs/s, peak
RSS and index size at checkpoints, cluster pair precision/recall against the generator's truth
(and recall per kind of edit), then datasketch's in-memory MinHashLSH on the same stream in a
fresh process, and the ratios.

    python -m bench.dedup [--n 1000000] [--db postgresql://127.0.0.1/dedup_bench] [--batch 1000]

Signatures are computed as the CPU stage does (in worker processes in a crawl or replay); here
they are made in the same process and timed apart: "index docs/s" is what the writer thread
does per article ("(CPU)": per second of CPU time of this process plus, on a local PostgreSQL, its server
backend: what the figure would be on idle cores; the machine is shared), "wall docs/s" includes generating the texts and their signatures. Memory is
bounded: the generator keeps a window of recent stories and the truth is two numpy arrays.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from sqlalchemy import func, select, text

from crawler.db.models import ArticleRow, BandLogRow, BandRow
from crawler.db.session import open_database
from crawler.settings import STORE_BATCH_SIZE
from model.items import Article
from pipelines.dedup.hashing import content_hash, sketch
from pipelines.dedup.index import assign_batch
from pipelines.store import store_batch
from tests.simulator.syndicate import EDITS, stream

KINDS = ("exact", *EDITS)


CHUNK = 10_000
_M = (1 << 64) - 1
_K1, _K2 = 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9  # odd: invertible mod 2**64
_K1_INVERSE, _K2_INVERSE = pow(_K1, -1, 1 << 64), pow(_K2, -1, 1 << 64)


def article_id(number: int) -> str:
    """The id of the stream's article ``number``: 16 hex digits spread over the whole range like
    crawled ids (a hash of the URL), so the articles' primary key and the index take inserts at
    random places, as in a crawl; :func:`article_number` inverts it."""
    x = (number + 1) * _K1 & _M
    x ^= x >> 32
    return f"{x * _K2 & _M:016x}"


def article_number(aid: str) -> int:
    """The stream position of the article with id ``aid`` (the inverse of :func:`article_id`)."""
    x = int(aid, 16) * _K2_INVERSE & _M
    x ^= x >> 32
    return (x * _K1_INVERSE & _M) - 1


def _sign(texts: list[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Signatures, shingle counts and content hashes of ``texts`` (run in worker processes)."""
    sketches = [sketch(t) for t in texts]
    sigs = np.array([s.minhash for s in sketches], dtype="<u4").reshape(len(texts), -1)
    sizes = np.array([s.size for s in sketches], dtype="<i4")
    return sigs, sizes, [content_hash(t) for t in texts]


def make_cache(n: int, seed: int, folder: Path, workers: int = 2) -> None:
    """Generate the stream once into ``folder``: texts (``texts.txt``, one JSON string a line),
    signatures, shingle counts, content hashes, truth (story, edit bits). The runs on SQLite,
    on PostgreSQL and the baseline then read the same articles without paying for their
    generation again; signatures are computed by ``workers`` processes, as the CPU stage is."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    meta: list[tuple[int, int, str, str]] = []
    texts: list[str] = []
    started = time.perf_counter()
    with (
        multiprocessing.get_context("spawn").Pool(workers) as pool,
        open(folder / "texts.txt", "w", encoding="utf-8") as text_file,
        open(folder / "sigs.bin", "wb") as sig_file,
        open(folder / "sizes.bin", "wb") as size_file,
        open(folder / "hashes.txt", "w") as hash_file,
    ):
        chunks = []
        for doc in stream(n, seed):
            texts.append(doc.text)
            bits = sum(1 << KINDS.index(kind) for kind in doc.edits)
            meta.append((doc.story, bits, doc.site, doc.published))
            text_file.write(json.dumps(doc.text, ensure_ascii=False) + "\n")
            if len(texts) == CHUNK:
                chunks.append(pool.apply_async(_sign, (texts,)))
                texts = []
        if texts:
            chunks.append(pool.apply_async(_sign, (texts,)))
        for chunk in chunks:
            sigs, sizes, hashes = chunk.get()
            sig_file.write(sigs.tobytes())
            size_file.write(sizes.tobytes())
            hash_file.write("\n".join(hashes) + "\n")
    np.save(folder / "story.npy", np.array([m[0] for m in meta], dtype=np.int64))
    np.save(folder / "bits.npy", np.array([m[1] for m in meta], dtype=np.int64))
    (folder / "published.txt").write_text("\n".join(m[3] for m in meta) + "\n")
    (folder / "sites.txt").write_text("\n".join(m[2] for m in meta) + "\n")
    (folder / "meta.json").write_text(json.dumps({"n": n, "seed": seed}))  # written last
    print(f"generated {n} articles into {folder} in {time.perf_counter() - started:.0f}s")


def cached(n: int, seed: int, cache: Path | None) -> Path:
    """The cache folder of (n, seed), generated when missing or incomplete. A folder of a
    longer stream with the same seed serves too: the stream's first ``n`` articles are the
    stream of ``n`` (:func:`articles` reads that many)."""
    import json

    folder = cache or Path(tempfile.gettempdir()) / f"bench-dedup-cache-{n}-{seed}"
    try:
        meta = json.loads((folder / "meta.json").read_text())
        ok = meta["seed"] == seed and meta["n"] >= n
    except (OSError, ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        make_cache(n, seed, folder)
    return folder


def articles(
    folder: Path, n: int | None = None, with_text: bool = True
) -> Iterator[tuple[Article, int, int]]:
    """(article, story, edit bits) of the first ``n`` articles (default: all) of a cache
    folder, read a chunk at a time (bit k of the edit bits is set when the copy had
    ``KINDS[k]``)."""
    import json

    story = np.load(folder / "story.npy")[:n]
    bits = np.load(folder / "bits.npy")[:n]
    with (
        open(folder / "texts.txt", encoding="utf-8") as text_file,
        open(folder / "sigs.bin", "rb") as sig_file,
        open(folder / "sizes.bin", "rb") as size_file,
        open(folder / "hashes.txt") as hash_file,
        open(folder / "sites.txt") as site_file,
        open(folder / "published.txt") as published_file,
    ):
        for start in range(0, len(story), CHUNK):
            count = min(CHUNK, len(story) - start)
            sigs = np.frombuffer(sig_file.read(count * 512), dtype="<u4").reshape(count, 128)
            sizes = np.frombuffer(size_file.read(count * 4), dtype="<i4").tolist()
            for j, minhash in enumerate(sigs.tolist()):
                number = start + j
                line = text_file.readline()
                site = site_file.readline().rstrip("\n")
                art = Article(
                    id=article_id(number),
                    url=f"http://{site}.test/{number}.html",
                    site=site,
                    title=f"标题{number}",
                    published=published_file.readline().rstrip("\n"),
                    text=json.loads(line) if with_text else "",
                    content_hash=hash_file.readline().rstrip("\n"),
                    minhash=minhash,
                    shingle_count=sizes[j],
                )
                yield art, int(story[number]), int(bits[number])


def generate(n: int, seed: int = 1) -> Iterator[tuple[Article, int, int]]:
    """(article, story, edit bits) straight from the generator, signed in this process (for
    tests: no cache folder)."""
    for doc in stream(n, seed):
        signature = sketch(doc.text)
        art = Article(
            id=article_id(doc.number),
            url=f"http://{doc.site}.test/{doc.number}.html",
            site=doc.site,
            title=f"标题{doc.number}",
            published=doc.published,
            text=doc.text,
            content_hash=content_hash(doc.text),
            minhash=signature.minhash,
            shingle_count=signature.size,
        )
        yield art, doc.story, sum(1 << KINDS.index(kind) for kind in doc.edits)


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


def server_cpu(session) -> float:  # type: ignore[no-untyped-def]
    """CPU seconds used so far by this session's PostgreSQL backend (a local server: read from
    /proc); 0 on SQLite, where the database works inside this process."""
    if session.get_bind().dialect.name != "postgresql":
        return 0.0
    pid = session.scalar(text("SELECT pg_backend_pid()"))
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def index_size(session) -> str:  # type: ignore[no-untyped-def]
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        sizes = {
            table: session.scalar(text(f"SELECT pg_total_relation_size('{table}')"))
            for table in ("dedup_bands", "dedup_bands_log", "dedup_signatures", "articles")
        }
        return ", ".join(f"{t} {v / 2**20:.0f} MB" for t, v in sizes.items())
    try:
        rows = session.execute(
            text("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")
        ).all()
    except Exception:
        return "n/a"
    return ", ".join(f"{n} {v / 2**20:.0f} MB" for n, v in rows if n.startswith(("dedup", "art")))


def run(url: str, folder: Path, n: int, batch: int, checkpoints: set[int]) -> dict[str, float]:
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
        server_start = server_cpu(session)

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

        for i, (art, truth, edit_bits) in enumerate(articles(folder, n), 1):
            story[i - 1], bits[i - 1] = truth, edit_bits
            pending.append(art)
            if len(pending) >= batch or i in checkpoints:
                flush()
            if i in checkpoints:
                wall = time.perf_counter() - started
                bands = (
                    session.scalar(select(func.count()).select_from(BandRow))
                    + (session.scalar(select(func.sum(func.length(BandLogRow.keys)))) or 0) // 8
                )
                load = [f"{x:.2f}" for x in os.getloadavg()]
                print(
                    f"{i:>10} {i / spent:>12.0f} "
                    f"{i / (cpu + server_cpu(session) - server_start):>7.0f} "
                    f"{i / wall:>11.0f} {rss_mb():>11.0f} "
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
            # a cluster is named after its smallest member id: label it by that member's number
            cluster[article_number(aid)] = article_number(found[1:] if found else aid)
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


def baseline(folder: Path, n: int) -> tuple[float, float, float, float]:
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
    for art, truth, _ in articles(folder, n, with_text=False):
        number = article_number(art.id)
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
    parser.add_argument(
        "--batch",
        type=int,
        default=STORE_BATCH_SIZE,
        help=f"articles per transaction (default {STORE_BATCH_SIZE}, the crawl's and replay's)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, help="folder of the generated articles")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-dedup-')) / 'dedup.db'}"
    # 10k, 100k, then every 100k: a long run on a busy machine reports as it goes
    points = {p for p in (10_000, *range(100_000, args.n, 100_000)) if p < args.n} | {args.n}
    folder = cached(args.n, args.seed, args.cache)
    ours = run(url, folder, args.n, args.batch, points)
    if args.no_baseline:
        return
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        rate, rss, precision, recall = pool.apply(baseline, (folder, args.n))
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
