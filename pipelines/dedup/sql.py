"""The duplicate index's SQL: a few set-at-a-time statements per batch of articles, on the
DB-API cursor (SQLAlchemy's per-statement compilation of 16,000-element IN lists cost more
than the queries). PostgreSQL gets arrays (``= ANY(%s)``, ``unnest``): one parameter per
column whatever the batch size; SQLite gets ``IN (?, ...)`` in chunks and ``executemany``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy.exc import IntegrityError

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = [
    "MEMBER_COLUMNS",
    "append_log",
    "band_keys",
    "delete_bands",
    "doc_id",
    "find_candidates",
    "find_exact",
    "insert_index",
    "load_members",
    "load_signatures",
    "lock_writers",
    "log_row",
    "log_row_last",
    "merge_log",
    "read_log",
    "update_clusters",
]

CHUNK = 10_000  # SQLite allows 32,766 parameters per statement
LOG_VALUES = 512  # log rows per SQLite INSERT: one statement text, prepared once and cached
MEMBER_COLUMNS = ("id", "url", "site", "published", "source", "fetched", "cluster", "duplicate_of")
_HEX = frozenset("0123456789abcdef")


def doc_id(article_id: str) -> int:
    """The article's signed 64-bit key in the index: its 16 hex digits as an integer (every
    crawled id: no collision between distinct ids), else a BLAKE2 hash of the id."""
    if len(article_id) == 16 and _HEX.issuperset(article_id):
        value = int(article_id, 16)
    else:
        value = int.from_bytes(hashlib.blake2b(article_id.encode(), digest_size=8).digest())
    return value - (1 << 64) if value >= 1 << 63 else value


def _ints(values: Iterable[int]) -> str:
    """An integer array as a PostgreSQL literal: psycopg adapts a list of Python ints one by
    one (~2 µs each), the server parses this text far faster."""
    return "{" + ",".join(map(str, values)) + "}"


def _postgres(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _select_in(connection: Connection, sql: str, values: Sequence[Any], pg_type: str) -> list[Any]:
    """Rows of ``sql`` (one ``{in}`` placeholder for the value list) for every value."""
    if not values:
        return []
    if _postgres(connection):
        query = sql.format(op="= ANY(%s::" + pg_type + "[])")
        param = _ints(values) if pg_type == "bigint" else list(values)
        return list(connection.exec_driver_sql(query, (param,)))
    rows: list[Any] = []
    for chunk in _chunks(values):
        query = sql.format(op="IN (" + ",".join("?" * len(chunk)) + ")")
        rows.extend(connection.exec_driver_sql(query, tuple(chunk)))
    return rows


def find_candidates(
    connection: Connection, keys: Sequence[int], docs: Sequence[int]
) -> list[tuple[int, str, int, bytes]]:
    """``(doc, article_id, size, minhash bytes)`` of every indexed article holding one of
    ``keys``, and of ``docs``: one statement (a chunk of keys at a time on SQLite); which keys
    an article shares is recomputed from its signature by the caller."""
    columns = "doc, article_id, size, minhash"
    if _postgres(connection):
        # the key list behind a sub-select: planned without estimating each of its thousands
        # of elements (5-30 ms a batch), and the docs found handed to the signatures' primary
        # key as one array: an index scan whatever the estimates (with ``doc IN (SELECT ...)``
        # the planner took a key for a row and hash-joined a sequential scan of all signatures)
        query = (
            f"SELECT {columns} FROM dedup_signatures WHERE doc = ANY(ARRAY(SELECT doc FROM "
            "dedup_bands WHERE key = ANY(ARRAY(SELECT unnest(%s::bigint[])))) || %s::bigint[])"
        )
        rows: list[Any] = list(connection.exec_driver_sql(query, (_ints(keys), _ints(docs))))
    else:
        rows = load_signatures(connection, docs)
        for chunk in _chunks(keys):
            marks = ",".join("?" * len(chunk))
            query = (
                f"SELECT {columns} FROM dedup_signatures WHERE doc IN "
                f"(SELECT doc FROM dedup_bands WHERE key IN ({marks}))"
            )
            rows.extend(connection.exec_driver_sql(query, tuple(chunk)))
    unique = {row[0]: row for row in rows}
    return list(unique.values())


def load_signatures(
    connection: Connection, docs: Sequence[int]
) -> list[tuple[int, str, int, bytes]]:
    """``(doc, article_id, size, minhash bytes)`` of the given docs."""
    return _select_in(
        connection,
        "SELECT doc, article_id, size, minhash FROM dedup_signatures WHERE doc {op}",
        docs,
        "bigint",
    )


def find_exact(connection: Connection, hashes: Sequence[str]) -> list[tuple[str, str]]:
    """``(id, content_hash)`` of stored articles with one of ``hashes``."""
    return _select_in(
        connection, "SELECT id, content_hash FROM articles WHERE content_hash {op}", hashes, "text"
    )


def load_members(
    connection: Connection, ids: Sequence[str], clusters: Sequence[str] = ()
) -> list[tuple[Any, ...]]:
    """:data:`MEMBER_COLUMNS` of the articles with one of ``ids`` or in one of ``clusters``."""
    columns = ", ".join(MEMBER_COLUMNS)
    rows = _select_in(connection, f"SELECT {columns} FROM articles WHERE id {{op}}", ids, "text")
    rows += _select_in(
        connection, f"SELECT {columns} FROM articles WHERE cluster {{op}}", clusters, "text"
    )
    return rows


def insert_index(
    connection: Connection,
    signatures: Sequence[tuple[int, str, int, bytes]],
    bands: Sequence[tuple[int, int]],
) -> None:
    """New signature rows ``(doc, article_id, size, minhash)`` and band rows ``(key, doc)``.
    A row already there (another process indexed the same article meanwhile) is replaced,
    a band row left alone: a stale band row only makes a candidate that the signature
    check then refuses."""
    if _postgres(connection):
        if signatures:
            docs, ids, sizes, blobs = (list(column) for column in zip(*signatures, strict=True))
            width = len(blobs[0])
            if all(len(blob) == width for blob in blobs):
                # the signatures as one bytea cut by the server: a bytea[] of 1,000 blobs was
                # sent hex-escaped, ~20 µs of client CPU an article
                rows = (
                    "SELECT d.doc, d.id, d.size, substring(%s::bytea FROM ((d.n - 1) * "
                    f"{width} + 1)::int FOR {width}) FROM unnest(%s::bigint[], %s::text[], "
                    "%s::int[]) WITH ORDINALITY AS d(doc, id, size, n)"
                )
                params: tuple[Any, ...] = (b"".join(blobs), _ints(docs), ids, _ints(sizes))
            else:
                rows = "SELECT * FROM unnest(%s::bigint[], %s::text[], %s::int[], %s::bytea[])"
                params = (_ints(docs), ids, _ints(sizes), blobs)
            connection.exec_driver_sql(
                f"INSERT INTO dedup_signatures (doc, article_id, size, minhash) {rows} "
                "ON CONFLICT (doc) DO UPDATE SET article_id = excluded.article_id, "
                "size = excluded.size, minhash = excluded.minhash",
                params,
            )
        if bands:
            keys, owners = zip(*bands, strict=True)
            connection.exec_driver_sql(
                "INSERT INTO dedup_bands (key, doc) SELECT * FROM unnest(%s::bigint[], "
                "%s::bigint[]) ON CONFLICT DO NOTHING",
                (_ints(keys), _ints(owners)),
            )
        return
    if signatures:
        connection.exec_driver_sql(
            "INSERT OR REPLACE INTO dedup_signatures (doc, article_id, size, minhash) "
            "VALUES (?, ?, ?, ?)",
            list(signatures),
        )
    if bands:
        connection.exec_driver_sql(
            "INSERT OR IGNORE INTO dedup_bands (key, doc) VALUES (?, ?)", list(bands)
        )


def lock_writers(connection: Connection) -> None:
    """PostgreSQL: one writer of the index at a time, until this transaction ends, so log rows
    commit in ``seq`` order and every writer reads all of them (SQLite has one writer anyway).
    In the same statement, for this transaction: no JIT compilation (tens of ms a statement
    once a batch's key list makes the estimated cost pass ``jit_above_cost``) and no parallel
    workers (started per statement, for statements of a few ms)."""
    if _postgres(connection):
        connection.exec_driver_sql(
            "SELECT pg_advisory_xact_lock(742013), set_config('jit', 'off', true), "
            "set_config('max_parallel_workers_per_gather', '0', true)"
        )


def append_log(connection: Connection, keys: np.ndarray, docs: np.ndarray) -> None:
    """Band rows ``(keys[i], docs[i])`` appended to ``dedup_bands_log`` in the given order.
    PostgreSQL: ``COPY`` (binary); SQLite: :data:`LOG_VALUES` rows per ``INSERT`` (an
    executemany is a statement run per row, and each run of an ``AUTOINCREMENT`` insert reads
    and writes ``sqlite_sequence``: 3.6x the CPU)."""
    if not len(keys):
        return
    if _postgres(connection):
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy("COPY dedup_bands_log (key, doc) FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(_binary_copy(keys, docs))
        cursor.close()
        return
    values = np.stack([keys, docs], axis=1).ravel().tolist()
    for start in range(0, len(values), 2 * LOG_VALUES):
        chunk = values[start : start + 2 * LOG_VALUES]
        connection.exec_driver_sql(
            "INSERT INTO dedup_bands_log (key, doc) VALUES "
            + ",".join(["(?,?)"] * (len(chunk) // 2)),
            tuple(chunk),
        )


# PostgreSQL's binary COPY: a header, then per row its field count and each field's length
# and big-endian value, then a trailer (-1)
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_COPY_ROW = np.dtype(
    [
        ("fields", ">i2"),
        ("key_length", ">i4"),
        ("key", ">i8"),
        ("doc_length", ">i4"),
        ("doc", ">i8"),
    ]
)


def _binary_copy(keys: np.ndarray, docs: np.ndarray) -> bytes:
    """The rows ``(keys[i], docs[i])`` (two ``int8`` columns) as one binary ``COPY`` payload,
    built by numpy: written row by row, psycopg's ``write_row`` cost ~1.5 µs a row, 32 an
    article."""
    rows = np.empty(len(keys), dtype=_COPY_ROW)
    rows["fields"], rows["key_length"], rows["doc_length"] = 2, 8, 8
    rows["key"], rows["doc"] = keys, docs
    return _COPY_HEADER + rows.tobytes() + b"\xff\xff"


def read_log(
    connection: Connection, after: int
) -> tuple[int | None, int, list[tuple[int, int, int]]]:
    """The log's first ``seq`` (None when empty), the last ``seq`` ever given out (0 if none;
    rows merged away or rolled back leave it behind), and the rows ``(seq, key, doc)`` past
    ``after``."""
    if _postgres(connection):
        head = (
            "SELECT (SELECT min(seq) FROM dedup_bands_log), pg_sequence_last_value("
            "pg_get_serial_sequence('dedup_bands_log', 'seq')::regclass)"
        )
    else:
        head = (
            "SELECT (SELECT min(seq) FROM dedup_bands_log), "
            "(SELECT seq FROM sqlite_sequence WHERE name = 'dedup_bands_log')"
        )
    first, issued = connection.exec_driver_sql(head).one()
    mark = "%s" if _postgres(connection) else "?"
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(f"SELECT seq, key, doc FROM dedup_bands_log WHERE seq > {mark}", (after,))
    rows = cursor.fetchall()  # plain tuples: Row objects cost ~10 us each in numpy
    cursor.close()
    return first, issued or 0, rows


def band_keys(connection: Connection, chunk: int = 1 << 20) -> Iterator[np.ndarray]:
    """Every key in ``dedup_bands``, an int64 array of up to ~``chunk`` keys at a time
    (PostgreSQL: one binary ``COPY`` read as it comes; SQLite: ``fetchmany``)."""
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if not _postgres(connection):
            cursor.execute("SELECT key FROM dedup_bands")
            while rows := cursor.fetchmany(chunk):
                yield np.array(rows, dtype=np.int64).reshape(-1)
            return
        # binary COPY: a 19-byte header, then per row a field count (2 bytes), a length
        # (4) and the big-endian int8 (8), then a 2-byte trailer
        row = np.dtype([("fields", ">i2"), ("length", ">i4"), ("key", ">i8")])
        with cursor.copy("COPY (SELECT key FROM dedup_bands) TO STDOUT (FORMAT BINARY)") as copy:
            pending, size, skip = [], 0, len(_COPY_HEADER)
            for block in copy:
                pending.append(bytes(block))
                size += len(block)
                if size < chunk * row.itemsize:
                    continue
                data = b"".join(pending)[skip:]
                whole = len(data) // row.itemsize * row.itemsize
                yield np.frombuffer(data[:whole], dtype=row)["key"].astype(np.int64)
                pending, size, skip = [data[whole:]], len(data) - whole, 0
            data = b"".join(pending)[skip:]
            whole = (len(data) - 2) // row.itemsize * row.itemsize  # the trailer
            if whole > 0:
                yield np.frombuffer(data[:whole], dtype=row)["key"].astype(np.int64)
    finally:
        cursor.close()


def log_row(connection: Connection, seq: int) -> tuple[int, int] | None:
    """``(key, doc)`` of the log row ``seq``, None when there is none."""
    mark = "%s" if _postgres(connection) else "?"
    row = connection.exec_driver_sql(
        f"SELECT key, doc FROM dedup_bands_log WHERE seq = {mark}", (seq,)
    ).first()
    return None if row is None else (row[0], row[1])


def log_row_last(connection: Connection) -> int | None:
    """The log's last ``seq`` (None when empty)."""
    return connection.exec_driver_sql("SELECT max(seq) FROM dedup_bands_log").scalar()


def merge_log(connection: Connection, upto: int) -> None:
    """Move the log rows up to ``seq`` ``upto`` into ``dedup_bands``, in key order: each leaf
    of its b-tree is written once per merge, not once per row. PostgreSQL: when that is the
    whole log (the writer holds the writers' lock), ``TRUNCATE`` rather than ``DELETE``: no
    2M dead rows for vacuum, and none for ``min(seq)`` to step over when autovacuum is off;
    SQLite: a ``DELETE`` without ``WHERE`` (its truncate optimization)."""
    if _postgres(connection):
        # a plain INSERT: ON CONFLICT's speculative insertion cost ~30 % more per row, and a
        # log row is never in dedup_bands already (a replaced signature's rows leave both);
        # should one be (index_signature writes dedup_bands directly), the savepoint takes
        # the failed INSERT back and the rows go in again, skipping those present
        merge = (
            "INSERT INTO dedup_bands (key, doc) SELECT key, doc FROM dedup_bands_log "
            "WHERE seq <= %s ORDER BY key, doc"
        )
        savepoint = connection.begin_nested()
        try:
            connection.exec_driver_sql(merge, (upto,))
        except IntegrityError:
            savepoint.rollback()
            connection.exec_driver_sql(merge + " ON CONFLICT DO NOTHING", (upto,))
        else:
            savepoint.commit()
        if (log_row_last(connection) or 0) <= upto:
            connection.exec_driver_sql("TRUNCATE dedup_bands_log")
        else:
            connection.exec_driver_sql("DELETE FROM dedup_bands_log WHERE seq <= %s", (upto,))
        return
    connection.exec_driver_sql(
        "INSERT OR IGNORE INTO dedup_bands (key, doc) SELECT key, doc FROM dedup_bands_log "
        "WHERE seq <= ? ORDER BY key, doc",
        (upto,),
    )
    if (log_row_last(connection) or 0) <= upto:
        # no WHERE: SQLite's truncate optimization drops the pages instead of deleting 2M
        # rows one by one; AUTOINCREMENT's counter stays, so no seq is given out again
        connection.exec_driver_sql("DELETE FROM dedup_bands_log")
    else:
        connection.exec_driver_sql("DELETE FROM dedup_bands_log WHERE seq <= ?", (upto,))


def delete_bands(
    connection: Connection, docs: Sequence[int], bands: Iterable[tuple[int, int]]
) -> None:
    """Remove the signatures of ``docs`` and the band rows ``(key, doc)`` they had (found by
    their old keys: the primary key serves the delete, no index by doc is needed), and their
    rows in the log (a scan of it: a replaced signature is rare, an edited article)."""
    pairs = list(bands)
    if _postgres(connection):
        if docs:
            connection.exec_driver_sql(
                "DELETE FROM dedup_bands_log WHERE doc = ANY(%s::bigint[])", (_ints(docs),)
            )
        if pairs:
            keys, owners = (list(column) for column in zip(*pairs, strict=True))
            connection.exec_driver_sql(
                "DELETE FROM dedup_bands b USING unnest(%s::bigint[], %s::bigint[]) AS d(key, doc)"
                " WHERE b.key = d.key AND b.doc = d.doc",
                (keys, owners),
            )
        if docs:
            connection.exec_driver_sql(
                "DELETE FROM dedup_signatures WHERE doc = ANY(%s::bigint[])", (list(docs),)
            )
        return
    for chunk in _chunks(docs):
        marks = ",".join("?" * len(chunk))
        connection.exec_driver_sql(
            f"DELETE FROM dedup_bands_log WHERE doc IN ({marks})", tuple(chunk)
        )
    if pairs:
        connection.exec_driver_sql("DELETE FROM dedup_bands WHERE key = ? AND doc = ?", pairs)
    if docs:
        connection.exec_driver_sql(
            "DELETE FROM dedup_signatures WHERE doc = ?", [(doc,) for doc in docs]
        )


def update_clusters(connection: Connection, changes: Sequence[tuple[str, str, str | None]]) -> None:
    """Set ``cluster`` and ``duplicate_of`` of stored articles: ``(id, cluster, duplicate_of)``."""
    if not changes:
        return
    if _postgres(connection):
        ids, clusters, canonicals = (list(column) for column in zip(*changes, strict=True))
        connection.exec_driver_sql(
            "UPDATE articles SET cluster = u.cluster, duplicate_of = u.canonical FROM "
            "unnest(%s::text[], %s::text[], %s::text[]) AS u(id, cluster, canonical) "
            "WHERE articles.id = u.id",
            (ids, clusters, canonicals),
        )
        return
    connection.exec_driver_sql(
        "UPDATE articles SET cluster = ?, duplicate_of = ? WHERE id = ?",
        [(cluster, canonical, aid) for aid, cluster, canonical in changes],
    )
