"""The three statements of a phone ballot's submission, written out in SQL.

During a meeting every evaluator submits within a few minutes, so this is the
one path whose cost per request decides whether a small server keeps up. On a
2-core server the ORM's query building was the largest part of a submission
(measured in-process on PostgreSQL: the token lookup with its group and review
took 1.6 ms of CPU through the ORM and 0.14 ms as SQL; see bench/ballots_load.py).
Table and column names are taken from the models, and values are prepared by
the model fields, so SQLite and PostgreSQL store exactly what the ORM would.

Only actions.do_submit_ballot calls these.
"""

import uuid
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import connection, transaction

from pingyi.reviews.models import Review, Stage

from .models import Ballot, BallotToken, EvaluatorGroup, TokenStatus


@dataclass(frozen=True)
class TokenRow:
    """A token with what a submission needs of its group and review."""

    id: int
    status: str
    group_id: int
    review_id: int
    review_stage: str
    review_created: object  # as the database returns it; only compared, never shown


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def find_token(code_hash: str) -> TokenRow | None:
    t, g, r = BallotToken, EvaluatorGroup, Review
    sql = (
        f"SELECT t.{_column(t, 'id')}, t.{_column(t, 'status')}, t.{_column(t, 'group')}, "
        f"g.{_column(g, 'review')}, r.{_column(r, 'stage')}, r.{_column(r, 'created_at')} "
        f"FROM {_table(t)} t JOIN {_table(g)} g ON g.{_column(g, 'id')} = t.{_column(t, 'group')} "
        f"JOIN {_table(r)} r ON r.{_column(r, 'id')} = g.{_column(g, 'review')} "
        f"WHERE t.{_column(t, 'code_hash')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [code_hash])
        row = cursor.fetchone()
    return TokenRow(*row) if row else None


def cast(token: TokenRow, *, receipt: str, ratings: dict, source: str) -> bool:
    """Claim the token and store the ballot, both or neither; False when the token was not claimable.

    A token is claimable while it is issued (not used, not void) and its review is in 测评, checked in
    the same statement under a share lock on the review (see _claim_sql), so a ballot racing the
    closing of voting is either counted or refused.
    IntegrityError when the receipt is taken. On PostgreSQL one statement does both (atomic by itself:
    one round trip instead of five with BEGIN and COMMIT); elsewhere two statements in a transaction.
    """
    claim, claim_params = _claim_sql(token)
    insert, values, insert_params = _insert_sql(token, receipt, ratings, source)
    if connection.vendor == "postgresql":
        sql = f"WITH claimed AS ({claim} RETURNING 1) {insert} SELECT {values} FROM claimed"
        # Inside a caller's transaction a failed statement must only roll back to a savepoint.
        savepoint = transaction.atomic() if connection.in_atomic_block else nullcontext()
        with savepoint, connection.cursor() as cursor:
            cursor.execute(sql, claim_params + insert_params)
            return cursor.rowcount == 1
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(claim, claim_params)
        if cursor.rowcount != 1:
            return False
        cursor.execute(f"{insert} VALUES ({values})", insert_params)
    return True


def _claim_sql(token: TokenRow) -> tuple[str, list]:
    t, r = BallotToken, Review
    status = _column(t, "status")
    # On PostgreSQL the claim takes a share lock on the review's row: closing voting locks that row for
    # update first, so a claim either commits before the closing transaction counts, or waits for it
    # and then finds the round no longer in 测评. Without the lock the claim read the stage from a
    # snapshot taken before the closing committed, and a ballot could be acknowledged but not counted.
    # SQLite writes one transaction at a time, which serialises the two already.
    lock = " FOR SHARE" if connection.vendor == "postgresql" else ""
    sql = (
        f"UPDATE {_table(t)} SET {status} = %s WHERE {_column(t, 'id')} = %s AND {status} = %s "
        f"AND EXISTS (SELECT 1 FROM {_table(r)} WHERE {_column(r, 'id')} = %s AND {_column(r, 'stage')} = %s{lock})"
    )
    params = [
        TokenStatus.USED.value,
        token.id,
        TokenStatus.ISSUED.value,
        token.review_id,
        Stage.APPRAISAL.value,
    ]
    return sql, params


def _insert_sql(token: TokenRow, receipt: str, ratings: dict, source: str) -> tuple[str, str, list]:
    """INSERT INTO … (columns), the values' placeholders, and the values prepared by the model fields."""
    values = {"id": uuid.uuid4(), "review": token.review_id, "group": token.group_id, "receipt": receipt,
              "ratings": ratings, "source": source}  # fmt: skip
    fields = [Ballot._meta.get_field(name) for name in values]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    prepared = [f.get_db_prep_save(values[f.name], connection) for f in fields]
    return f"INSERT INTO {_table(Ballot)} ({columns})", ", ".join(["%s"] * len(fields)), prepared
