"""The persistent duplicate index: exact copies by ``content_hash``, near copies by MinHash LSH
band keys stored in the database, so every run and every worker sharing ``DATABASE_URL`` sees
the same clusters. :func:`assign_batch` sets ``cluster`` and ``duplicate_of`` on a batch of
articles and on the stored copies they join, following :data:`pipelines.dedup.canonical.RULE`,
with a fixed number of statements per batch (:mod:`pipelines.dedup.sql`).

New band rows are appended to ``dedup_bands_log`` (a few pages per batch, where inserting them
into the ``(key, doc)`` b-tree dirtied one random leaf per row), held in memory by every writer
(:class:`_Log`) and merged into ``dedup_bands`` in key order every :data:`LOG_ROWS` rows. A
bitmap of the keys in ``dedup_bands`` (:class:`_Present`) keeps the keys that cannot be there
out of the candidate probe.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from crawler.db.models import ArticleRow
from pipelines.dedup import canonical, hashing, sql

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session, SessionTransaction

    from model.items import Article

__all__ = ["assign", "assign_batch", "index_signature"]

_EMPTY = np.full(hashing.NUM_PERM, (1 << 32) - 1, dtype=np.uint32)
# Band rows kept in the log (and in each writer's memory, ~50 bytes a row at the peak) before
# they are merged into dedup_bands: 2M rows are ~62,000 articles.
LOG_ROWS = 2_000_000
_TAIL = 65_536  # unsorted rows of the log copy before they are sorted in
# Keys a writer probes without the bitmap (~64 batches of 1,000) before it builds it from a
# non-empty dedup_bands: the build reads every key (at 1M articles, 32M: ~0.3 us each on
# PostgreSQL, ~1 us on SQLite), which a short run on a large index would not earn back.
BUILD_AFTER = 1 << 21


class _Present:
    """Which band keys may be in ``dedup_bands``: one bit per value of a key's top
    :data:`BITS_LOG2` bits (keys are uniform 64-bit hashes), never clear for a key that is
    there. Nearly every key of a batch is in no stored article (the copies' originals are
    mostly still in the log), and each one probed costs a b-tree descent that finds nothing
    (~30,000 a batch, a third of PostgreSQL's work at 300k articles); the bitmap lets through
    only those keys and ~``rows / 2**BITS_LOG2`` of the others (6 % at 1M articles, 32M
    rows). Its ``2**BITS_LOG2 / 8`` bytes are allocated lazily by the OS. Built from the table
    on a writer's first batch when ``dedup_bands`` is empty, else once the writer has probed
    :data:`BUILD_AFTER` keys; kept up to date with the log rows this writer sees merged;
    dropped (and built again the same way) when a merge took rows it never read (another
    writer's). Past :data:`MAX_ROWS` it lets every key through, as if there were none."""

    BITS_LOG2 = 29  # 64 MiB
    MAX_ROWS = 1 << 27  # ~4M articles: a quarter of the bits set, a key in four passes

    def __init__(self) -> None:
        self.bits: np.ndarray | None = np.zeros(1 << (self.BITS_LOG2 - 3), dtype=np.uint8)
        self.rows = 0

    @classmethod
    def load(cls, connection: Connection) -> _Present:
        present = cls()
        for keys in sql.band_keys(connection):
            present.add(keys)
            if present.bits is None:
                break
        return present

    def _slots(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        slot = (keys.view(np.uint64) >> np.uint64(64 - self.BITS_LOG2)).astype(np.intp)
        return slot >> 3, (slot & 7).astype(np.uint8)

    def add(self, keys: np.ndarray) -> None:
        if self.bits is None or not len(keys):
            return
        self.rows += len(keys)
        if self.rows > self.MAX_ROWS:
            self.bits = None
            return
        byte, bit = self._slots(np.ascontiguousarray(keys, dtype=np.int64))
        for b in range(8):  # bytes hit twice get the same value from each write
            at = byte[bit == b]
            self.bits[at] |= np.uint8(1 << b)

    def may_hold(self, keys: np.ndarray) -> np.ndarray:
        """A bool per key: False when ``dedup_bands`` surely has no row with it."""
        if self.bits is None:
            return np.ones(len(keys), dtype=bool)
        byte, bit = self._slots(np.ascontiguousarray(keys, dtype=np.int64))
        return ((self.bits[byte] >> bit) & 1).astype(bool)


class _Log:
    """A writer's copy of ``dedup_bands_log``: its rows sorted by key (plus a short unsorted
    tail) and the last ``seq`` read. Brought up to date at the start of every batch with the
    rows other writers committed since; the rows this writer appended are added without being
    read back once their commit is seen (the row at their last ``seq`` is there). Rows merged
    into ``dedup_bands`` are dropped when the log's first ``seq`` shows they left it. A stale
    row (a replaced signature) only makes a candidate that the signature check refuses."""

    def __init__(self) -> None:
        self.keys = np.empty(0, dtype=np.int64)
        self.docs = np.empty(0, dtype=np.int64)
        self.seqs = np.empty(0, dtype=np.int64)
        self.tail: list[np.ndarray] = []  # (3, n) arrays: seq, key, doc
        self.last = 0
        # the transaction that wrote to the log or merged it: until it ends, what a refresh
        # reads is its own uncommitted work, used for one lookup and not kept
        self.writer: SessionTransaction | None = None
        # its one append: its seq, that row told apart (sql.log_row), its keys and docs
        self.pending: tuple[int, tuple[int, int, int], np.ndarray, np.ndarray] | None = None
        # keys in dedup_bands; None until built (see _Present), and in a throw-away copy
        # (whose transaction may have merged rows it has not seen committed): every key is
        # then probed
        self.present: _Present | None = None
        self.unfiltered = 0  # keys probed since the bitmap was dropped or never built

    def __len__(self) -> int:
        return len(self.keys) + sum(part.shape[1] for part in self.tail)

    def refresh(self, connection: Connection, transaction: SessionTransaction) -> _Log:
        """The log as this transaction sees it: ``self`` brought up to date, or (inside the
        transaction that wrote to it) a throw-away copy."""
        target = self
        if transaction is self.writer:
            target = _Log()
            target.keys, target.docs, target.seqs = self.keys, self.docs, self.seqs
            target.tail, target.last = list(self.tail), self.last
        else:
            if self.pending is not None:
                seq, row, keys, docs = self.pending
                if sql.log_row(connection, seq) == row:  # committed: no need to read it back
                    self.tail.append(np.stack([np.full(len(keys), seq), keys, docs]))
                    self.last = max(self.last, seq)
            self.writer, self.pending = None, None
        first, issued, rows = sql.read_log(connection, target.last)
        if target is self:
            # rows merged since the last batch: those this writer holds go into the bitmap;
            # a seq between the last one read and the log's first that was given out may
            # have been merged unseen (or rolled back): then the bitmap is dropped
            unseen = (first is None and issued > self.last) or (
                first is not None and first > self.last + 1
            )
            if unseen and self.present is not None:
                self.present, self.unfiltered = None, 0  # built again, see below
        mine = target._first()
        if mine is not None and (first is None or first > mine):
            target._drop_before(first)
        if (
            target is self
            and self.present is None
            and (self.unfiltered >= BUILD_AFTER or not sql.any_band(connection))
        ):
            self.present = _Present.load(connection)
        for seq, keys, docs in rows:
            target.tail.append(np.stack([np.full(len(keys), seq), keys, docs]))
            target.last = max(target.last, seq)
        if sum(part.shape[1] for part in target.tail) > _TAIL:
            target._sort_in()
        return target

    def wrote(
        self, transaction: SessionTransaction, keys: np.ndarray, docs: np.ndarray, seq: int | None
    ) -> None:
        """``transaction`` appended ``keys``/``docs`` (as the log row ``seq``) or merged the
        log."""
        if transaction is self.writer or seq is None or not len(keys):
            self.pending = None  # a second write in one transaction: read it back instead
        else:
            self.pending = (seq, (len(keys), int(keys[-1]), int(docs[-1])), keys, docs)
        self.writer = transaction

    def _first(self) -> int | None:
        firsts = [int(self.seqs.min())] if len(self.seqs) else []
        return min(firsts + [int(part[0].min()) for part in self.tail], default=None)

    def _drop_before(self, first: int | None) -> None:
        """Forget the rows merged out of the log (all of them when it is empty); their keys
        go into the bitmap of ``dedup_bands``."""
        self._sort_in()
        keep = self.seqs >= first if first is not None else np.zeros(len(self.seqs), bool)
        if self.present is not None:
            self.present.add(self.keys[~keep])
        self.keys, self.docs, self.seqs = self.keys[keep], self.docs[keep], self.seqs[keep]

    def _sort_in(self) -> None:
        if not self.tail:
            return
        seqs, keys, docs = np.concatenate(self.tail, axis=1)
        order = np.argsort(keys, kind="stable")
        at = np.searchsorted(self.keys, keys[order])
        self.keys = np.insert(self.keys, at, keys[order])
        self.docs = np.insert(self.docs, at, docs[order])
        self.seqs = np.insert(self.seqs, at, seqs[order])
        self.tail = []

    def docs_for(self, keys: np.ndarray) -> set[int]:
        """Docs of the rows holding one of ``keys`` (sorted, unique)."""
        found: set[int] = set()
        if not len(keys):
            return found
        # one binary search of the sorted rows per key, a second only for the keys found
        left = np.searchsorted(self.keys, keys, "left")
        hit = self.keys[left.clip(max=len(self.keys) - 1)] == keys if len(self.keys) else left < 0
        left = left[hit]
        right = np.searchsorted(self.keys, keys[hit], "right")
        found.update(self.docs[_ranges(left, right)].tolist())
        for part in self.tail:
            at = np.searchsorted(keys, part[1]).clip(max=len(keys) - 1)
            found.update(part[2][keys[at] == part[1]].tolist())
        return found


_LOGS: weakref.WeakKeyDictionary[Engine, _Log] = weakref.WeakKeyDictionary()


def _log_of(connection: Connection) -> _Log:
    engine = connection.engine
    log = _LOGS.get(engine)
    if log is None:
        log = _LOGS[engine] = _Log()
    return log


def _copy(article: Article, site_names: Mapping[str, str]) -> dict[str, Any]:
    return {
        "id": article.id,
        "url": article.url,
        "site": article.site,
        "site_name": site_names.get(article.site),
        "published": article.published,
        "source": article.source,
        "fetched": article.fetched,
    }


class _Sketches:
    """The batch's signatures, sizes and band keys, computed together (numpy, one pass)."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.usable = [
            bool(a.minhash) and len(a.minhash or ()) == hashing.NUM_PERM for a in articles
        ]
        # one conversion of every list of ints (one np.asarray per article cost ~10 µs more)
        self.sigs = (
            np.array(
                [a.minhash if ok else _EMPTY for a, ok in zip(articles, self.usable, strict=True)],
                dtype=np.uint32,
            )
            if articles
            else np.empty((0, hashing.NUM_PERM), dtype=np.uint32)
        )
        self.sizes = [_size(a) if ok else 0 for a, ok in zip(articles, self.usable, strict=True)]
        # an empty text is found by its content_hash; indexed, it would be everyone's candidate
        self.usable = [ok and size > 0 for ok, size in zip(self.usable, self.sizes, strict=True)]
        self.keys = _band_keys(self.sigs)
        self.docs = [sql.doc_id(a.id) for a in articles]


def _distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` of a flat integer array (sorted, distinct) by a sort and a
    comparison: numpy 2's ``np.unique`` (hash based, then sorted) took ~12 ms for a batch's
    32,000 band keys, this ~1 ms."""
    values = np.sort(values, axis=None)
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """The positions ``start..stop-1`` of every range, concatenated (no Python loop)."""
    counts = stops - starts
    total = int(counts.sum())
    if not total:
        return np.empty(0, dtype=np.int64)
    step = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(starts, counts) + step


def _size(article: Article) -> int:
    if article.shingle_count is not None:
        return article.shingle_count
    return len(hashing.shingle_hashes(article.text or ""))


def _band_keys(sigs: np.ndarray) -> np.ndarray:
    """Band keys of many signatures at once: (n, BANDS) int64."""
    if not len(sigs):
        return np.empty((0, hashing.BANDS), dtype=np.int64)
    return hashing.band_keys_many(sigs)


def _sharing(
    keys: np.ndarray, owners: np.ndarray, other: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct pairs ``(owner, row)`` where the row ``owners[i]`` of ``keys`` (n, bands)
    and the row ``row`` of ``other`` (m, bands) hold a common key, sorted: two sorted flat
    arrays and a binary search, instead of a dict probe per key."""
    flat, rows = other.ravel(), np.repeat(np.arange(len(other)), other.shape[1])
    order = np.argsort(flat, kind="stable")
    flat, rows = flat[order], rows[order]
    wanted, wanting = keys.ravel(), np.repeat(owners, keys.shape[1])
    left, right = np.searchsorted(flat, wanted, "left"), np.searchsorted(flat, wanted, "right")
    hit = right > left
    counts = (right - left)[hit]
    found = rows[_ranges(left[hit], right[hit])]
    pairs = _distinct(np.repeat(wanting[hit], counts) * len(other) + found)
    return pairs // len(other), pairs % len(other)


def assign(session: Session, article: Article, site_names: Mapping[str, str] | None = None) -> str:
    """:func:`assign_batch` for one article."""
    return assign_batch(session, [article], site_names)[0]


def assign_batch(
    session: Session, articles: Sequence[Article], site_names: Mapping[str, str] | None = None
) -> list[str]:
    """Find each article's copies, choose the canonical ones, update the clusters, and index
    the articles' signatures. Returns, per article, ``unique``, ``exact`` or ``near``.

    The result equals assigning the articles one after another: each sees the stored index
    and the batch's earlier articles. Statements per batch, whatever its size: band keys,
    candidate signatures, content hashes, cluster members (two), then the writes (signatures
    and bands, changed members). Stored copies whose cluster changed are updated here; the
    batch's own articles carry their ``cluster``/``duplicate_of`` to the store step. The
    caller commits.
    """
    if not articles:
        return []
    with session.no_autoflush:
        return _Batch(session, articles, site_names or {}).run()


class _Batch:
    def __init__(
        self, session: Session, articles: Sequence[Article], site_names: Mapping[str, str]
    ) -> None:
        self.session, self.articles, self.site_names = session, articles, site_names
        self.connection = session.connection()
        sql.lock_writers(self.connection)
        transaction = session.get_transaction()
        assert transaction is not None  # session.connection() began one
        self.transaction = transaction
        self.log = _log_of(self.connection).refresh(self.connection, self.transaction)
        self.sk = _Sketches(articles)
        self.rows: dict[str, dict[str, Any]] = {}  # id -> copy (stored or of this batch)
        self.members: dict[str, set[str]] = defaultdict(set)  # cluster -> ids
        self.changed: set[str] = set()  # stored ids whose cluster fields changed

    # --- reads: a fixed number of statements for the whole batch -----------------------
    def _stored_candidates(self) -> tuple[list[set[str]], dict[int, tuple[str, int, bytes]]]:
        """Per article, ids of stored articles that pass :func:`hashing.is_near`; and the
        stored signatures of the batch's own docs (to replace them when they changed)."""
        sk = self.sk
        keys = _distinct(sk.keys[np.array(sk.usable)]) if any(sk.usable) else None
        recent = self.log.docs_for(keys) if keys is not None else set()
        if keys is not None and self.log.present is not None:
            keys = keys[self.log.present.may_hold(keys)]
        elif keys is not None:
            _log_of(self.connection).unfiltered += len(keys)
        wanted: list[int] = keys.tolist() if keys is not None else []
        rows = sql.find_candidates(self.connection, wanted, sorted(recent.union(sk.docs)))
        signatures = {doc: (aid, size, bytes(blob)) for doc, aid, size, blob in rows}
        near: list[set[str]] = [set() for _ in sk.docs]
        if signatures:
            # which stored articles hold which of the batch's keys: from their own signatures
            docs = list(signatures)
            stored = np.frombuffer(
                b"".join(signatures[doc][2] for doc in docs), dtype="<u4"
            ).reshape(len(docs), -1)
            batch = np.flatnonzero(sk.usable)
            arts, found = _sharing(sk.keys[batch], batch, hashing.band_keys_many(stored))
            own_doc = np.asarray(sk.docs, dtype=np.int64)
            other = np.asarray(docs, dtype=np.int64)[found] != own_doc[arts]
            arts, found = arts[other], found[other]
            equal = np.count_nonzero(stored[found] == sk.sigs[arts], axis=1) / sk.sigs.shape[1]
            for i, row, similarity in zip(
                arts.tolist(), found.tolist(), equal.tolist(), strict=True
            ):
                aid, size, _ = signatures[docs[row]]
                if hashing.is_near(similarity, sk.sizes[i], size):
                    near[i].add(aid)
        own = {doc: signatures[doc] for doc in sk.docs if doc in signatures}
        return near, own

    def _load(self, ids: set[str]) -> None:
        rows = sql.load_members(self.connection, sorted(ids))
        clusters = sorted({row[6] for row in rows if row[6]})
        rows += sql.load_members(self.connection, (), clusters)
        for row in rows:
            values = dict(zip(sql.MEMBER_COLUMNS, row, strict=True))
            if values["id"] in self.rows:
                continue
            values["site_name"] = self.site_names.get(values["site"])
            self.rows[values["id"]] = values
            if values["cluster"]:
                self.members[values["cluster"]].add(values["id"])

    # --- the batch, one article after another in memory ---------------------------------
    def run(self) -> list[str]:
        sk, articles = self.sk, self.articles
        stored_near, own = self._stored_candidates()
        hashes = sorted({a.content_hash for a in articles if a.content_hash})
        stored_exact: dict[str, set[str]] = defaultdict(set)
        for aid, digest in sql.find_exact(self.connection, hashes):
            stored_exact[digest].add(aid)
        self._load(set().union(*stored_near, *stored_exact.values()))

        earlier = self._earlier()
        local_hash: dict[str, list[int]] = defaultdict(list)
        seen: set[str] = set()  # ids of earlier articles: their new version decides
        kinds = []
        for i, article in enumerate(articles):
            exact = {x for x in stored_exact.get(article.content_hash or "", ()) if x not in seen}
            exact |= {articles[j].id for j in local_hash.get(article.content_hash or "", ())}
            near = {x for x in stored_near[i] if x not in seen}
            if sk.usable[i]:
                for j in earlier.get(i, ()):
                    similarity = (
                        float(np.count_nonzero(sk.sigs[i] == sk.sigs[j])) / sk.sigs.shape[1]
                    )
                    if hashing.is_near(similarity, sk.sizes[i], sk.sizes[j]):
                        near.add(articles[j].id)
            exact.discard(article.id)
            near -= exact | {article.id}
            self._join(article, exact | near)
            kinds.append("exact" if exact else "near" if near else "unique")
            seen.add(article.id)
            if article.content_hash:
                local_hash[article.content_hash].append(i)
        self._write(own)
        return kinds

    def _earlier(self) -> dict[int, set[int]]:
        """Per position, the earlier positions of the batch sharing a band key with it (both
        signatures usable): what a band table filled one article after another would give."""
        sk = self.sk
        batch = np.flatnonzero(sk.usable)
        found: dict[int, set[int]] = {}
        if len(batch) < 2:
            return found
        arts, rows = _sharing(sk.keys[batch], batch, sk.keys[batch])
        later = arts > batch[rows]
        for i, j in zip(arts[later].tolist(), batch[rows[later]].tolist(), strict=True):
            found.setdefault(i, set()).add(j)
        return found

    def _join(self, article: Article, matched: set[str]) -> None:
        """Sequential ``assign`` of one article against ``self.rows``."""
        record = _copy(article, self.site_names)
        old = self.rows.get(article.id)
        if old is not None and old["cluster"]:
            self.members[old["cluster"]].discard(article.id)
        matched = {m for m in matched if m in self.rows}
        if not matched:
            record["cluster"], record["duplicate_of"] = canonical.cluster_id([article.id]), None
        else:
            clusters = {self.rows[m]["cluster"] for m in matched} - {None}
            group = set(matched).union(*(self.members[c] for c in clusters)) - {article.id}
            copies = [self.rows[m] for m in group] + [record]
            canon = canonical.choose_canonical(copies)["id"]
            cluster = canonical.cluster_id(copy["id"] for copy in copies)
            for m in group:
                row = self.rows[m]
                duplicate_of = None if m == canon else canon
                if (row["cluster"], row["duplicate_of"]) != (cluster, duplicate_of):
                    if row["cluster"]:
                        self.members[row["cluster"]].discard(m)
                    row["cluster"], row["duplicate_of"] = cluster, duplicate_of
                    self.members[cluster].add(m)
                    self.changed.add(m)
            record["cluster"] = cluster
            record["duplicate_of"] = None if article.id == canon else canon
        self.rows[article.id] = record
        self.members[record["cluster"]].add(article.id)

    # --- writes --------------------------------------------------------------------------
    def _write(self, own: dict[int, tuple[str, int, bytes]]) -> None:
        batch_ids = {a.id for a in self.articles}
        for article in self.articles:  # the final state, after the batch's later articles
            row = self.rows[article.id]
            article.cluster, article.duplicate_of = row["cluster"], row["duplicate_of"]
        stale = sorted(self.changed - batch_ids)
        sql.update_clusters(
            self.connection,
            [(m, self.rows[m]["cluster"], self.rows[m]["duplicate_of"]) for m in stale],
        )
        _expire(self.session, stale)
        sk = self.sk
        last = {doc: i for i, doc in enumerate(sk.docs)}  # a repeated article: its last copy
        signatures: list[tuple[int, str, int, bytes]] = []
        indexed: list[int] = []  # positions whose band rows are written
        replaced: list[int] = []
        old_bands: list[tuple[int, int]] = []
        for doc, i in last.items():
            blob = sk.sigs[i].astype("<u4").tobytes()
            if doc in own:
                if own[doc][2] == blob and sk.usable[i]:
                    continue
                replaced.append(doc)
                old = np.frombuffer(own[doc][2], dtype="<u4")
                old_bands += [(int(key), doc) for key in hashing.band_keys(old).tolist()]
            if sk.usable[i]:
                signatures.append((doc, self.articles[i].id, sk.sizes[i], blob))
                indexed.append(i)
        if replaced:
            sql.delete_bands(self.connection, replaced, old_bands)
        sql.insert_index(self.connection, signatures, [])
        if indexed or replaced:
            keys = sk.keys[indexed].ravel()
            docs = np.repeat(np.asarray(sk.docs, dtype=np.int64)[indexed], sk.keys.shape[1])
            if len(self.log) + len(keys) > LOG_ROWS:
                sql.merge_log(self.connection, self.log.last)
            end = sql.append_log(self.connection, keys, docs)
            _log_of(self.connection).wrote(self.transaction, keys, docs, end)


def _expire(session: Session, ids: Sequence[str]) -> None:
    """Rows updated by SQL above the ORM: loaded copies must not write stale values back."""
    for aid in ids:
        key = session.identity_key(ArticleRow, aid)
        obj = session.identity_map.get(key)
        if obj is not None:
            session.expire(obj, ["cluster", "duplicate_of"])


def index_signature(session: Session, article: Article) -> None:
    """Make sure the article's signature is indexed (done by :func:`assign_batch` already;
    kept for callers that store without assigning): replaced when it changed."""
    if not article.minhash:
        return
    doc = sql.doc_id(article.id)
    blob = np.asarray(article.minhash, dtype="<u4").tobytes()
    stored = sql.load_signatures(session.connection(), [doc])
    if stored and bytes(stored[0][3]) == blob:
        return
    size = _size(article)
    connection = session.connection()
    sql.lock_writers(connection)
    if stored:
        old = np.frombuffer(bytes(stored[0][3]), dtype="<u4")
        sql.delete_bands(connection, [doc], [(k, doc) for k in hashing.band_keys(old).tolist()])
    if size:
        # the band rows go through the log, as assign_batch's do: every writer reads them
        # there, and sees them leave it for dedup_bands (see _Present)
        keys = hashing.band_keys(article.minhash)
        sql.insert_index(connection, [(doc, article.id, size, blob)], [])
        sql.append_log(connection, keys, np.full(len(keys), doc, dtype=np.int64))
