"""Indexing, checking and refreshing through the database, as review rounds will use them."""

import importlib
import random

import pytest
from django.apps import apps

from pingyi.audit.models import AuditEvent
from pingyi.dupcheck import actions, bulk, engine
from pingyi.dupcheck.models import CheckResult, CorpusFingerprint, CorpusLine, Document, Fingerprint

from .test_engine import random_text

pytestmark = pytest.mark.django_db


def texts(seed: int, n: int, length: int = 400) -> list[str]:
    rng = random.Random(seed)
    return [random_text(rng, length) for _ in range(n)]


def index_report(text: str, author: str = "青山镇", title: str = "述职报告") -> Document:
    return actions.do_index_document(title=title, text=text, kind="report", author=author)


def test_a_report_copied_from_an_earlier_report_is_found_and_the_result_stored():
    a, b = texts(1, 2)
    first = index_report(a, "青山镇", "青山镇述职报告")
    second = index_report(b[:200] + a[100:300], "柳营乡", "柳营乡述职报告")
    result = actions.do_check_document(second)
    assert result.metrics["total_copy_ratio"] == 0.5
    assert result.metrics["max_single_source"] == {
        "source": "青山镇述职报告",
        "document": first.pk,
        "ratio": 0.5,
    }
    [p] = result.passages
    assert (p["start"], p["end"], p["source_start"], p["source_end"], p["document"]) == (
        200,
        400,
        100,
        300,
        first.pk,
    )
    # A document never matches itself; a recheck replaces the result, it does not add one.
    again = actions.do_check_document(second)
    assert again.pk == result.pk and CheckResult.objects.count() == 1
    assert actions.do_check_document(first).metrics["total_copy_ratio"] == 0.5
    assert AuditEvent.objects.filter(action="dupcheck_check").count() == 3
    assert AuditEvent.objects.filter(action="dupcheck_index").count() == 2


def test_fingerprints_live_in_the_database_with_their_positions():
    (a,) = texts(2, 1)
    doc = index_report(a)
    stored = list(
        Fingerprint.objects.filter(document=doc).order_by("position").values_list("hash", "position")
    )
    assert stored == engine.fingerprints(engine.normalise(a))
    assert doc.fingerprint_count == len({h for h, _ in stored})


def test_texts_indexed_together_are_written_row_for_row_in_bulk():
    # More rows than one SQLite statement binds (a few statements, the last one shorter), two kinds.
    reports = texts(4, 3, length=12_000)
    (policy,) = texts(5, 1, length=3_000)
    summary = actions.do_index_texts(
        [(f"报告{i}", text, f"单位{i}") for i, text in enumerate(reports)], kind="report"
    )
    summary.added.append(actions.do_index_document(title="政策", text=policy, kind="policy", author="市委"))
    expected = sorted(
        (h, doc.pk, pos, engine.author_key(doc.author))
        for doc in summary.added
        for h, pos in engine.fingerprints(engine.normalise(doc.text))
    )
    assert len(expected) > 7_000
    stored = Fingerprint.objects.values_list("hash", "document", "position", "author_key")
    assert sorted(stored) == expected
    # The corpus text's rows again in the corpus table, the reports' not.
    corpus = CorpusFingerprint.objects.values_list("hash", "document", "position", "author_key")
    assert sorted(corpus) == [row for row in expected if row[1] == summary.added[-1].pk]
    assert (Fingerprint._meta.db_table, CorpusFingerprint._meta.db_table) == (bulk.TABLE, bulk.CORPUS_TABLE)


def test_ad_hoc_checks_are_kept_for_viewing_but_never_matched_later():
    (a,) = texts(3, 1)
    first = actions.do_check_text(title="临时", text=a)
    assert first.document.kind == "adhoc" and not first.document.indexed
    assert not Fingerprint.objects.exists()
    second = actions.do_check_text(title="再查一次", text=a)
    assert second.metrics["total_copy_ratio"] == 0.0
    assert AuditEvent.objects.filter(action="dupcheck_adhoc").count() == 2


def test_results_are_refreshed_when_the_corpus_grows():
    template, other = texts(4, 2, 600)
    report = index_report(template[:300] + other[:300])
    result = actions.do_check_document(report)
    assert result.metrics["total_copy_ratio"] == 0.0
    assert actions.do_refresh_stale_results() == 0

    summary = actions.do_index_texts([("某范文", template, "某范文网")], kind="template")
    assert summary.refreshed == 1
    result.refresh_from_db()
    assert result.metrics["total_copy_ratio"] == 0.5
    assert result.corpus_version == Document.objects.corpus_version() == summary.added[0].pk
    assert actions.do_refresh_stale_results() == 0
    assert AuditEvent.objects.filter(action="dupcheck_refresh").count() == 1


def test_a_time_limited_refresh_rechecks_the_newest_first_and_leaves_the_rest_stale():
    template, *others = texts(14, 4, 600)
    reports = [index_report(template[:300] + o[:300], author=f"乡镇{i}") for i, o in enumerate(others)]
    results = [actions.do_check_document(r) for r in reports]
    # A time limit already used up still rechecks one, so calling again always gets through.
    summary = actions.do_index_texts([("某范文", template, "某范文网")], kind="template", refresh_seconds=0)
    assert (summary.refreshed, summary.stale) == (1, 2)
    assert "另有 2 份查重结果待重新检测" in summary.sentence()
    assert list(CheckResult.objects.stale().order_by("pk")) == results[:2]
    assert actions.do_refresh_stale_results(seconds=0) == 1
    assert list(CheckResult.objects.stale()) == results[:1]
    assert actions.do_refresh_stale_results() == 1
    for result in results:
        result.refresh_from_db()
        assert {p["source"] for p in result.passages} == {"某范文"}


def test_a_stale_result_is_rechecked_when_it_is_read():
    template, other, unrelated = texts(15, 3, 600)
    result = actions.do_check_document(index_report(template[:300] + other[:300]))
    untouched = actions.do_check_document(index_report(unrelated, author="柳营乡"))
    actions.do_index_texts([("某范文", template, "某范文网")], kind="template", refresh=False)
    fresh = actions.do_refresh_if_stale(result)
    assert fresh.metrics["total_copy_ratio"] == 0.5 and not fresh.document.is_corpus
    # Only the result read was rechecked; reading it again rechecks nothing.
    assert list(CheckResult.objects.stale()) == [untouched]
    assert actions.do_refresh_if_stale(fresh).checked_at == fresh.checked_at


def test_a_template_removed_from_the_corpus_is_no_longer_a_source():
    template, other = texts(16, 2, 600)
    corpus = actions.do_index_texts([("某范文", template, "某范文网")], kind="template").added[0]
    result = actions.do_check_document(index_report(template[:300] + other[:300]))
    assert result.metrics["total_copy_ratio"] == 0.5
    assert actions.do_remove_from_corpus(corpus) == 1
    assert list(CheckResult.objects.stale()) == [result]
    assert actions.do_refresh_stale_results() == 1
    result.refresh_from_db()
    assert result.metrics["total_copy_ratio"] == 0.0 and result.passages == []
    assert not Fingerprint.objects.filter(document=corpus).exists()
    assert not CorpusFingerprint.objects.filter(document=corpus).exists()
    assert AuditEvent.objects.filter(action="dupcheck_unindex", target=f"document:{corpus.pk}").exists()
    with pytest.raises(actions.DupcheckError, match="已不在范文库中"):
        actions.do_remove_from_corpus(corpus)
    # Imported again, it is a new corpus text, not a duplicate of the removed one.
    again = actions.do_index_texts([("某范文", template, "某范文网")], kind="template")
    assert len(again.added) == 1 and again.refreshed == 1


def test_only_corpus_texts_can_be_removed_from_the_corpus():
    report = index_report(texts(17, 1)[0])
    with pytest.raises(actions.DupcheckError, match="只能移出范文库中的范文或政策文件"):
        actions.do_remove_from_corpus(report)
    assert Document.objects.get(pk=report.pk).indexed


def test_identical_and_near_identical_corpus_texts_are_collapsed():
    (a,) = texts(5, 1, 2000)
    first = actions.do_index_texts([("原文", a, "网站甲")], kind="template")
    assert len(first.added) == 1
    # The same text again, reformatted; and a copy with a few words changed.
    spaced = " ".join(a[i : i + 50] for i in range(0, len(a), 50))
    edited = a[:1000] + "修改" + a[1002:]
    second = actions.do_index_texts([("重排", spaced, "网站乙"), ("改动", edited, "网站丙")], kind="template")
    assert second.added == []
    assert [(title, doc.title) for title, doc in second.collapsed] == [("重排", "原文"), ("改动", "原文")]
    assert Document.objects.count() == 1
    # A text that shares only part of the original is kept.
    (b,) = texts(6, 1, 2000)
    third = actions.do_index_texts([("部分", a[:800] + b, "网站丁")], kind="template")
    assert len(third.added) == 1
    # Reports are never collapsed: two identical reports are what the check is for.
    index_report(a)
    index_report(a)
    assert Document.objects.filter(kind="report").count() == 2


def test_a_corpus_import_is_all_or_nothing():
    (a,) = texts(7, 1)
    files = [("好.txt", a.encode("utf-8")), ("坏.docx", "不是 Word".encode()), ("空.txt", b"")]
    with pytest.raises(actions.CorpusRejected) as caught:
        actions.do_import_corpus(files, kind="template")
    assert [name for name, _ in caught.value.problems] == ["坏.docx", "空.txt"]
    assert not Document.objects.exists() and not Fingerprint.objects.exists()
    assert not AuditEvent.objects.filter(action="dupcheck_import").exists()

    summary = actions.do_import_corpus([("好.txt", a.encode("utf-8"))], kind="policy", author="市委办")
    [doc] = summary.added
    assert (doc.title, doc.kind, doc.author) == ("好", "corpus_policy", "市委办")
    assert AuditEvent.objects.get(action="dupcheck_import").summary == "已入库 1 篇，合并重复 0 篇"


def test_text_copied_from_a_policy_document_is_policy_not_copying():
    (a,) = texts(8, 1)
    actions.do_index_texts([("条例", a, "市委")], kind="policy")
    result = actions.do_check_text(title="报告", text=a[:200])
    assert {p["class"] for p in result.passages} == {"policy"}
    assert result.metrics["total_copy_ratio"] == 1.0 and result.metrics["excluding_quotes_ratio"] == 0.0


def test_a_phrase_in_many_units_reports_is_common():
    rng = random.Random(9)
    phrase = "坚持以人民为中心的发展思想"
    for i in range(engine.COMMON_AUTHORS + 1):
        index_report(random_text(rng, 100) + phrase + random_text(rng, 100), author=f"单位{i}")
    checked = index_report(random_text(rng, 100) + phrase + random_text(rng, 100), author="单位X")
    result = actions.do_check_document(checked)
    assert [p["class"] for p in result.passages] == ["common"]
    assert result.metrics["total_copy_ratio"] == 0.0


def test_a_template_copied_by_many_is_still_found_and_copied():
    # More reports hold the passage than the retrieval fetches postings for: the corpus text is
    # still found, and a long identical run is copying however many have copied it.
    (template,) = texts(10, 1, 800)
    actions.do_index_texts([("范文", template, "范文网")], kind="template")
    rng = random.Random(11)
    actions.do_index_texts(
        [
            (f"报告{i}", random_text(rng, 50) + template[:300], f"单位{i}")
            for i in range(engine.POSTINGS_CAP + 5)
        ],
        kind="report",
    )
    result = actions.do_check_text(title="新报告", text=template[:300] + random_text(rng, 300))
    assert result.metrics["total_copy_ratio"] == 0.5
    assert result.metrics["max_single_source"]["source"] in {"范文"} | {f"报告{i}" for i in range(60)}
    assert {p["class"] for p in result.passages} == {"copied"}


def test_a_sites_repeated_lines_are_learnt_from_the_corpus():
    line = "本站文稿仅供学习参考，转载请注明出处"
    items = [(f"文稿{i}", text + "\n" + line, "某范文网") for i, text in enumerate(texts(12, 6, 300))]
    actions.do_index_texts(items, kind="template")
    assert CorpusLine.objects.frequent([engine.line_keys(line)[0]]) == {engine.line_keys(line)[0]}
    result = actions.do_check_text(title="报告", text="我镇报告正文，与范文无关，字数不多。\n" + line)
    assert result.metrics["boilerplate_chars"] == len(line)


def test_bad_input_is_refused_and_nothing_is_written():
    with pytest.raises(actions.DupcheckError):
        actions.do_check_text(title="空", text=" \n\u200b ")
    with pytest.raises(actions.DupcheckError):
        actions.do_index_document(title="空", text="", kind="report", author="")
    with pytest.raises(actions.DupcheckError):
        actions.do_index_document(title="x", text="正文", kind="unknown", author="")
    assert not Document.objects.exists() and not CheckResult.objects.exists()


def test_a_long_copy_beyond_its_rare_fingerprints_is_found_whole(monkeypatch):
    # Only the start of the copy shares rare fingerprints (the rest is held by many documents):
    # the candidate is first loaded around those, and the run, reaching the edge, in full.
    monkeypatch.setattr(engine, "POSTINGS_CAP", 2)
    rng = random.Random(13)
    x, y = random_text(rng, 100), random_text(rng, 400)
    source = index_report(x + y, "甲", "来源")
    for i in range(3):
        index_report(random_text(rng, 50) + y, f"乙{i}")
    result = actions.do_check_text(title="新报告", text=random_text(rng, 30) + x + y)
    spans = [(p["start"], p["end"], p["document"]) for p in result.passages if p["document"] == source.pk]
    assert spans == [(30, 530, source.pk)]


def test_the_refingerprint_migration_makes_an_older_index_findable_again():
    a, b = texts(21, 2)
    source = index_report(a, "青山镇", "青山镇述职报告")
    policy = actions.do_index_document(title="政策文件", text=b, kind="policy", author="市委")
    expected = sorted(Fingerprint.objects.values_list("hash", "document", "position", "author_key"))
    # An index written by an earlier fingerprint scheme: nothing of it meets a new text's fingerprints.
    Fingerprint.objects.all().delete()
    Fingerprint.objects.add_rows([(h + 1, source.pk, pos, 0) for h, pos in engine.fingerprints(source.norm)])
    assert actions.do_check_text(title="新报告", text=a[:120]).metrics["total_copy_ratio"] == 0

    migration = importlib.import_module("pingyi.dupcheck.migrations.0003_refingerprint")
    migration.refingerprint(apps, None)
    assert sorted(Fingerprint.objects.values_list("hash", "document", "position", "author_key")) == expected
    assert Document.objects.get(pk=policy.pk).fingerprint_count == len({h for h, _ in engine.fingerprints(b)})
    assert actions.do_check_text(title="新报告", text=a[:120]).metrics["total_copy_ratio"] == 1.0
