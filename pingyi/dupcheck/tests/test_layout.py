"""The fingerprint table keyed by hash (migration 0006), its bulk build, and the move to it."""

import contextlib
import io
import random

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from pingyi.audit.models import AuditEvent
from pingyi.dupcheck import actions, bulk, engine
from pingyi.dupcheck.models import CorpusFingerprint, Document, Fingerprint

from .test_engine import random_text

BEFORE, AFTER = "0005_report_template_kind", "0006_fingerprint_keyed_by_hash"


def _migrate(target: str):
    executor = MigrationExecutor(connection)
    executor.migrate([("dupcheck", target)])
    return executor.loader.project_state(("dupcheck", target)).apps


def _rows(model) -> list[tuple]:
    return sorted(model.objects.values_list("hash", "document", "position", "author_key"))


def _expected(docs) -> list[tuple]:
    return sorted(
        (h, doc.pk, pos, engine.author_key(doc.author))
        for doc in docs
        for h, pos in engine.fingerprints(doc.norm)
    )


def _assert_keyed_by_hash_only():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [bulk.TABLE])
            assert [row[0].split(" USING ")[1] for row in cursor.fetchall()] == [
                'btree (hash, document_id, "position") INCLUDE (author_key)'
            ]
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE tbl_name LIKE 'dupcheck_fingerprint%%'")
            [(name, sql)] = cursor.fetchall()
            assert name == bulk.TABLE and sql.endswith("WITHOUT ROWID")


@pytest.mark.django_db
def test_the_key_is_the_only_index_of_the_fingerprint_table():
    _assert_keyed_by_hash_only()


@pytest.mark.django_db
def test_a_bulk_build_writes_the_same_rows_and_finds_copies():
    rng = random.Random(31)
    texts = [random_text(rng, 600) for _ in range(6)]
    with actions.bulk_indexing():
        actions.do_index_texts([(f"报告{i}", t, f"单位{i}") for i, t in enumerate(texts[:4])], kind="report")
        actions.do_index_texts([("政策", texts[4], "市委")], kind="policy", refresh=False)
    docs = list(Document.objects.all())
    assert _rows(Fingerprint) == _expected(docs)
    assert _rows(CorpusFingerprint) == _expected([d for d in docs if d.is_corpus])
    result = actions.do_check_text(title="新报告", text=texts[5][:200] + texts[2][100:400] + texts[4][:100])
    assert result.metrics["excluding_quotes_ratio"] == 0.5 and result.metrics["total_copy_ratio"] == 0.6667


@pytest.mark.django_db
def test_a_failed_bulk_build_leaves_the_table_keyed_and_unchanged():
    rng = random.Random(32)
    kept = actions.do_index_document(title="旧报告", text=random_text(rng, 500), kind="report", author="甲")
    with pytest.raises(actions.CorpusRejected), actions.bulk_indexing():
        actions.do_index_texts([("新报告", random_text(rng, 500), "乙"), ("空", "   ", "丙")], kind="report")
    assert list(Document.objects.all()) == [kept]
    assert _rows(Fingerprint) == _expected([kept])
    _assert_keyed_by_hash_only()


@pytest.mark.django_db(transaction=True)
def test_the_migration_to_the_hash_key_reindexes_every_document_indexed_before():
    rng = random.Random(33)
    report_text, policy_text, older_text, own = (random_text(rng, 600) for _ in range(4))
    report = actions.do_index_document(
        title="青山镇述职报告", text=report_text, kind="report", author="青山镇"
    )
    policy = actions.do_index_document(title="政策文件", text=policy_text, kind="policy", author="市委")
    try:
        old = _migrate(BEFORE)
        # Indexed in the layout before (a corpus flag on each row), as a database of that time holds it.
        OldFingerprint = old.get_model("dupcheck", "Fingerprint")
        older = old.get_model("dupcheck", "Document").objects.create(
            title="柳营乡述职报告", kind="report", author="柳营乡", text=older_text,
            norm=engine.prepare(older_text).norm, norm_hash="-", indexed=True,
        )  # fmt: skip
        rows = bulk.Rows(bulk.Table.of(OldFingerprint), None)
        hashes, positions = engine.fingerprint_arrays(older.norm)
        rows.add(older.pk, hashes, positions, corpus=False, author_key=engine.author_key(older.author))
        with transaction.atomic():
            rows.write()
        flags = dict(OldFingerprint.objects.values_list("document", "corpus").distinct())
        assert flags == {report.pk: False, policy.pk: True, older.pk: False}
    finally:
        _migrate(AFTER)
    older = Document.objects.get(pk=older.pk)
    assert _rows(Fingerprint) == _expected([report, policy, older])
    assert _rows(CorpusFingerprint) == _expected([policy])
    # Still found: a report indexed before the move, and the policy text as policy.
    result = actions.do_check_text(title="新报告", text=own[:200] + older_text[:200] + policy_text[:200])
    by_document = {p["document"]: p["class"] for p in result.passages}
    assert by_document == {older.pk: "copied", policy.pk: "policy"}
    # Taken out of comparison through its fingerprints (the key is by hash, not by document).
    assert actions.do_unindex_documents([older.pk]) == 1
    assert _rows(Fingerprint) == _expected([report, policy])
    assert actions.do_check_text(title="再查", text=older_text[:200]).metrics["total_copy_ratio"] == 0.0


@pytest.mark.django_db
def test_the_reindex_command_rebuilds_a_damaged_index():
    rng = random.Random(34)
    source_text, policy_text, own = (random_text(rng, 600) for _ in range(3))
    source = actions.do_index_document(
        title="青山镇述职报告", text=source_text, kind="report", author="青山镇"
    )
    policy = actions.do_index_document(title="政策文件", text=policy_text, kind="policy", author="市委")
    Fingerprint.objects.filter(document=source).delete()
    CorpusFingerprint.objects.all().delete()
    Fingerprint.objects.add_rows([(1, policy.pk, 0, 0)])
    assert actions.do_check_text(title="新报告", text=own[:100] + source_text[:200]).passages == []

    out = io.StringIO()
    call_command("dupcheck_reindex", stdout=out)
    assert _rows(Fingerprint) == _expected([source, policy])
    assert _rows(CorpusFingerprint) == _expected([policy])
    assert f"2 篇，指纹 {len(_expected([source, policy]))} 条" in out.getvalue()
    _assert_keyed_by_hash_only()
    result = actions.do_check_text(title="新报告", text=own[:100] + source_text[:200] + policy_text[:100])
    assert {p["document"]: p["class"] for p in result.passages} == {source.pk: "copied", policy.pk: "policy"}
    assert AuditEvent.objects.filter(action="dupcheck_rebuild").count() == 1


@pytest.mark.django_db
def test_reports_prepared_by_worker_processes_are_stored_as_prepared_in_process():
    rng = random.Random(35)
    site_line = "本站推荐：更多精彩范文请访问某某范文网"
    corpus = [
        (f"范文{i}", f"{random_text(rng, 300)}\n{site_line}\n{random_text(rng, 200)}", "某某范文网")
        for i in range(5)
    ]
    actions.do_index_texts(corpus, kind="template", refresh=False)
    reports = [
        (f"报告{i}", f"{random_text(rng, 400)}\n{site_line}\n{random_text(rng, 300)}", f"单位{i}")
        for i in range(6)
    ]
    reports.append(("繁体报告", "經濟發展取得新成效。" + random_text(rng, 300), "单位9"))
    stored = {}
    for processes in (2, 0):
        with actions.bulk_indexing(processes=processes):
            added = actions.do_index_texts(reports, kind="report", refresh=False).added
        stored[processes] = [
            (d.title, d.norm, d.skipped, d.norm_hash, d.fingerprint_count)
            for d in Document.objects.filter(pk__in=[d.pk for d in added]).order_by("id")
        ]
    assert stored[2] == stored[0]
    # The site's line, frequent in the corpus, is left out of the reports' text as page furniture.
    line = engine.normalise(site_line)
    assert all(line not in norm for _, norm, _, _, _ in stored[2][:6])
    assert line in engine.prepare(reports[0][1]).norm  # as it would be, without the corpus
    assert _rows(Fingerprint) == _expected(Document.objects.all())


@pytest.mark.django_db
@pytest.mark.parametrize("run_rows", [bulk._Load.RUN_ROWS, 500])
def test_a_batch_rolled_back_inside_a_bulk_build_leaves_no_rows_behind(monkeypatch, run_rows):
    # With small runs, rows are written between batches too, never inside a batch's savepoint.
    monkeypatch.setattr(bulk._Load, "RUN_ROWS", run_rows)
    rng = random.Random(36)
    with actions.bulk_indexing():
        kept = actions.do_index_texts(
            [(f"报告{i}", random_text(rng, 2000), f"单位{i}") for i in range(3)], kind="report"
        )
        with contextlib.suppress(RuntimeError), transaction.atomic():
            actions.do_index_texts([("作废", random_text(rng, 2000), "某单位")], kind="report")
            raise RuntimeError("这一批撤销")
        later = actions.do_index_texts([("后来", random_text(rng, 2000), "另一单位")], kind="report")
    docs = kept.added + later.added
    assert sorted(Document.objects.values_list("pk", flat=True)) == sorted(d.pk for d in docs)
    assert _rows(Fingerprint) == _expected(docs)
