"""Fingerprint rows written in bulk, straight from arrays: binary COPY on PostgreSQL, multi-row
INSERTs on SQLite.

Indexing writes about a thousand rows per report. Per row, model instances cost more than
everything else the indexing does, and even psycopg's text COPY or sqlite3's executemany spend
microseconds a row in Python; here the rows never become Python objects on PostgreSQL (numpy packs
the binary COPY format) and become one flat list of integers on SQLite. Written by table and column
name, without the model, so that a re-fingerprinting migration uses it too.
"""

import sqlite3
import struct

import numpy as np
from django.db import connection as default_connection

TABLE = "dupcheck_fingerprint"
COLUMNS = "hash, document_id, position, corpus, author_key"

# PostgreSQL's binary COPY: a header, then per row the field count and each field as its length and
# big-endian value (bigint, bigint, integer, boolean, integer: the table's types), then -1.
_PG_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
_PG_TRAILER = struct.pack("!h", -1)
_PG_ROW = np.dtype(
    [("fields", ">i2"),
     ("hash_len", ">i4"), ("hash", ">i8"),
     ("document_len", ">i4"), ("document", ">i8"),
     ("position_len", ">i4"), ("position", ">i4"),
     ("corpus_len", ">i4"), ("corpus", "u1"),
     ("author_len", ">i4"), ("author", ">i4")]
)  # fmt: skip

# While SQLite writes a batch, its page cache may grow to this (KiB): the hash index takes rows all
# over its pages, and with the default 2 MB cache each page is read and written many times a batch.
SQLITE_WRITE_CACHE_KIB = 512 * 1024


class Rows:
    """Fingerprint rows gathered document by document, then written at once (`insert_fingerprints`)."""

    def __init__(self):
        self.columns: tuple[list, list, list, list, list] = ([], [], [], [], [])

    def add(
        self, document_id: int, hashes: np.ndarray, positions: np.ndarray, *, corpus: bool, author_key: int
    ):
        n = len(hashes)
        for column, values in zip(
            self.columns,
            (hashes, np.full(n, document_id), positions, np.full(n, corpus), np.full(n, author_key)),
            strict=True,
        ):
            column.append(values)

    def write(self, connection=None) -> int:
        if not self.columns[0]:
            return 0
        written = insert_fingerprints(
            *(np.concatenate(column) for column in self.columns), connection=connection
        )
        self.columns = ([], [], [], [], [])
        return written


def insert_fingerprints(hashes, documents, positions, corpus, authors, *, connection=None) -> int:
    """Insert fingerprint rows given as columns (array-likes of equal length); returns the count.

    Rows go in sorted by hash (then document and position), so they reach the hash index in order.
    """
    connection = connection or default_connection
    hashes = np.asarray(hashes, dtype=np.int64)
    documents = np.asarray(documents, dtype=np.int64)
    positions = np.asarray(positions, dtype=np.int64)
    order = np.lexsort((positions, documents, hashes))
    columns = [hashes[order], documents[order], positions[order]]
    columns += [np.asarray(corpus, dtype=bool)[order], np.asarray(authors, dtype=np.int64)[order]]
    if not len(order):
        return 0
    table = connection.ops.quote_name(TABLE)
    if connection.vendor == "postgresql":
        _copy_binary(connection, table, columns)
    else:
        _insert_sqlite(connection, table, columns)
    return len(order)


def _copy_binary(connection, table, columns) -> None:
    rows = np.empty(len(columns[0]), dtype=_PG_ROW)
    rows["fields"] = 5
    for name, size, values in zip(
        ("hash", "document", "position", "corpus", "author"), (8, 8, 4, 1, 4), columns, strict=True
    ):
        rows[f"{name}_len"] = size
        rows[name] = values
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({COLUMNS}) FROM STDIN (FORMAT BINARY)") as copy,
    ):
        copy.write(_PG_HEADER + rows.tobytes() + _PG_TRAILER)


def _insert_sqlite(connection, table, columns) -> None:
    connection.ensure_connection()
    raw = connection.connection
    # As many rows a statement as SQLite binds parameters (32,766 since 3.32): a few statements a
    # batch, each binding a flat list, which costs a third of executemany's row-by-row binding.
    per = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // 5
    flat = np.column_stack([c.astype(np.int64) for c in columns]).ravel().tolist()
    rows = len(flat) // 5
    statement = f"INSERT INTO {table} ({COLUMNS}) VALUES " + ",".join(["(?,?,?,?,?)"] * min(per, rows))
    (cache,) = raw.execute("PRAGMA cache_size").fetchone()
    raw.execute(f"PRAGMA cache_size = -{SQLITE_WRITE_CACHE_KIB}")
    try:
        for start in range(0, rows, per):
            n = min(per, rows - start)
            if n < per and n != rows:
                statement = f"INSERT INTO {table} ({COLUMNS}) VALUES " + ",".join(["(?,?,?,?,?)"] * n)
            raw.execute(statement, flat[5 * start : 5 * (start + n)])
    finally:
        raw.execute(f"PRAGMA cache_size = {int(cache)}")
