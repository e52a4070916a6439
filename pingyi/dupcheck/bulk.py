"""Fingerprint rows written in bulk, straight from arrays: binary COPY on PostgreSQL, multi-row
INSERTs on SQLite; and the index built in bulk (`deferred_index`, `rebuild`).

Indexing writes about a thousand rows per report. Per row, model instances cost more than
everything else the indexing does, and even psycopg's text COPY or sqlite3's executemany spend
microseconds a row in Python; here the rows never become Python objects on PostgreSQL (numpy packs
the binary COPY format) and become one flat list of integers on SQLite. Written by table and column
name, without the model, so that a re-fingerprinting migration uses it too (with the columns of its
historical model: `Table.of`).

The layout (migration 0006): a fingerprint row is (hash, document, position, author key), keyed by
(hash, document, position), so the key is the index every check reads. On SQLite the table is a
WITHOUT ROWID table: one B-tree, the table itself, instead of a table, its key and a hash index. On
PostgreSQL the primary key's index carries the author key (INCLUDE), so counting and fetching
postings read the index alone. No foreign key is declared (a check per row written); the rows of
corpus documents are also in a small second table of the same layout, which answers "which corpus
texts hold this hash" without a flag on every row.
"""

import sqlite3
import struct
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from django.db import connection as default_connection
from django.db import transaction

from . import engine

TABLE = "dupcheck_fingerprint"
CORPUS_TABLE = "dupcheck_corpusfingerprint"
COLUMNS = ("hash", "document_id", "position", "author_key")
KEY = ("hash", "document_id", "position")

# PostgreSQL's binary COPY: a header, then per row the field count and each field as its length and
# big-endian value, then -1. The types of the columns any layout of the table had.
_PG_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
_PG_TRAILER = struct.pack("!h", -1)
_PG_TYPES = {"hash": ">i8", "document_id": ">i8", "position": ">i4", "corpus": "u1", "author_key": ">i4"}

# While SQLite writes a batch, its page cache may grow to this (KiB): a batch's rows go into a
# B-tree keyed by hash, all over its pages, and with the default 2 MB cache each page is read and
# written many times a batch.
SQLITE_WRITE_CACHE_KIB = 512 * 1024


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...] = COLUMNS

    @classmethod
    def of(cls, model) -> "Table":
        """The table of a (historical) fingerprint model, with the columns it has."""
        return cls(model._meta.db_table, tuple(f.column for f in model._meta.concrete_fields))


MAIN = Table(TABLE)
CORPUS = Table(CORPUS_TABLE)


def tables_of(apps) -> tuple[Table, Table | None]:
    """The fingerprint tables as a migration's `apps` has them: before 0006 one table with a corpus
    column and no corpus table; from 0006 on, the keyed table and the corpus table."""
    main = Table.of(apps.get_model("dupcheck", "Fingerprint"))
    try:
        corpus = Table.of(apps.get_model("dupcheck", "CorpusFingerprint"))
    except LookupError:
        corpus = None
    return main, corpus


def create_sql(vendor: str, table: str) -> str:
    if vendor == "postgresql":
        return (
            f'CREATE TABLE "{table}" ("hash" bigint NOT NULL, "document_id" bigint NOT NULL, '
            f'"position" integer NOT NULL, "author_key" integer NOT NULL, '
            f'CONSTRAINT "{table}_pkey" PRIMARY KEY ("hash", "document_id", "position") INCLUDE ("author_key"))'
        )
    return (
        f'CREATE TABLE "{table}" ("hash" integer NOT NULL, "document_id" integer NOT NULL, '
        f'"position" integer NOT NULL, "author_key" integer NOT NULL, '
        f'PRIMARY KEY ("hash", "document_id", "position")) WITHOUT ROWID'
    )


class Rows:
    """Fingerprint rows gathered document by document, then written at once (`insert_fingerprints`).

    Every document's rows go to `main`; a corpus document's also to `corpus` (None: a layout
    without the corpus table, as a historical migration has it).
    """

    def __init__(self, main: Table = MAIN, corpus: Table | None = CORPUS):
        self.main, self.corpus = main, corpus
        self._parts: list[tuple[np.ndarray, int, np.ndarray, bool, int]] = []

    def add(
        self, document_id: int, hashes: np.ndarray, positions: np.ndarray, *, corpus: bool, author_key: int
    ):
        self._parts.append((hashes, document_id, positions, corpus, author_key))

    def __len__(self):
        return sum(len(p[0]) for p in self._parts)

    def write(self, connection=None) -> int:
        if not self._parts:
            return 0
        written = _write(connection, self.main, self._parts)
        if self.corpus is not None:
            _write(connection, self.corpus, [p for p in self._parts if p[3]])
        self._parts = []
        return written


def _write(connection, table: Table, parts) -> int:
    if not parts:
        return 0
    sizes = [len(p[0]) for p in parts]
    return insert_fingerprints(
        np.concatenate([p[0] for p in parts]),
        np.repeat([p[1] for p in parts], sizes),
        np.concatenate([p[2] for p in parts]),
        np.repeat([p[3] for p in parts], sizes),
        np.repeat([p[4] for p in parts], sizes),
        connection=connection,
        table=table,
    )


def insert_fingerprints(hashes, documents, positions, corpus, authors, *, connection=None, table=MAIN) -> int:
    """Insert fingerprint rows given as columns (array-likes of equal length); returns the count.

    Rows go in sorted by their key (hash, document, position), so they reach the B-tree in order.
    Only the columns `table` has are written (`corpus` is a column of the layout before 0006 only).
    """
    connection = connection or default_connection
    values = {
        "hash": np.asarray(hashes, dtype=np.int64),
        "document_id": np.asarray(documents, dtype=np.int64),
        "position": np.asarray(positions, dtype=np.int64),
        "corpus": np.asarray(corpus, dtype=bool),
        "author_key": np.asarray(authors, dtype=np.int64),
    }
    if not len(values["hash"]):
        return 0
    load = _load(connection)
    if load is not None and table.name == TABLE:
        load.add(values)
        return len(values["hash"])
    order = np.lexsort((values["position"], values["document_id"], values["hash"]))
    columns = [values[c][order] for c in table.columns]
    if connection.vendor == "postgresql":
        _copy_binary(connection, connection.ops.quote_name(table.name), table.columns, columns)
    else:
        _insert_sqlite(connection, connection.ops.quote_name(table.name), table.columns, columns)
    return len(values["hash"])


def _copy_binary(connection, table, names, columns) -> None:
    dtype = [("fields", ">i2")]
    for name in names:
        dtype += [(f"{name}_len", ">i4"), (name, _PG_TYPES[name])]
    rows = np.empty(len(columns[0]), dtype=np.dtype(dtype))
    rows["fields"] = len(names)
    for name, values in zip(names, columns, strict=True):
        rows[f"{name}_len"] = np.dtype(_PG_TYPES[name]).itemsize
        rows[name] = values
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN (FORMAT BINARY)") as copy,
    ):
        copy.write(_PG_HEADER + rows.tobytes() + _PG_TRAILER)


def _insert_sqlite(connection, table, names, columns) -> None:
    connection.ensure_connection()
    raw = connection.connection
    width = len(names)
    # As many rows a statement as SQLite binds parameters (32,766 since 3.32): a few statements a
    # batch, each binding a flat list, which costs a third of executemany's row-by-row binding.
    per = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width
    block = np.column_stack([c.astype(np.int64, copy=False) for c in columns])
    rows = len(block)
    head = f"INSERT INTO {table} ({', '.join(names)}) VALUES "
    one = "(" + ",".join("?" * width) + ")"
    statement = head + ",".join([one] * min(per, rows))
    (cache,) = raw.execute("PRAGMA cache_size").fetchone()
    raw.execute(f"PRAGMA cache_size = -{SQLITE_WRITE_CACHE_KIB}")
    try:
        for start in range(0, rows, per):
            n = min(per, rows - start)
            if n < per and n != rows:
                statement = head + ",".join([one] * n)
            # Python integers a statement at a time: millions at once cost more (memory to fault in).
            raw.execute(statement, block[start : start + n].ravel().tolist())
    finally:
        raw.execute(f"PRAGMA cache_size = {int(cache)}")


# ------------------------------------------------------------------------------------------------
# Building the index in bulk
# ------------------------------------------------------------------------------------------------


def _load(connection) -> "_Load | None":
    return getattr(connection, "_dupcheck_load", None)


class _Marker:
    """A no-op on-commit callback whose presence tells that its savepoint was not rolled back."""

    def __call__(self):
        pass


class _Load:
    """Rows held in memory while the index is deferred, written sorted by key in a few runs.

    SQLite's table is its key, so it cannot be filled unkeyed: sorted in numpy and inserted in key
    order into the (empty) table, the rows are appended page after page, where a batch at a time
    goes all over the B-tree each time, and sorting an unkeyed load table in SQL costs twice the
    insert. PostgreSQL builds the key from the heap, and sorts rows already in order in half the
    time (measured: 1.0 s instead of 1.9 s for 2.76M rows). Past RUN_ROWS rows (about 800 MB held),
    a sorted run is written between batches (`checkpoint`) and memory freed.
    """

    RUN_ROWS = 25_000_000

    def __init__(self, connection):
        self.connection = connection
        self.parts: list[dict] = []
        self.rows = 0
        self.depth = len(connection.savepoint_ids)

    def add(self, values: dict) -> None:
        # Each part sorted as it comes (while the workers prepare the next batch): the whole is then
        # a merge of sorted runs (`write`).
        order = np.lexsort((values["position"], values["document_id"], values["hash"]))
        part = {
            c: values[c][order].astype(np.int32 if c == "author_key" else np.int64, copy=False)
            for c in COLUMNS
        }
        # Rows held here are not rolled back with a savepoint inside the block (and SQLite gives a
        # rolled-back document's id to the next one). Django drops the on-commit callbacks of a
        # rolled-back savepoint: a part whose marker is gone was rolled back.
        part["marker"] = _Marker()
        transaction.on_commit(part["marker"], using=self.connection.alias)
        self.parts.append(part)
        self.rows += len(values["hash"])

    def checkpoint(self) -> None:
        """Write a sorted run if enough rows are held, unless inside a savepoint opened in the block
        (which could still roll back what is written now, other batches' rows with it)."""
        if self.rows >= self.RUN_ROWS and len(self.connection.savepoint_ids) == self.depth:
            self.write()

    def write(self) -> None:
        if not self.parts:
            return
        live = {id(func) for _, func, _ in self.connection.run_on_commit}
        parts = [p for p in self.parts if id(p["marker"]) in live]
        self.parts, self.rows = [], 0
        if not parts:
            return
        # Parts of ascending documents (batches as bulk_create numbers them): a stable sort by hash
        # keeps (document, position) order among equal hashes, and merges the runs (timsort) in a
        # quarter of the time of sorting all rows by three keys.
        ascending = all(
            a["document_id"].max() <= b["document_id"].min()
            for a, b in pairwise(parts)
            if len(a["document_id"]) and len(b["document_id"])
        )
        columns = {c: np.concatenate([p[c] for p in parts]) for c in COLUMNS}
        if ascending:
            order = np.argsort(columns["hash"], kind="stable")
        else:
            order = np.lexsort((columns["position"], columns["document_id"], columns["hash"]))
        table = self.connection.ops.quote_name(TABLE)
        write = _copy_binary if self.connection.vendor == "postgresql" else _insert_sqlite
        step = 1_000_000  # rows packed (or turned into Python integers on SQLite) at a time
        for start in range(0, len(order), step):
            part = order[start : start + step]
            write(self.connection, table, COLUMNS, [columns[c][part] for c in COLUMNS])


@contextmanager
def deferred_index(connection=None):
    """Write many documents' fingerprint rows first and key them once, at the end.

    For a corpus rebuild (the re-indexing migration) and imports of many reports at once (the
    bench), never for one document: a batch written into a keyed table touches pages all over its
    B-tree, every batch again, while rows keyed once are sorted once. The rows are held and written
    sorted at the end (`_Load`): on PostgreSQL into the table without its primary key, which is
    added again afterwards (a sorted build); on SQLite, whose table is its key, in key order. Must
    run inside a transaction (so that a failure leaves the table as it was, keyed); meanwhile the
    main table answers no check (the corpus table stays keyed and is written as it goes).
    """
    connection = connection or default_connection
    if not connection.in_atomic_block:
        raise RuntimeError("deferred_index must run inside transaction.atomic()")
    if _load(connection) is not None:
        yield
        return
    table = connection.ops.quote_name(TABLE)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{TABLE}_pkey"')
    load = connection._dupcheck_load = _Load(connection)
    try:
        yield
    finally:
        connection._dupcheck_load = None
    load.write()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f'ALTER TABLE {table} ADD CONSTRAINT "{TABLE}_pkey" '
                f'PRIMARY KEY ("hash", "document_id", "position") INCLUDE ("author_key")'
            )


def rebuild(
    documents, *, connection=None, corpus_kinds=("corpus_template", "corpus_policy", "corpus_form")
) -> int:
    """Fingerprint every document again from its stored normalised text and write the index anew.

    `documents`: (id, kind, author, norm) of the indexed documents, in any order, streamed (a
    province's reports need not be in memory at once). Returns the rows written.
    """
    connection = connection or default_connection
    with connection.cursor() as cursor:
        for table in (TABLE, CORPUS_TABLE):
            verb = "TRUNCATE" if connection.vendor == "postgresql" else "DELETE FROM"
            cursor.execute(f"{verb} {connection.ops.quote_name(table)}")
    written = 0
    with deferred_index(connection):
        rows = Rows()
        for pk, kind, author, norm in documents:
            hashes, positions = engine.fingerprint_arrays(norm)
            rows.add(pk, hashes, positions, corpus=kind in corpus_kinds, author_key=engine.author_key(author))
            if len(rows) >= 500_000:
                written += rows.write(connection)
                checkpoint(connection)
        written += rows.write(connection)
    return written


def checkpoint(connection=None) -> None:
    """Within a bulk build, between batches: let it write out a sorted run if it holds many rows."""
    load = _load(connection or default_connection)
    if load is not None:
        load.checkpoint()


def delete_documents(docs, *, connection=None) -> int:
    """Delete the fingerprint rows of these documents (with `pk`, `norm`, `is_corpus`).

    The table is keyed by hash: a document's rows are found by its fingerprints, which its stored
    normalised text gives back exactly (as `store.DatabaseStore` relies on too). Should a document
    have fewer rows there than that (written by another scheme), they are found by a full scan.
    """
    connection = connection or default_connection
    deleted = 0
    with connection.cursor() as cursor:
        for doc in docs:
            hashes, _ = engine.fingerprint_arrays(doc.norm)
            distinct = sorted(set(hashes.tolist()))
            for table in (TABLE, CORPUS_TABLE) if doc.is_corpus else (TABLE,):
                quoted, found = connection.ops.quote_name(table), 0
                for i in range(0, len(distinct), 500):
                    chunk = distinct[i : i + 500]
                    marks = ", ".join(["%s"] * len(chunk))
                    cursor.execute(
                        f"DELETE FROM {quoted} WHERE document_id = %s AND hash IN ({marks})", [doc.pk, *chunk]
                    )
                    found += cursor.rowcount
                if found != len(hashes):
                    cursor.execute(f"DELETE FROM {quoted} WHERE document_id = %s", [doc.pk])
                    found += cursor.rowcount
                if table == TABLE:
                    deleted += found
    return deleted
