"""Set-based inserts for imports of tens of thousands of rows.

Django's bulk_create builds a Model instance per row and prepares every value
through the field machinery; for the plain rows of an import (posts, 简历 lines,
appraisals, family members) that is most of the write time. `insert` sends the
rows as they are, one executemany per batch, inside the caller's transaction.
"""

from collections.abc import Iterable

from django.db import connection

BATCH = 5000


def insert(model, fields: list[str], rows: Iterable[tuple]) -> int:
    """INSERT `rows` (tuples in `fields` order; a foreign key as its id) into `model`'s table."""
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(meta.db_table), ", ".join(quote(c.column) for c in columns), ", ".join(["%s"] * len(columns))
    )
    dates = [i for i, c in enumerate(columns) if c.get_internal_type() == "DateField"]
    adapt = connection.ops.adapt_datefield_value
    count, batch = 0, []
    with connection.cursor() as cursor:
        for row in rows:
            if dates:
                row = list(row)
                for i in dates:
                    row[i] = adapt(row[i])
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count, batch = count + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def insert_returning(model, fields: list[str], rows: list[tuple]) -> list[int]:
    """INSERT `rows` in multi-row statements and return their new ids, in order.

    As bulk_create does on SQLite ≥ 3.35 and PostgreSQL (RETURNING on a multi-row
    INSERT, in the order of the rows), without preparing each value through its field.
    """
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    prepared = [i for i, c in enumerate(columns) if c.get_internal_type() in _PREPARED]
    head = "INSERT INTO {} ({}) VALUES ".format(
        quote(meta.db_table), ", ".join(quote(c.column) for c in columns)
    )
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    tail = " RETURNING " + quote(meta.pk.column)
    # SQLite allows 32,766 parameters a statement since 3.32.
    size = max(1, min(1000, 30000 // len(columns)))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            params = []
            for row in chunk:
                if prepared:
                    row = list(row)
                    for i in prepared:
                        row[i] = columns[i].get_db_prep_save(row[i], connection)
                params.extend(row)
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail, params)
            ids.extend(r[0] for r in cursor.fetchall())
    return ids


_PREPARED = {"DateField", "DateTimeField", "JSONField"}
