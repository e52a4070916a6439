"""The fingerprint table keyed by (hash, document, position): one B-tree instead of three.

Before, a row was (hash, document, position, corpus, author key) keyed by (document, position),
with a covering index on (hash, document, position, author key) and a partial one on the corpus
rows' hashes, and a foreign key to the document: on SQLite three B-trees and a rowid per row, on
PostgreSQL a heap and three indexes, and every row written checked against its document. Now the
key is the index every check reads: SQLite's table is WITHOUT ROWID (the table is that B-tree),
PostgreSQL's key index includes the author key; no foreign key; the corpus documents' rows are also
in `dupcheck_corpusfingerprint` instead of flagged on every row. The fingerprints themselves do not
change (no result needs rechecking): the new tables are filled from each indexed document's stored
normalised text (`bulk.rebuild`, keyed once after all rows are in).

The tables are written in SQL here, not by Django's schema editor, which cannot make a WITHOUT ROWID
table; a later change of them must be written the same way.
"""

from django.db import migrations, models

from pingyi.dupcheck import bulk

CORPUS_KINDS = ("corpus_template", "corpus_policy", "corpus_form")  # Document.CORPUS_KINDS when written
PAGE = 500

_OLD = {
    "sqlite": [
        'CREATE TABLE "dupcheck_fingerprint" ("hash" bigint NOT NULL, "position" integer unsigned NOT NULL '
        'CHECK ("position" >= 0), "corpus" bool NOT NULL, "author_key" integer NOT NULL, "document_id" bigint '
        'NOT NULL REFERENCES "dupcheck_document" ("id") DEFERRABLE INITIALLY DEFERRED, '
        'PRIMARY KEY ("document_id", "position"))',
    ],
    "postgresql": [
        'CREATE TABLE "dupcheck_fingerprint" ("hash" bigint NOT NULL, "position" integer NOT NULL CHECK '
        '("position" >= 0), "corpus" boolean NOT NULL, "author_key" integer NOT NULL, "document_id" bigint '
        'NOT NULL, PRIMARY KEY ("document_id", "position"))',
        'ALTER TABLE "dupcheck_fingerprint" ADD CONSTRAINT "dupcheck_fingerprint_document_id_01eecd8d_fk_dupcheck_" '
        'FOREIGN KEY ("document_id") REFERENCES "dupcheck_document" ("id") DEFERRABLE INITIALLY DEFERRED',
    ],
}
_OLD_INDEXES = [
    'CREATE INDEX "dupcheck_fp_hash" ON "dupcheck_fingerprint" ("hash", "document_id", "position", "author_key")',
    'CREATE INDEX "dupcheck_fp_corpus_hash" ON "dupcheck_fingerprint" ("hash") WHERE "corpus"',
]


def _indexed_documents(Document):
    """(id, kind, author, norm) of every indexed document, a page at a time."""
    last = 0
    while True:
        page = list(
            Document.objects.filter(indexed=True, id__gt=last)
            .order_by("id")
            .values_list("id", "kind", "author", "norm")[:PAGE]
        )
        yield from page
        if len(page) < PAGE:
            return
        last = page[-1][0]


def relayout(apps, schema_editor):
    connection = schema_editor.connection
    vendor = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    with connection.cursor() as cursor:
        cursor.execute('DROP TABLE "dupcheck_fingerprint"')
        cursor.execute(bulk.create_sql(vendor, bulk.TABLE))
        cursor.execute(bulk.create_sql(vendor, bulk.CORPUS_TABLE))
    Document = apps.get_model("dupcheck", "Document")
    bulk.rebuild(_indexed_documents(Document), connection=connection, corpus_kinds=CORPUS_KINDS)


def back(apps, schema_editor):
    connection = schema_editor.connection
    vendor = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{bulk.TABLE}"')
        cursor.execute(f'DROP TABLE "{bulk.CORPUS_TABLE}"')
        cursor.execute(_OLD[vendor][0])
    Document = apps.get_model("dupcheck", "Document")
    engine = bulk.engine
    rows = bulk.Rows(
        bulk.Table(bulk.TABLE, ("hash", "document_id", "position", "corpus", "author_key")), None
    )
    for pk, kind, author, norm in _indexed_documents(Document):
        hashes, positions = engine.fingerprint_arrays(norm)
        rows.add(pk, hashes, positions, corpus=kind in CORPUS_KINDS, author_key=engine.author_key(author))
        if len(rows) >= 500_000:
            rows.write(connection)
    rows.write(connection)
    with connection.cursor() as cursor:
        # Keyed and constrained once the rows are in (PostgreSQL refuses an index while the rows'
        # deferred foreign key checks are pending).
        for sql in _OLD_INDEXES + _OLD[vendor][1:]:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("dupcheck", "0005_report_template_kind")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CorpusFingerprint",
                    fields=[
                        (
                            "pk",
                            models.CompositePrimaryKey(
                                "hash",
                                "document",
                                "position",
                                blank=True,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("hash", models.BigIntegerField()),
                        ("position", models.IntegerField()),
                        ("author_key", models.IntegerField(default=0)),
                    ],
                ),
                migrations.RemoveIndex(model_name="fingerprint", name="dupcheck_fp_hash"),
                migrations.RemoveIndex(model_name="fingerprint", name="dupcheck_fp_corpus_hash"),
                migrations.RemoveField(model_name="fingerprint", name="corpus"),
                migrations.AlterField(
                    model_name="fingerprint",
                    name="document",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="+",
                        to="dupcheck.document",
                    ),
                ),
                migrations.AlterField(
                    model_name="fingerprint",
                    name="pk",
                    field=models.CompositePrimaryKey(
                        "hash",
                        "document",
                        "position",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                migrations.AlterField(model_name="fingerprint", name="position", field=models.IntegerField()),
                migrations.AddField(
                    model_name="corpusfingerprint",
                    name="document",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="+",
                        to="dupcheck.document",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(relayout, back)],
        ),
    ]
