"""Thin storage for the duplicate check: documents, their fingerprints, and stored results.

The fingerprint index lives in the database (not in a process's memory), so every worker sees
the same index and a document indexed by one is found by the next check in another.
"""

from django.conf import settings
from django.db import connection, models
from django.db.models import Count, Max

from . import bulk, engine

# SQLite allows 32,766 parameters per statement since 3.32, PostgreSQL 65,535; stay well below.
CHUNK = 900


def chunks(items, size: int = CHUNK):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


class DocumentQuerySet(models.QuerySet):
    def corpus(self):
        return self.filter(kind__in=Document.CORPUS_KINDS)

    def indexed(self):
        return self.filter(indexed=True)

    def windows(self, spans: dict) -> list[tuple]:
        """(id, title, author, kind, start, part of norm, length of norm) for id → (lo, hi) spans."""
        table = connection.ops.quote_name(Document._meta.db_table)
        rows = []
        for chunk in chunks(list(spans.items()), 300):
            ids, starts, lengths = (
                [pk for pk, _ in chunk],
                [lo for _, (lo, _) in chunk],
                [hi - lo for _, (lo, hi) in chunk],
            )
            if connection.vendor == "postgresql":
                spans_sql = "SELECT * FROM unnest(%s::bigint[], %s::integer[], %s::integer[])"
                params = [_int_array(ids), _int_array(starts), _int_array(lengths)]
            else:
                spans_sql = "VALUES " + ", ".join(["(CAST(%s AS BIGINT), %s, %s)"] * len(chunk))
                params = [v for row in zip(ids, starts, lengths, strict=True) for v in row]
            sql = (
                f"WITH w(id, lo, n) AS ({spans_sql}) "
                f"SELECT d.id, d.title, d.author, d.kind, w.lo, SUBSTR(d.norm, w.lo + 1, w.n), LENGTH(d.norm) "
                f"FROM w JOIN {table} d ON d.id = w.id"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                rows += cursor.fetchall()
        return rows

    def corpus_version(self) -> int:
        """Grows whenever the corpus grows: results computed against a lower one are stale."""
        return self.corpus().indexed().aggregate(v=Max("id"))["v"] or 0


class Document(models.Model):
    class Kind(models.TextChoices):
        TEMPLATE = "corpus_template", "范文"
        POLICY = "corpus_policy", "政策文件"
        # The report template the organizers hand out: matching it is following it, not copying
        # (engine.TEMPLATE, counted in no ratio).
        FORM = "corpus_form", "述职报告模板"
        REPORT = "report", "述职报告"
        ADHOC = "adhoc", "临时检测"

    CORPUS_KINDS = (Kind.TEMPLATE, Kind.POLICY, Kind.FORM)

    title = models.CharField("标题", max_length=200)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, db_index=True)
    # Who wrote it, for "common phrase" (shared by several different authors): the unit for a
    # report, the site or file for a corpus text.
    author = models.CharField("作者或来源", max_length=200, blank=True)
    text = models.TextField("正文")
    # The normalised text the fingerprint positions refer to (boilerplate removed), kept so that
    # aligning against a candidate needs no normalising at check time.
    norm = models.TextField("规范化正文", blank=True)
    norm_hash = models.CharField("规范化文本摘要", max_length=64, db_index=True)
    # Original [start, end) ranges left out of `norm` (white space, invisible characters, page
    # boilerplate): they map a position in `norm` back to the text without normalising it again.
    skipped = models.JSONField("未比对的区间", default=list, blank=True)
    fingerprint_count = models.PositiveIntegerField("指纹数", default=0)
    indexed = models.BooleanField("已入库", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "查重文档"
        verbose_name_plural = "查重文档"
        ordering = ["-id"]
        indexes = [
            # Every check counts the indexed documents (engine.exact_digits): from this index, not
            # by reading rows that carry whole texts.
            models.Index(fields=["id"], condition=models.Q(indexed=True), name="dupcheck_doc_indexed"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_corpus(self) -> bool:
        return self.kind in self.CORPUS_KINDS


class FingerprintQuerySet(models.QuerySet):
    def add_rows(self, rows):
        """Insert (hash, document id, position, author key) rows into this model's table."""
        rows = list(rows)
        hashes, documents, positions, authors = zip(*rows, strict=True) if rows else [()] * 4
        bulk.insert_fingerprints(
            hashes, documents, positions, [False] * len(rows), authors, table=bulk.Table.of(self.model)
        )

    def counts(self, hashes, cap: int) -> dict[int, int]:
        """hash → its postings in this table, counted only up to cap + 1.

        Counting stops at the cap, so a set phrase held by every report costs no more than a rare
        one: one probe of the key (hash, document, position) reading at most cap + 1 entries per
        hash (a correlated subquery with LIMIT, which SQLite and PostgreSQL both run that way).
        """
        table = connection.ops.quote_name(self.model._meta.db_table)
        out = {}
        for chunk in chunks(hashes, 500):
            values, params = _hash_list(chunk)
            sql = (
                f"WITH q(h) AS ({values}) SELECT q.h, "
                f"(SELECT COUNT(*) FROM (SELECT 1 FROM {table} f WHERE f.hash = q.h LIMIT %s) a) FROM q"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [*params, cap + 1])
                out.update(cursor.fetchall())
        return out

    def postings(self, hashes, *, exclude=None) -> list[tuple[int, int, int, int]]:
        """(hash, document id, position, author key) of every posting of `hashes`, from the key alone
        (plain SQL: thousands of rows per check, where the ORM's per-row work would cost more than
        the query)."""
        table = connection.ops.quote_name(self.model._meta.db_table)
        rows = []
        for chunk in chunks(hashes):
            if connection.vendor == "postgresql":
                match, params = "f.hash = ANY(%s::bigint[])", [_int_array(chunk)]
            else:
                match, params = f"f.hash IN ({', '.join(['%s'] * len(chunk))})", list(chunk)
            sql = f"SELECT f.hash, f.document_id, f.position, f.author_key FROM {table} f WHERE {match}" + (
                " AND f.document_id <> %s" if exclude is not None else ""
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [*params, *([exclude] if exclude is not None else [])])
                rows += cursor.fetchall()
        return rows


def _hash_list(hashes) -> tuple[str, list]:
    """A one-column table of hashes: one array parameter on PostgreSQL, a VALUES list on SQLite."""
    if connection.vendor == "postgresql":
        return "SELECT unnest(%s::bigint[])", [_int_array(hashes)]
    return "VALUES " + ", ".join(["(CAST(%s AS BIGINT))"] * len(hashes)), list(hashes)


def _int_array(values) -> str:
    """A PostgreSQL array literal of integers, cast in the query: a check sends about a thousand
    hashes, and psycopg adapting a Python list one item at a time cost more than the server's probe."""
    return "{" + ",".join(map(str, values)) + "}"


class FingerprintRow(models.Model):
    """Keyed by (hash, document, position): the key is the index a check reads (on SQLite a WITHOUT
    ROWID table, the table itself; on PostgreSQL the key's index includes the author key). The
    tables are created by migration 0006, not from these models (see `bulk`); a later change of them
    must be written the same way, or SQLite's tables would become ordinary ones again.
    """

    pk = models.CompositePrimaryKey("hash", "document", "position")
    hash = models.BigIntegerField()
    # No foreign key in the database: it would be checked for every row written, and the key is
    # not by document. A document's rows are deleted through its fingerprints (bulk.delete_documents).
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    position = models.IntegerField()
    # Copied from the document (engine.author_key): how many different authors hold a hash is
    # then read from the key's index alone, without visiting the documents.
    author_key = models.IntegerField(default=0)

    objects = FingerprintQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.document_id}@{self.position}: {self.hash}"


class Fingerprint(FingerprintRow):
    """One winnowed k-gram hash of an indexed document, at its position in the normalised text."""


class CorpusFingerprint(FingerprintRow):
    """The fingerprints of the corpus documents (范文, 政策文件, 述职报告模板) again, in their own table.

    Which corpus texts hold a hash that thousands of reports hold too is then one probe of a small
    table, where a flag on every row of `Fingerprint` would need a second index over all of them.
    """


class CorpusLineQuerySet(models.QuerySet):
    def frequent(self, keys, exclude=None) -> set[int]:
        found = set()
        for chunk in chunks(keys):
            qs = self.filter(hash__in=chunk)
            if exclude is not None:
                qs = qs.exclude(document=exclude)
            found |= {
                row["hash"]
                for row in qs.values("hash").annotate(n=Count("document", distinct=True))
                if row["n"] >= engine.FREQUENT_LINE_DOCS
            }
        return found


class CorpusLine(models.Model):
    """A short line of a corpus document: lines many of them repeat are the site's boilerplate."""

    hash = models.BigIntegerField(db_index=True)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")

    objects = CorpusLineQuerySet.as_manager()

    def __str__(self):
        return f"{self.document_id}: {self.hash}"


# The corpus version is the highest corpus id, which a removal can lower: a result is marked for
# rechecking by a version below any, rather than by a version that might still look current.
RECHECK = -1


class CheckResultQuerySet(models.QuerySet):
    def stale(self, version: int | None = None):
        """Computed before the corpus last grew, or marked for rechecking when it shrank."""
        if version is None:
            version = Document.objects.corpus_version()
        return self.filter(corpus_version__lt=version)

    def mark_for_recheck(self) -> int:
        return self.update(corpus_version=RECHECK)

    def recent(self):
        return self.select_related("document").order_by("-checked_at", "-id")


class CheckResult(models.Model):
    """The latest check of one document (a recheck replaces it, so its address stays the same)."""

    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="result")
    metrics = models.JSONField("指标", default=dict)
    passages = models.JSONField("相似片段", default=list)
    corpus_version = models.BigIntegerField("比对时的范文库版本", default=0)
    checked_at = models.DateTimeField("检测时间", auto_now=True)

    objects = CheckResultQuerySet.as_manager()

    class Meta:
        verbose_name = "查重结果"
        verbose_name_plural = "查重结果"
        ordering = ["-checked_at", "-id"]

    def __str__(self):
        return f"{self.document.title} 查重结果"

    # Lists mark a result at or above this 去除引用复制比 (the headline figure: copied text only) for the
    # organizer's attention.
    FLAG_RATIO = 0.3

    def is_stale(self, version: int) -> bool:
        """As `CheckResultQuerySet.stale`, for a result in hand and the version read once per page."""
        return self.corpus_version < version

    @property
    def total_copy_ratio(self) -> float:
        return self.metrics.get("total_copy_ratio", 0.0)

    @property
    def excluding_quotes_ratio(self) -> float:
        return self.metrics.get("excluding_quotes_ratio", 0.0)

    @property
    def flagged(self) -> bool:
        return self.excluding_quotes_ratio >= self.FLAG_RATIO
