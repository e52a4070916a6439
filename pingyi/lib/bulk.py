"""Set-based inserts for imports of tens of thousands of rows.

Django's bulk_create builds a Model instance per row and prepares every value
through the field machinery; for the plain rows of an import (cadres, posts, 简历
lines, appraisals, family members) that is most of the write time. These send the
rows as they are, in multi-row INSERT statements (one round trip per thousand
rows, on PostgreSQL as on SQLite), inside the caller's transaction.
"""

from collections.abc import Iterable

from django.db import connection

# Prepared through their field (dates as the backend stores them, JSON encoded); the rest go as they are.
_PREPARED = {"DateField", "DateTimeField", "JSONField"}
_NOTHING = object()


def _statement(model, fields: list[str]):
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(
        quote(meta.db_table), ", ".join(quote(c.column) for c in columns)
    )
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    prepared = [i for i, c in enumerate(columns) if c.get_internal_type() in _PREPARED]
    # SQLite allows 32,766 parameters a statement since 3.32; PostgreSQL 65,535.
    size = max(1, min(1000, 30000 // len(columns)))
    return columns, head, one, prepared, size


def _chunks(rows: Iterable[tuple], size: int):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _preparers(columns, prepared) -> list:
    """(index, function) turning a value into what the database takes, for the prepared columns.

    Dates repeat (a few hundred months among tens of thousands of rows) and Django's field
    machinery costs some 20 µs a value, so each distinct date is prepared once; JSON is not
    hashable, and is prepared again whenever it is another object than the row before's."""
    result = []
    for i in prepared:
        column = columns[i]
        if column.get_internal_type() == "JSONField":
            last: list = [_NOTHING, None]

            def prepare_json(value, column=column, last=last):
                # A default every row shares (Cadre.lrmx_fields' {}) is encoded once: the rows of a
                # chunk are all taken from the caller before any is prepared, so it cannot change.
                if value is not last[0]:
                    last[:] = value, column.get_db_prep_save(value, connection)
                return last[1]

            result.append((i, prepare_json))
            continue
        memo: dict = {}

        def prepare(value, column=column, memo=memo):
            try:
                return memo[value]
            except KeyError:
                memo[value] = done = column.get_db_prep_save(value, connection)
                return done

        result.append((i, prepare))
    return result


def _params(chunk, columns, prepared) -> list:
    params = []
    preparers = _preparers(columns, prepared)
    for row in chunk:
        if preparers:
            row = list(row)
            for i, prepare in preparers:
                row[i] = prepare(row[i])
        params.extend(row)
    return params


def _prepared_rows(chunk, columns, prepared, preparers=None) -> list:
    if not prepared:
        return chunk
    preparers = preparers if preparers is not None else _preparers(columns, prepared)
    result = []
    for row in chunk:
        row = list(row)
        for i, prepare in preparers:
            row[i] = prepare(row[i])
        result.append(row)
    return result


def insert(model, fields: list[str], rows: Iterable[tuple]) -> int:
    """INSERT `rows` (tuples in `fields` order; a foreign key as its id) into `model`'s table.

    COPY on PostgreSQL; on SQLite one statement by executemany, run in-process (a multi-row
    statement of thousands of placeholders costs more to build than it saves)."""
    columns, head, one, prepared, _size = _statement(model, fields)
    count = 0
    if connection.vendor == "postgresql":
        # COPY: an order of magnitude faster than any INSERT for tens of thousands of rows.
        quote = connection.ops.quote_name
        sql = "COPY {} ({}) FROM STDIN".format(
            quote(model._meta.db_table), ", ".join(quote(c.column) for c in columns)
        )
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for chunk in _chunks(rows, 5000):
                for row in _prepared_rows(chunk, columns, prepared):
                    copy.write_row(row)
                count += len(chunk)
        return count
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, 5000):
            cursor.executemany(head + one, _prepared_rows(chunk, columns, prepared))
            count += len(chunk)
    return count


def insert_returning(model, fields: list[str], rows: list[tuple]) -> list[int]:
    """As `insert`, returning the new ids in the order of the rows — as bulk_create relies on for
    a multi-row INSERT … RETURNING on SQLite ≥ 3.35 and PostgreSQL."""
    columns, head, one, prepared, size = _statement(model, fields)
    tail = " RETURNING " + connection.ops.quote_name(model._meta.pk.column)
    ids: list[int] = []
    if connection.vendor == "postgresql":
        # The ids are drawn from the table's sequence in one query, then the rows go by COPY
        # with them: INSERT … RETURNING row by row (even pipelined) took three quarters of the
        # write time of 10,000 cadres. Drawn values are never handed out twice, whatever runs
        # beside this transaction.
        meta = model._meta
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(meta.db_table), meta.pk.column, len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        insert(model, [meta.pk.name, *fields], ((pk, *row) for pk, row in zip(ids, rows, strict=True)))
        return ids
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, size):
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail, _params(chunk, columns, prepared))
            ids.extend(r[0] for r in cursor.fetchall())
    return ids
