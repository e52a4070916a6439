"""Ballot secrecy against the database administrator, once voting is closed (issue 14).

Each test casts 40 ballots in a known order, remembers which token cast which receipt, and closes
voting the way the organizer does: by publishing the result. Then it attacks the database as its
administrator could (system columns, physical row order, a dump, the raw file and its WAL, every
timestamp, the logs) and must learn nothing better than chance about which token cast which ballot.

Every attack is also run before closing, where it must succeed: that proves it is a real attack, so
a pass after closing means the defence worked and not that the test looks in the wrong place.

The tests commit (transactional database): closing compacts the tables after its commit
(`transaction.on_commit`), and VACUUM cannot run inside a transaction.
"""

import datetime as dt
import logging
import os
import random
import re
import shutil
import subprocess
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.utils import timezone

from pingyi.ballots import actions, codes
from pingyi.ballots.models import Ballot, BallotToken, EvaluatorGroup, Publication, TokenStatus
from pingyi.reviews import actions as review_actions
from pingyi.reviews.models import StageChange
from pingyi.testing import make_cadre, make_city, make_personas, make_review

from .conftest import good_ratings, submit

VOTERS_PER_GROUP = 20
# Kendall's tau between two orders of 40 items: for a random permutation P(|tau| >= 0.5) = 2.1e-6
# (exact, from the distribution of inversions; the normal approximation, sd 0.11, gives 5.6e-6), so a
# defence that really shuffles fails one of these assertions about once in 10^5 runs.
TAU_CHANCE = 0.5
# Pairing tokens and ballots by rank within each group of 20: right guesses are the fixed points of a
# random permutation, about Poisson(1) per group, so Poisson(2) in all; P(more than 10) = 8e-6.
PAIRS_CHANCE = 10
# Valid with three appraisees (no score of 90, not one level everywhere): see good_ratings.
RATINGS = [
    good_ratings(),
    good_ratings(first="一般", rest="较好"),
    good_ratings(first="较好", rest="较好"),
    good_ratings(first="一般", rest="一般"),
]

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="xmin, ctid and pg_dump exist only on PostgreSQL"
)
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the database file and its WAL exist only on SQLite"
)


# The election


@dataclass(frozen=True)
class Slip:
    """A printed token slip as the organizer knows it: group, serial and the plain code."""

    group: str
    group_id: int
    token_id: int
    serial: int
    code: str
    code_hash: str


@dataclass(frozen=True)
class Cast:
    slip: Slip
    receipt: str


@dataclass
class Election:
    review: object
    organizer: object
    voters: list[Slip]  # in the order they vote
    casts: list[Cast] = field(default_factory=list)  # in the order they voted
    started: object = None
    ended: object = None

    @property
    def receipts(self) -> list[str]:
        return [c.receipt for c in self.casts]

    def truth(self) -> dict[str, str]:
        """code hash → receipt: what the attacker wants to learn."""
        return {c.slip.code_hash: c.receipt for c in self.casts}


@pytest.fixture
def election(transactional_db):
    """A review in 测评 with two groups of 21 tokens; 20 of each group will vote, in a shuffled order."""
    city = make_city()
    people = make_personas(city)
    cadres = [make_cadre(city.qingshan, "甲书记"), make_cadre(city.wenchang, "乙书记", titles=["党工委书记"]),
              make_cadre(city.liuying, "丙书记")]  # fmt: skip
    review = make_review(people.organizer, stage="meeting", appraisees=cadres)
    groups = actions.do_save_groups(review, people.organizer, [
        {"key": "leaders", "label": "市领导", "weight": 40, "head_count": VOTERS_PER_GROUP + 1},
        {"key": "public", "label": "群众代表", "weight": 60, "head_count": VOTERS_PER_GROUP + 1},
    ])  # fmt: skip
    slips = []
    for group in groups:
        for code in actions.do_issue_tokens(group, people.organizer, VOTERS_PER_GROUP + 1):
            token = BallotToken.objects.get(code_hash=codes.code_hash(code))
            slips.append(Slip(group.key, group.pk, token.pk, token.serial, code, token.code_hash))
    review = review_actions.do_move_stage(review, people.organizer, "appraisal")
    # Evaluators come forward in no relation to the serials on their slips, and one slip of each
    # group stays unused. A fixed seed keeps a failure reproducible.
    rng = random.Random(14)
    voters = [
        s for g in groups for s in rng.sample([s for s in slips if s.group_id == g.pk], VOTERS_PER_GROUP)
    ]
    rng.shuffle(voters)
    if connection.vendor == "sqlite":
        # Debian builds SQLite with secure_delete on (deleted rows zeroed); upstream's default is off,
        # and the defence must not depend on how the library was compiled.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = OFF")
            # Start the WAL empty, so that it holds exactly the voting, as a meeting's worth of
            # ballots would (far fewer than the 1000 pages after which SQLite checkpoints).
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Election(review, people.organizer, voters)


def cast_all(election: Election):
    election.started = timezone.now()
    for i, slip in enumerate(election.voters):
        election.casts.append(Cast(slip, submit(slip.code, RATINGS[i % len(RATINGS)]).receipt))
    election.ended = timezone.now()
    assert len(election.casts) == 2 * VOTERS_PER_GROUP


def close(election: Election):
    election.review = review_actions.do_move_stage(election.review, election.organizer, "published")


# Measures


def kendall_tau(observed: list, reference: list) -> float:
    """+1 when `observed` lists the items in the order of `reference`, −1 reversed, about 0 unrelated."""
    assert sorted(observed) == sorted(reference) and len(reference) >= 2
    rank = {item: i for i, item in enumerate(reference)}
    xs = [rank[item] for item in observed]
    n = len(xs)
    s = sum(1 if xs[j] > xs[i] else -1 for i in range(n) for j in range(i + 1, n))
    return s / (n * (n - 1) / 2)


def right_guesses(guesses: dict[str, str], election: Election) -> int:
    """How many of the attack's token → receipt guesses are true."""
    truth = election.truth()
    return sum(1 for token, receipt in guesses.items() if truth.get(token) == receipt)


def _q(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# PostgreSQL: system columns, physical order, pg_dump


def pg_xmin_candidates(election: Election) -> dict[str, list[str]]:
    """The attack: each used token of the round → the ballots of its group written by its transaction."""
    rows = _rows(
        f"SELECT t.code_hash, b.receipt FROM {_q(BallotToken)} t "
        f"JOIN {_q(Ballot)} b ON b.xmin = t.xmin AND b.group_id = t.group_id "
        f"WHERE b.review_id = %s AND t.status = %s",
        [election.review.pk, TokenStatus.USED.value],
    )
    candidates = defaultdict(list)
    for token, receipt in rows:
        candidates[token].append(receipt)
    return candidates


def pg_xmin_expected_right(election: Election) -> tuple[float, float]:
    """(expected right guesses of the xmin attack picking among its candidates at random, chance level).

    Chance: picking any ballot of the token's group, right 1 time in 20 per token, 2 in all.
    """
    truth = election.truth()
    candidates = pg_xmin_candidates(election)
    score = sum((truth[t] in rs) / len(rs) for t, rs in candidates.items() if t in truth)
    per_group = Counter(c.slip.group_id for c in election.casts)
    chance = sum(1 / per_group[c.slip.group_id] for c in election.casts)
    return score, chance


def pg_distinct_xmins(election: Election) -> int:
    """Distinct transaction ids over the round's ballots and all its tokens (used or not)."""
    sql = (
        f"SELECT COUNT(DISTINCT x) FROM ("
        f"SELECT xmin::text AS x FROM {_q(Ballot)} WHERE review_id = %s UNION ALL "
        f"SELECT t.xmin::text FROM {_q(BallotToken)} t JOIN {_q(EvaluatorGroup)} g ON g.id = t.group_id "
        f"WHERE g.review_id = %s) s"
    )
    return _rows(sql, [election.review.pk, election.review.pk])[0][0]


def ballots_in(order_by: str, election: Election) -> list[str]:
    return [r for (r,) in _rows(f"SELECT receipt FROM {_q(Ballot)} WHERE review_id = %s ORDER BY {order_by}",
                                [election.review.pk])]  # fmt: skip


def pg_pairs_by_physical_order(election: Election) -> dict[str, str]:
    """The attack: within each group, the k-th used token by ctid cast the k-th ballot by ctid.

    Claiming a token writes a new row version at the end of the table, so before closing the used
    tokens lie in the order they were used, as the ballots do.
    """
    guesses = {}
    for group_id in {c.slip.group_id for c in election.casts}:
        tokens = _rows(f"SELECT code_hash FROM {_q(BallotToken)} WHERE group_id = %s AND status = %s ORDER BY ctid",
                       [group_id, TokenStatus.USED.value])  # fmt: skip
        ballots = _rows(f"SELECT receipt FROM {_q(Ballot)} WHERE group_id = %s ORDER BY ctid", [group_id])
        guesses.update({t: b for (t,), (b,) in zip(tokens, ballots, strict=True)})
    return guesses


def pg_dump_receipts() -> list[str] | None:
    """The receipts in the order `pg_dump --data-only` writes the ballot table; None without pg_dump."""
    exe = shutil.which("pg_dump")
    if exe is None:
        return None
    s = connection.settings_dict
    command = [exe, "--data-only", "-t", Ballot._meta.db_table, "-d", s["NAME"]]
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if s.get(key):
            command += [flag, str(s[key])]
    env = {**os.environ, **({"PGPASSWORD": s["PASSWORD"]} if s.get("PASSWORD") else {})}
    dump = subprocess.run(command, capture_output=True, text=True, check=True, env=env, timeout=60).stdout
    lines = iter(dump.splitlines())
    for line in lines:
        if line.startswith("COPY ") and Ballot._meta.db_table in line:
            columns = [c.strip().strip('"') for c in line[line.index("(") + 1 : line.index(")")].split(",")]
            position = columns.index("receipt")
            break
    else:
        raise AssertionError("no COPY of the ballot table in the dump")
    receipts = []
    for line in lines:
        if line == "\\.":
            break
        receipts.append(line.split("\t")[position])
    return receipts


# SQLite: the file, its pages and its WAL, read as bytes


def sqlite_path() -> str:
    return connection.settings_dict["NAME"]


def read_varint(buf: bytes, i: int) -> tuple[int, int]:
    value = 0
    for k in range(9):
        byte = buf[i + k]
        if k == 8:
            return (value << 8) | byte, i + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, i + k + 1
    raise AssertionError("unreachable")


def page_size_of(header: bytes) -> int:
    size = int.from_bytes(header[16:18], "big")
    return 65536 if size == 1 else size


def file_pages(data: bytes) -> dict[int, bytes]:
    """Page number (from 1) → page bytes of a database file."""
    if len(data) < 100:
        return {}
    size = page_size_of(data)
    return {i // size + 1: data[i : i + size] for i in range(0, len(data) - size + 1, size)}


def wal_transactions(wal: bytes) -> list[dict[int, bytes]]:
    """Each committed transaction in a WAL file: page number → the page image it wrote.

    A 32-byte header (page size at byte 8), then frames: a 24-byte header (page number, and the
    database size after commit, non-zero on a transaction's last frame) and the page. Salts and
    checksums are ignored on purpose: an attacker reads stale frames of older WAL generations too.
    """
    if len(wal) < 32:
        return []
    assert int.from_bytes(wal[0:4], "big") in (0x377F0682, 0x377F0683), "not a WAL file"
    size = int.from_bytes(wal[8:12], "big")
    transactions, pending, offset = [], {}, 32
    while offset + 24 + size <= len(wal):
        page_no = int.from_bytes(wal[offset : offset + 4], "big")
        commit = int.from_bytes(wal[offset + 4 : offset + 8], "big")
        pending[page_no] = wal[offset + 24 : offset + 24 + size]
        offset += 24 + size
        if commit:
            transactions.append(pending)
            pending = {}
    return transactions


def current_pages(path: str) -> dict[int, bytes]:
    """The database as a reader sees it, without touching it: the file with its WAL's commits applied."""
    with open(path, "rb") as f:
        pages = file_pages(f.read())
    if os.path.exists(path + "-wal"):
        with open(path + "-wal", "rb") as f:
            for transaction_pages in wal_transactions(f.read()):
                pages.update(transaction_pages)
    return pages


def _decode_record(payload: bytes) -> tuple:
    header_size, i = read_varint(payload, 0)
    types = []
    while i < header_size:
        t, i = read_varint(payload, i)
        types.append(t)
    values, j = [], header_size
    widths = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8, 7: 8, 8: 0, 9: 0}
    for t in types:
        n = widths[t] if t < 12 else (t - 12) // 2
        raw = payload[j : j + n]
        j += n
        if t >= 13 and t % 2:
            values.append(raw.decode("utf-8", "replace"))
        elif 1 <= t <= 6:
            values.append(int.from_bytes(raw, "big", signed=True))
        else:
            values.append(raw if t >= 12 else {8: 0, 9: 1}.get(t))
    return tuple(values)


def table_leaf_cells(page_no: int, page: bytes) -> list[tuple[bytes, int]]:
    """The cells of a table b-tree leaf page: (the cell's bytes on this page, where its record starts).

    A cell is the record's length and rowid (varints) and the record; a row too long for the page
    keeps only its first part here, the rest on overflow pages.
    """
    start = 100 if page_no == 1 else 0
    if len(page) <= start or page[start] != 0x0D:
        return []
    usable = len(page)
    count = int.from_bytes(page[start + 3 : start + 5], "big")
    cells = []
    for k in range(count):
        pointer = int.from_bytes(page[start + 8 + 2 * k : start + 10 + 2 * k], "big")
        try:
            length, i = read_varint(page, pointer)
            _rowid, i = read_varint(page, i)
        except IndexError:
            continue  # a torn or foreign page: the attacker moves on
        if length > usable - 35:
            m = (usable - 12) * 32 // 255 - 23
            local = m + (length - m) % (usable - 4)
            length = local if local <= usable - 35 else m
        cells.append((page[pointer : i + length], i - pointer))
    return cells


def table_leaf_records(page_no: int, page: bytes) -> list[tuple]:
    """The rows stored in a table b-tree leaf page (overflowing rows cut to their local part)."""
    records = []
    for cell, at in table_leaf_cells(page_no, page):
        try:
            records.append(_decode_record(cell[at:]))
        except (IndexError, KeyError):
            continue
    return records


def ballot_row_cells(receipts: list[str]) -> dict[str, tuple[bytes, int]]:
    """receipt → (the bytes of its live row's cell in the ballot table, where the receipt is in them)."""
    pages = current_pages(sqlite_path())
    (root,) = _rows("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = %s",
                    [Ballot._meta.db_table])[0]  # fmt: skip
    cells = {}
    for leaf in table_leaves(pages, root):
        for cell, _ in table_leaf_cells(leaf, pages[leaf]):
            for receipt in receipts:
                if (at := cell.find(receipt.encode())) >= 0:
                    cells[receipt] = (cell, at)
    return cells


def table_leaves(pages: dict[int, bytes], root: int) -> list[int]:
    """The leaf pages of the table b-tree rooted at `root`, left to right."""
    page_no = root
    start = 100 if page_no == 1 else 0
    page = pages[page_no]
    if page[start] == 0x0D:
        return [page_no]
    assert page[start] == 0x05, f"page {page_no} is not a table b-tree page"
    cells = int.from_bytes(page[start + 3 : start + 5], "big")
    children = []
    for k in range(cells):
        pointer = int.from_bytes(page[start + 12 + 2 * k : start + 14 + 2 * k], "big")
        children.append(int.from_bytes(page[pointer : pointer + 4], "big"))
    children.append(int.from_bytes(page[start + 8 : start + 12], "big"))
    return [leaf for child in children for leaf in table_leaves(pages, child)]


def byte_orders(election: Election) -> list[list[str]]:
    """The receipts in the order their bytes lie in the ballot table's pages, read three ways.

    Only the table's own leaf pages are read, found from its root page: the unique index on the
    receipt holds every receipt too, but sorted, which would hide (or fake) any order; the first copy
    in those pages is the live row (stale copies are the byte count's business). A leaf page fills
    from its end towards its start, so within a page the newest row comes first, and pages taken from
    the free list have any number: the attacker reads the file front to back, and the leaves in tree
    order with each page's rows by ascending and by descending offset.
    """
    pages = current_pages(sqlite_path())
    (root,) = _rows("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = %s",
                    [Ballot._meta.db_table])[0]  # fmt: skip
    leaves = table_leaves(pages, root)
    found = []  # (leaf position, page number, offset, receipt)
    for receipt in election.receipts:
        needle = receipt.encode()
        first = next(
            ((k, n, pages[n].find(needle)) for k, n in enumerate(leaves) if needle in pages[n]), None
        )
        assert first is not None, f"receipt {receipt} not in the ballot table's pages"
        found.append((*first, receipt))
    return [
        [f[3] for f in sorted(found, key=lambda f: (f[1], f[2]))],
        [f[3] for f in sorted(found, key=lambda f: (f[0], f[2]))],
        [f[3] for f in sorted(found, key=lambda f: (f[0], -f[2]))],
    ]


def wal_replay_pairs(wal: bytes, base: bytes, election: Election) -> dict[str, str]:
    """The WAL replay attack: a committed transaction that turns exactly one token to 'used' and
    brings exactly one new receipt into the ballot table's pages pairs that token with that ballot.

    Rows are read from the table leaf pages each transaction wrote (a token row is the one holding a
    known code hash; the plain codes are on the slips, their hashes in the token table). What the
    database file `base` already holds counts as seen before the WAL.
    """
    hashes = {s.code_hash for s in election.voters} | {c.slip.code_hash for c in election.casts}
    receipts = set(election.receipts)

    def rows(pages: dict[int, bytes]) -> tuple[set[str], set[str]]:
        used, seen = set(), set()
        for page_no, page in pages.items():
            for record in table_leaf_records(page_no, page):
                texts = {v for v in record if isinstance(v, str)}
                if texts & hashes and TokenStatus.USED.value in texts:
                    used |= texts & hashes
                seen |= texts & receipts
        return used, seen

    used_before, seen_before = rows(file_pages(base))
    guesses = {}
    for pages in wal_transactions(wal):
        used, seen = rows(pages)
        new_tokens, new_receipts = used - used_before, seen - seen_before
        if len(new_tokens) == 1 and len(new_receipts) == 1:
            guesses[next(iter(new_tokens))] = next(iter(new_receipts))
        used_before |= used
        seen_before |= seen
    return guesses


def read_bytes(path: str) -> bytes:
    if not os.path.exists(path):
        return b""
    with open(path, "rb") as f:
        return f.read()


def live_copies(needles: list[str]) -> Counter:
    """How many times each needle is stored in live rows, counting each index holding the column.

    The table's row holds a value once, and every index on a column holding it once more (a receipt:
    the ballot row, the unique index on receipt, and the published record).
    """
    counts = Counter()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            name = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {name}")
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
            cursor.execute(f"PRAGMA index_list({name})")
            indexes = []
            for index in cursor.fetchall():
                cursor.execute(f"PRAGMA index_info({connection.ops.quote_name(index[1])})")
                indexes.append([c[2] for c in cursor.fetchall() if c[2]])
            for row in rows:
                values = dict(zip(columns, row, strict=True))
                stored = list(values.values()) + [values[c] for index in indexes for c in index]
                text = "\n".join(v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in stored)
                for needle in needles:
                    counts[needle] += text.count(needle)
    return counts


def stale_copies(data: bytes, receipts: list[str]) -> dict[str, tuple[int, int, int]]:
    """Receipts the file holds more often than live data does: receipt → (copies in the file, of them
    copies of its live row, live copies).

    Each receipt is in the file once as its live row, and as often as the other live places hold it
    (the unique index, the published record; fewer is fine: a copy may straddle two overflow pages).
    Copies identical to the live row's cell from its start (length and rowid) through the receipt are
    not stale deletions: VACUUM itself leaves them when a full root page's cells move down a level (the
    root's old content stays in its unused space unless secure_delete is on; the root's new cells may
    overwrite a copy's tail). They carry the rowids given after closing, so they tell no more than the
    table does; a copy deleted before closing carries its old rowid, the casting position, and counts.
    """
    live, cells = live_copies(receipts), ballot_row_cells(receipts)
    stale = {}
    for receipt in receipts:
        cell, at = cells[receipt]
        found = [m.start() for m in re.finditer(re.escape(receipt.encode()), data)]
        head = cell[: at + len(receipt)]
        as_row = sum(1 for y in found if data[y - at : y + len(receipt)] == head)
        if len(found) - as_row > live[receipt] - 1:
            stale[receipt] = (len(found), as_row, live[receipt])
    return stale


# Timestamps and logs


def times_within(start, end) -> list[tuple[str, str, object]]:
    """(table, column, value) for every date or datetime stored strictly between start and end."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                kind = connection.introspection.get_field_type(column.type_code, column)
                if kind not in ("DateTimeField", "DateField"):
                    continue
                cursor.execute(
                    f"SELECT {connection.ops.quote_name(column.name)} FROM {connection.ops.quote_name(table)}"
                )
                for (value,) in cursor.fetchall():
                    if value is None:
                        continue
                    if isinstance(value, str):  # SQLite without a declared-type converter
                        value = dt.datetime.fromisoformat(value)
                    if isinstance(value, dt.datetime):
                        if timezone.is_naive(value):
                            value = timezone.make_aware(value, dt.UTC)
                        inside = start < value < end
                    else:
                        inside = start.date() < value < end.date()
                    if inside:
                        found.append((table, column.name, value))
    return found


@contextmanager
def every_logger_at_debug(caplog):
    """caplog at DEBUG on the root and on every logger with a level of its own.

    caplog.at_level sets only the root: Django's configuration puts the "django" logger at INFO, whose
    DEBUG records (SQL among them) would be dropped before reaching the capture.
    """
    named = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    levels = {lg: lg.level for lg in named if isinstance(lg, logging.Logger) and lg.level != logging.NOTSET}
    try:
        for lg in levels:
            lg.setLevel(logging.DEBUG)
        with caplog.at_level(logging.DEBUG):
            yield
    finally:
        for lg, level in levels.items():
            lg.setLevel(level)


def log_leaks(records: list[logging.LogRecord], casts: list[Cast]) -> list[str]:
    """Log lines that name a receipt, a code or its hash, or a token (by table or word) with its serial or id."""
    leaks = []
    naming_a_token = re.compile(r"ballottoken|ballot_token|token|凭证|serial|序号", re.IGNORECASE)
    for record in records:
        text = record.getMessage() + "\n" + (record.exc_text or "")
        for c in casts:
            secrets_ = (c.receipt, c.receipt.replace("-", ""), c.slip.code, c.slip.code.replace("-", ""),
                        c.slip.code_hash)  # fmt: skip
            if any(s in text for s in secrets_):
                leaks.append(f"{record.name}: names receipt {c.receipt} or its code: {text[:200]}")
            if naming_a_token.search(text) and re.search(rf"\b({c.slip.serial}|{c.slip.token_id})\b", text):
                leaks.append(f"{record.name}: names token {c.slip.serial}: {text[:200]}")
    return leaks


# 1. xmin


@postgresql_only
def test_after_closing_the_xmin_join_pairs_no_token_with_its_ballot(election):
    cast_all(election)
    # Control: while voting runs, one statement claims the token and inserts the ballot, so the join
    # on xmin names exactly the right ballot for every token.
    score, chance = pg_xmin_expected_right(election)
    assert score >= 0.9 * len(election.casts), f"the control failed: xmin pairs only {score:.1f} of 40"

    close(election)
    # Every ballot and every token of the round rewritten by one transaction: the join pairs each
    # token with all ballots of its group, a guess among them is right only by chance.
    assert pg_distinct_xmins(election) == 1
    score, chance = pg_xmin_expected_right(election)
    assert score <= chance + 1e-9, f"xmin still pairs {score:.1f} tokens (chance {chance:.1f})"

    # Freezing rows (as autovacuum eventually does) must not bring back anything distinguishing.
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (FREEZE) {_q(Ballot)}, {_q(BallotToken)}")
    assert pg_distinct_xmins(election) == 1
    score, chance = pg_xmin_expected_right(election)
    assert score <= chance + 1e-9, f"after VACUUM (FREEZE) xmin pairs {score:.1f} (chance {chance:.1f})"


# 2. Physical order


def physical_order(election: Election) -> list[str]:
    if connection.vendor == "postgresql":
        return ballots_in("ctid", election)
    return ballots_in("rowid", election)


def test_after_closing_the_physical_order_of_ballots_does_not_follow_the_casting_order(election):
    cast_all(election)
    # Control: rows lie in the order they were written (ctid, rowid), which is the casting order.
    before = kendall_tau(physical_order(election), election.receipts)
    assert before > 0.9, f"the control failed: tau {before:.2f} before closing"
    if connection.vendor == "postgresql":
        assert right_guesses(pg_pairs_by_physical_order(election), election) >= 0.9 * len(election.casts)
        written = "xmin::text::bigint, cmin::text::bigint, ctid"
        assert kendall_tau(ballots_in(written, election), election.receipts) > 0.9

    close(election)
    after = kendall_tau(physical_order(election), election.receipts)
    assert abs(after) < TAU_CHANCE, f"physical order follows casting: tau {after:.2f}"
    if connection.vendor != "postgresql":
        return
    # The order of writing (transaction, then command within it) is no better.
    tau = kendall_tau(ballots_in(written, election), election.receipts)
    assert abs(tau) < TAU_CHANCE, f"xmin/cmin order follows casting: tau {tau:.2f}"
    right = right_guesses(pg_pairs_by_physical_order(election), election)
    assert right <= PAIRS_CHANCE, f"pairing by ctid rank is right {right} times of 40"
    # A backup is what leaves the server: pg_dump writes rows in physical order.
    dumped = pg_dump_receipts()
    if dumped is None:
        pytest.skip("pg_dump is not installed: the dump order is not checked")
    tau = kendall_tau(dumped, election.receipts)
    assert abs(tau) < TAU_CHANCE, f"pg_dump order follows casting: tau {tau:.2f}"


# 3. The SQLite file and its WAL


@sqlite_only
def test_after_closing_the_sqlite_file_and_wal_hold_no_trace_of_the_casting_order(election):
    path = sqlite_path()
    cast_all(election)
    # Controls: replaying the WAL pairs every token with its ballot, and the table's pages hold the
    # receipts in casting order.
    wal, base = read_bytes(path + "-wal"), read_bytes(path)
    right = right_guesses(wal_replay_pairs(wal, base, election), election)
    assert right >= 0.9 * len(election.casts), f"the control failed: WAL replay pairs only {right} of 40"
    taus = [kendall_tau(order, election.receipts) for order in byte_orders(election)]
    assert max(taus) > 0.9, f"the control failed: byte order tau {taus}"

    close(election)
    wal, base = read_bytes(path + "-wal"), read_bytes(path)
    assert len(wal) == 0, f"the WAL still holds {len(wal)} bytes after closing"
    right = right_guesses(wal_replay_pairs(wal, base, election), election)
    assert right == 0, f"WAL replay still pairs {right} tokens"

    # No stale copy of a ballot in free space or free pages (see stale_copies).
    stale = stale_copies(base, election.receipts)
    assert not stale, f"receipt: (copies in the file, of them copies of its live row, live copies): {stale}"
    assert all(base.count(r.encode()) >= 2 for r in election.receipts)  # the scan does see them

    taus = [kendall_tau(order, election.receipts) for order in byte_orders(election)]
    assert max(abs(t) for t in taus) < TAU_CHANCE, f"byte order follows casting: tau {taus}"


@sqlite_only
def test_the_byte_scan_finds_a_ballot_rewritten_without_a_vacuum(voting_tx):
    # Control for the scan above: rewriting a ballot (delete, insert again: what sealing does) without
    # VACUUM leaves the old row's bytes, with its old rowid, in the page's free space.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete = OFF")
    receipts = [submit(code, good_ratings()).receipt for code in voting_tx.codes["leaders"][:3]]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in Ballot._meta.concrete_fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {_q(Ballot)} WHERE receipt = %s", [receipts[0]])
        row = cursor.fetchone()
        cursor.execute(f"DELETE FROM {_q(Ballot)} WHERE receipt = %s", [receipts[0]])
        cursor.execute(f"INSERT INTO {_q(Ballot)} ({columns}) VALUES ({', '.join(['%s'] * len(row))})", row)
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert set(stale_copies(read_bytes(sqlite_path()), receipts)) == {receipts[0]}


# 4. Timestamps


def test_after_closing_no_stored_date_or_time_falls_within_the_voting(election):
    cast_all(election)
    close(election)
    found = times_within(election.started, election.ended)
    assert found == [], f"times stored within the voting: {found}"
    # Control: the same sweep does find the times written by closing (publication, stage change).
    found = times_within(election.ended, timezone.now())
    assert {table for table, _, _ in found} >= {Publication._meta.db_table, StageChange._meta.db_table}


# 5. Logs


def test_nothing_logged_while_voting_and_closing_names_a_receipt_a_code_or_a_token(election, caplog):
    with every_logger_at_debug(caplog):
        cast_all(election)
        close(election)
    assert log_leaks(caplog.records, election.casts) == []


def test_the_log_sweep_finds_ballots_and_tokens_when_sql_is_logged(voting_tx, caplog):
    # Control for the sweep above: with SQL logged (a deployment left with DEBUG on), every
    # submission's statements name both its token and its receipt.
    code = voting_tx.codes["public"][0]
    token = BallotToken.objects.get(code_hash=codes.code_hash(code))
    connection.force_debug_cursor = True
    try:
        with every_logger_at_debug(caplog):
            receipt = submit(code, good_ratings()).receipt
    finally:
        connection.force_debug_cursor = False
    slip = Slip("public", token.group_id, token.pk, token.serial, code, token.code_hash)
    leaks = log_leaks(caplog.records, [Cast(slip, receipt)])
    assert any(receipt in leak for leak in leaks) and any("names token" in leak for leak in leaks)
