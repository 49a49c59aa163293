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

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = [
    "MEMBER_COLUMNS",
    "any_band",
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
LOG_VALUES = 512  # band rows per SQLite INSERT: one statement text, prepared once and cached
MERGE_CHUNK = 1 << 18  # band rows a merge converts and sends at a time
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


def _blob(values: np.ndarray) -> bytes:
    return np.ascontiguousarray(values, dtype="<i8").tobytes()


def _raw(connection: Connection) -> Any:
    return connection.connection.driver_connection.cursor()  # type: ignore[union-attr]


def append_log(connection: Connection, keys: np.ndarray, docs: np.ndarray) -> int | None:
    """Band rows ``(keys[i], docs[i])`` appended to ``dedup_bands_log`` as one row (their
    keys and docs as two little-endian int64 blobs); returns its ``seq`` (None when there
    are no rows). One row a batch: 32,000 rows by ``COPY`` cost PostgreSQL ~1.7 us each
    (the identity, the heap, the ``seq`` key), the two blobs ~0.1 us a band row."""
    if not len(keys):
        return None
    if _postgres(connection):
        cursor = _raw(connection)
        # %b: the blobs sent in binary, not hex-escaped
        cursor.execute(
            "INSERT INTO dedup_bands_log (keys, docs) VALUES (%b, %b) RETURNING seq",
            (_blob(keys), _blob(docs)),
        )
        seq = cursor.fetchone()[0]
        cursor.close()
        return int(seq)
    result = connection.exec_driver_sql(
        "INSERT INTO dedup_bands_log (keys, docs) VALUES (?, ?)", (_blob(keys), _blob(docs))
    )
    return int(result.lastrowid)


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
    connection: Connection, after: int, upto: int | None = None
) -> tuple[int | None, int, list[tuple[int, np.ndarray, np.ndarray]]]:
    """The log's first ``seq`` (None when empty), the last ``seq`` ever given out (0 if none;
    rows merged away or rolled back leave it behind), and its rows past ``after`` (up to
    ``upto``): ``(seq, keys, docs)``, two int64 arrays each."""
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
    query = f"SELECT seq, keys, docs FROM dedup_bands_log WHERE seq > {mark}"
    params: tuple[int, ...] = (after,)
    if upto is not None:
        query, params = query + f" AND seq <= {mark}", (after, upto)
    cursor = _raw(connection)
    if _postgres(connection):
        cursor.execute(query + " ORDER BY seq", params, binary=True)  # bytea as bytes
    else:
        cursor.execute(query + " ORDER BY seq", params)
    rows = [
        (int(seq), np.frombuffer(keys, dtype="<i8"), np.frombuffer(docs, dtype="<i8"))
        for seq, keys, docs in cursor.fetchall()
    ]
    cursor.close()
    return first, issued or 0, rows


def any_band(connection: Connection) -> bool:
    """Whether ``dedup_bands`` holds a row (one probe of its key)."""
    return bool(connection.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM dedup_bands)").scalar())


def band_keys(connection: Connection, chunk: int = 1 << 20) -> Iterator[np.ndarray]:
    """Every key in ``dedup_bands``, an int64 array of ~``chunk`` keys at a time. PostgreSQL:
    the heap read in ranges of pages (a TID range scan each), every range's keys aggregated
    by the server into one bytea; a row at a time (``COPY``, a cursor) cost the client ~2 us
    a key, a minute at 1M articles. SQLite: ``fetchmany``."""
    cursor = _raw(connection)
    try:
        if not _postgres(connection):
            cursor.execute("SELECT key FROM dedup_bands")
            while rows := cursor.fetchmany(chunk):
                yield np.array(rows, dtype=np.int64).reshape(-1)
            return
        pages = connection.exec_driver_sql(
            "SELECT pg_relation_size('dedup_bands') / current_setting('block_size')::int"
        ).scalar()
        step = max(1, chunk // 200)  # ~200 band rows a page
        query = "SELECT string_agg(int8send(key), ''::bytea) FROM dedup_bands WHERE ctid >= %s::tid"
        for first in range(0, int(pages or 0) + 1, step):
            if first + step > (pages or 0):  # the last range open-ended
                cursor.execute(query, (f"({first},0)",), binary=True)
            else:
                bounds = (f"({first},0)", f"({first + step},0)")
                cursor.execute(query + " AND ctid < %s::tid", bounds, binary=True)
            blob = cursor.fetchone()[0]
            if blob:
                yield np.frombuffer(blob, dtype=">i8").astype(np.int64)
    finally:
        cursor.close()


def log_row(connection: Connection, seq: int) -> tuple[int, int, int] | None:
    """The log row ``seq`` told apart from any other: its number of band rows and its last
    band row's key and doc (None when there is none)."""
    if _postgres(connection):
        query = (
            "SELECT length(keys), substring(keys FROM length(keys) - 7), "
            "substring(docs FROM length(docs) - 7) FROM dedup_bands_log WHERE seq = %s"
        )
    else:
        query = (
            "SELECT length(keys), substr(keys, -8), substr(docs, -8) FROM dedup_bands_log "
            "WHERE seq = ?"
        )
    row = connection.exec_driver_sql(query, (seq,)).first()
    if row is None or not row[0]:
        return None
    key, doc = (int(np.frombuffer(bytes(v), dtype="<i8")[0]) for v in row[1:])
    return row[0] // 8, key, doc


def log_row_last(connection: Connection) -> int | None:
    """The log's last ``seq`` (None when empty)."""
    return connection.exec_driver_sql("SELECT max(seq) FROM dedup_bands_log").scalar()


def merge_log(connection: Connection, upto: int) -> None:
    """Move the log rows up to ``seq`` ``upto`` into ``dedup_bands``, in key order: each leaf
    of its b-tree is written once per merge, not once per row. The band rows are read from
    the log's blobs and sent back sorted (PostgreSQL: binary ``COPY``, whose heap inserts go
    by pages; in a savepoint, and should a row be in ``dedup_bands`` already, as
    ``index_signature``'s once were, again through a temporary table with ``ON CONFLICT DO
    NOTHING``; SQLite: ``INSERT OR IGNORE``, :data:`LOG_VALUES` rows a statement). Then
    PostgreSQL: when that is the whole log (the writer holds the writers' lock),
    ``TRUNCATE`` rather than ``DELETE``; SQLite: a ``DELETE`` without ``WHERE`` (its
    truncate optimization)."""
    _, _, parts = read_log(connection, 0, upto)
    if parts:
        keys = np.concatenate([part[1] for part in parts])
        docs = np.concatenate([part[2] for part in parts])
        del parts
        order = np.lexsort((docs, keys))
        keys, docs = keys[order], docs[order]
        del order
        if _postgres(connection):
            _copy_bands(connection, keys, docs)
        else:
            for start in range(0, len(keys), MERGE_CHUNK):
                values = (
                    np.stack(
                        [keys[start : start + MERGE_CHUNK], docs[start : start + MERGE_CHUNK]],
                        axis=1,
                    )
                    .ravel()
                    .tolist()
                )
                for at in range(0, len(values), 2 * LOG_VALUES):
                    chunk = values[at : at + 2 * LOG_VALUES]
                    connection.exec_driver_sql(
                        "INSERT OR IGNORE INTO dedup_bands (key, doc) VALUES "
                        + ",".join(["(?,?)"] * (len(chunk) // 2)),
                        tuple(chunk),
                    )
    whole = (log_row_last(connection) or 0) <= upto
    if _postgres(connection):
        if whole:
            connection.exec_driver_sql("TRUNCATE dedup_bands_log")
        else:
            connection.exec_driver_sql("DELETE FROM dedup_bands_log WHERE seq <= %s", (upto,))
    elif whole:
        # no WHERE: SQLite's truncate optimization drops the pages; AUTOINCREMENT's counter
        # stays, so no seq is given out again
        connection.exec_driver_sql("DELETE FROM dedup_bands_log")
    else:
        connection.exec_driver_sql("DELETE FROM dedup_bands_log WHERE seq <= ?", (upto,))


def _copy_bands(connection: Connection, keys: np.ndarray, docs: np.ndarray) -> None:
    """Sorted band rows into ``dedup_bands`` by binary ``COPY``; rows already there are
    skipped (a savepoint takes the failed ``COPY`` back)."""
    import psycopg

    def copy_into(table: str) -> None:
        cursor = _raw(connection)
        with cursor.copy(f"COPY {table} (key, doc) FROM STDIN (FORMAT BINARY)") as copy:
            for start in range(0, len(keys), MERGE_CHUNK):  # a bounded payload at a time
                payload = _binary_copy(
                    keys[start : start + MERGE_CHUNK], docs[start : start + MERGE_CHUNK]
                )
                first, last = start == 0, start + MERGE_CHUNK >= len(keys)
                copy.write(payload[0 if first else len(_COPY_HEADER) : None if last else -2])
        cursor.close()

    savepoint = connection.begin_nested()
    try:
        copy_into("dedup_bands")
    except psycopg.errors.UniqueViolation:
        savepoint.rollback()
    else:
        savepoint.commit()
        return
    connection.exec_driver_sql(
        "CREATE TEMPORARY TABLE IF NOT EXISTS dedup_bands_merge (key bigint, doc bigint) "
        "ON COMMIT DELETE ROWS"
    )
    copy_into("dedup_bands_merge")
    connection.exec_driver_sql(
        "INSERT INTO dedup_bands (key, doc) SELECT key, doc FROM dedup_bands_merge "
        "ORDER BY key, doc ON CONFLICT DO NOTHING"
    )
    connection.exec_driver_sql("DELETE FROM dedup_bands_merge")


def delete_bands(
    connection: Connection, docs: Sequence[int], bands: Iterable[tuple[int, int]]
) -> None:
    """Remove the signatures of ``docs`` and the band rows ``(key, doc)`` they had (found by
    their old keys: the primary key serves the delete, no index by doc is needed), and their
    rows in the log (a scan of it: a replaced signature is rare, an edited article)."""
    pairs = list(bands)
    _drop_from_log(connection, docs)
    if _postgres(connection):
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
    if pairs:
        connection.exec_driver_sql("DELETE FROM dedup_bands WHERE key = ? AND doc = ?", pairs)
    if docs:
        connection.exec_driver_sql(
            "DELETE FROM dedup_signatures WHERE doc = ?", [(doc,) for doc in docs]
        )


def _drop_from_log(connection: Connection, docs: Sequence[int]) -> None:
    """Take the band rows of ``docs`` out of the log rows holding them (each rewritten, or
    deleted when nothing is left)."""
    if not docs:
        return
    gone = np.asarray(docs, dtype=np.int64)
    mark = "%s" if _postgres(connection) else "?"
    for seq, keys, owners in read_log(connection, 0)[2]:
        keep = ~np.isin(owners, gone)
        if keep.all():
            continue
        if not keep.any():
            connection.exec_driver_sql(f"DELETE FROM dedup_bands_log WHERE seq = {mark}", (seq,))
            continue
        connection.exec_driver_sql(
            f"UPDATE dedup_bands_log SET keys = {mark}, docs = {mark} WHERE seq = {mark}",
            (_blob(keys[keep]), _blob(owners[keep]), seq),
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
