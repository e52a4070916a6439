"""Sealing a round's ballots when voting closes, so that what is left in the database links no token
to a ballot, not even for its administrator.

While voting runs, a token's claim and its ballot are written by one transaction (on PostgreSQL by one
statement): both rows carry its transaction id (`xmin`), and rows lie in the order they were written
(PostgreSQL `ctid` and dump order, SQLite `rowid`, the SQLite WAL's frames). The shape of the tables (no
foreign key, no time) does not hide that. So in the transaction that closes voting, `seal` writes every
ballot of the round again in random order, and every token of the round again in serial order: all of
them then carry the closing transaction's id, and their order says nothing about casting. Once that
transaction has committed, `compact` rewrites the tables (PostgreSQL `VACUUM FULL`) or the whole file
(SQLite `VACUUM`, then the WAL checkpointed and truncated), so the dead row versions, free pages and
WAL frames that still held the casting order are gone.

What someone who watched the live database, or kept WAL archives of the voting window, can still
see is written down in docs/architecture.md ("Ballot secrecy"), with what the deployment guide
asks of the administrator.
"""

import logging
import secrets
import time

from django.db import connection, transaction

from .models import Ballot, BallotToken, EvaluatorGroup, PaperEntry

logger = logging.getLogger(__name__)
_random = secrets.SystemRandom()


def seal(review) -> None:
    """In the closing transaction: rewrite the round's ballots in random order and its tokens."""
    ballots = list(Ballot.objects.filter(review=review).values())
    _random.shuffle(ballots)
    tokens = list(
        BallotToken.objects.filter(group__review=review).order_by("group_id", "batch", "serial").values()
    )
    with connection.cursor() as cursor:
        # Raw deletes: the models refuse deleting a ballot, which is right everywhere but here.
        cursor.execute(f"DELETE FROM {_table(Ballot)} WHERE {_column(Ballot, 'review')} = %s", [review.pk])
        g = EvaluatorGroup
        groups = f"SELECT {_column(g, 'id')} FROM {_table(g)} WHERE {_column(g, 'review')} = %s"
        cursor.execute(
            f"DELETE FROM {_table(BallotToken)} WHERE {_column(BallotToken, 'group')} IN ({groups})",
            [review.pk],
        )
    Ballot.objects.bulk_create([Ballot(**row) for row in ballots], batch_size=500)
    BallotToken.objects.bulk_create([BallotToken(**row) for row in tokens], batch_size=500)
    # A counted paper ballot's two typings are its ratings under the sheet's number: kept, they
    # would tell which ballot came from which numbered sheet. Who typed and the status stay.
    PaperEntry.objects.filter(review=review).update(first={}, second=None)
    transaction.on_commit(compact, robust=True)


def compact() -> None:
    """After the closing commit: leave no dead row version, free page or WAL frame behind."""
    if connection.in_atomic_block:
        # Only in tests that run on_commit callbacks inside their own transaction.
        logger.warning("ballot tables not compacted: still inside a transaction")
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = ", ".join(_table(m) for m in (Ballot, BallotToken, PaperEntry))
            cursor.execute(f"VACUUM FULL {tables}")
            return
        if connection.vendor == "sqlite":
            # Zero what VACUUM leaves in unused page space, whatever SQLite was built with.
            cursor.execute("PRAGMA secure_delete = ON")
            cursor.execute("VACUUM")
            # Another process reading the database keeps the WAL from being reset: wait for it.
            for _ in range(50):
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                busy, _log, _done = cursor.fetchone()
                if not busy:
                    return
                time.sleep(0.1)
            logger.error("the SQLite WAL could not be truncated after closing voting; run compact_ballots")


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)
