"""Every change to the duplicate-check store goes through a do_* function here.

The API other apps call (reviews, for duty reports):

    do_index_document(title=…, text=…, kind="report", author=unit, user=…) -> Document
    do_check_document(document) -> CheckResult
    do_unindex_documents(ids) -> int
    do_remove_from_corpus(document) -> int
    do_refresh_stale_results(seconds=None, only=None) -> int
    do_refresh_if_stale(result) -> CheckResult
    do_results_for(document_ids, refresh=…) -> {document id: CheckResult}

and, around many do_index_texts calls of one import (thousands of reports), `bulk_indexing()`.
"""

import hashlib
import multiprocessing
import os
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from pingyi.audit.actions import record
from pingyi.audit.models import register_actions

from . import bulk, engine
from .extract import ExtractError, extract_text
from .models import CheckResult, CorpusFingerprint, CorpusLine, Document, chunks
from .store import DatabaseStore

INDEX = "dupcheck_index"
IMPORT = "dupcheck_import"
CHECK = "dupcheck_check"
ADHOC = "dupcheck_adhoc"
REFRESH = "dupcheck_refresh"
UNINDEX = "dupcheck_unindex"
REBUILD = "dupcheck_rebuild"
register_actions(
    {
        REBUILD: "重建查重指纹索引",
        UNINDEX: "查重文档移出比对库",
        INDEX: "查重文档入库",
        IMPORT: "导入范文库",
        CHECK: "查重检测",
        ADHOC: "临时查重",
        REFRESH: "刷新查重结果",
    }
)

# Two corpus texts sharing this share of their fingerprints (both ways) are one text twice.
NEAR_DUPLICATE = 0.9

# A corpus upload in the browser rechecks stale results for this long and leaves the rest for later
# (opened, or 继续重新检测 on the 查重 page): at ~0.1 s a check, a city's thousand stored reports
# would otherwise outlast the server's request timeout.
WEB_REFRESH_SECONDS = 10.0

KINDS = {
    "template": Document.Kind.TEMPLATE,
    "policy": Document.Kind.POLICY,
    "form": Document.Kind.FORM,
    Document.Kind.FORM: Document.Kind.FORM,
    Document.Kind.TEMPLATE: Document.Kind.TEMPLATE,
    Document.Kind.POLICY: Document.Kind.POLICY,
    Document.Kind.REPORT: Document.Kind.REPORT,
}


class DupcheckError(ValueError):
    """Input the check cannot use; str(e) is a Chinese sentence for the user."""


class CorpusRejected(DupcheckError):
    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(f"有 {len(problems)} 个文件无法读取，未导入任何文件")
        self.problems = problems


@dataclass
class ImportSummary:
    added: list[Document] = field(default_factory=list)
    # (title of the text not stored, the stored document it duplicates)
    collapsed: list[tuple[str, Document]] = field(default_factory=list)
    refreshed: int = 0
    stale: int = 0  # results still computed against the corpus before this import

    def sentence(self) -> str:
        text = f"已入库 {len(self.added)} 篇，合并重复 {len(self.collapsed)} 篇"
        if self.refreshed:
            text += f"，已重新检测 {self.refreshed} 份查重结果"
        if self.stale:
            text += f"；另有 {self.stale} 份查重结果待重新检测（打开时自动更新，也可在查重首页继续）"
        return text


def _kind(kind: str) -> str:
    try:
        return KINDS[kind]
    except KeyError:
        raise DupcheckError(f"未知的文档类别：{kind}") from None


def _digest(norm: str) -> str:
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def _near_duplicate(norm_hash: str, hashes: set[int]) -> Document | None:
    same = Document.objects.corpus().indexed().filter(norm_hash=norm_hash).order_by("id").first()
    if same is not None or not hashes:
        return same
    counts = CorpusFingerprint.objects.counts(sorted(hashes), engine.POSTINGS_CAP)
    present = [h for h in hashes if counts.get(h, 0) > 0]
    if len(present) < NEAR_DUPLICATE * len(hashes):
        return None
    fetch = [h for h in present if counts[h] <= engine.POSTINGS_CAP]
    # A hash in more corpus texts than the cap is in every candidate, for this purpose.
    everywhere = len(present) - len(fetch)
    shared: Counter = Counter()
    for chunk in chunks(fetch):
        rows = (
            CorpusFingerprint.objects.filter(hash__in=chunk)
            .values("document")
            .annotate(n=Count("hash", distinct=True))
            .values_list("document", "n")
        )
        shared.update(dict(rows))
    best = shared.most_common(10)
    sizes = dict(Document.objects.filter(pk__in=[d for d, _ in best]).values_list("id", "fingerprint_count"))
    for doc_id, n in best:
        n += everywhere
        if n >= NEAR_DUPLICATE * len(hashes) and n >= NEAR_DUPLICATE * sizes.get(doc_id, 0):
            return Document.objects.get(pk=doc_id)
    return None


class _Writer:
    """Documents and their index rows, written together: one sorted pass over each index."""

    def __init__(self):
        # (document, fingerprint hashes, their positions, short-line keys)
        self.pending: list[tuple[Document, np.ndarray, np.ndarray, list[int]]] = []
        self._any_lines: bool | None = None

    def frequent(self, keys) -> set[int]:
        # Without a corpus there is nothing to look up: spare each report of a batch the query.
        if self._any_lines is None:
            self._any_lines = CorpusLine.objects.exists()
        return CorpusLine.objects.frequent(keys) if self._any_lines else set()

    def add(self, doc: Document, hashes: np.ndarray, positions: np.ndarray, keys: list[int]):
        self.pending.append((doc, hashes, positions, keys))
        if doc.is_corpus:
            self._any_lines = True

    def flush(self):
        if not self.pending:
            return
        docs = [doc for doc, _, _, _ in self.pending]
        Document.objects.bulk_create(docs, batch_size=500)
        rows = bulk.Rows()
        for doc, hashes, positions, _ in self.pending:
            rows.add(
                doc.pk, hashes, positions, corpus=doc.is_corpus, author_key=engine.author_key(doc.author)
            )
        rows.write()
        lines = [
            CorpusLine(hash=k, document=doc)
            for doc, _, _, keys in self.pending
            if doc.is_corpus
            for k in keys
        ]
        CorpusLine.objects.bulk_create(lines, batch_size=2000)
        self.pending = []


def _index(
    *, title: str, text: str, kind: str, author: str, user, writer: _Writer, ready: tuple | None = None
) -> tuple[Document, bool]:
    """Store and fingerprint one text; for corpus texts, (the existing copy, True) if it is one.

    `ready`: a report's (norm, skipped, hashes, positions, distinct count, digest), computed by a
    bulk build's worker (`_fingerprinted`)."""
    corpus = kind in Document.CORPUS_KINDS
    if corpus:
        # Duplicates and a site's repeated lines are looked up in what is already written.
        writer.flush()
    if ready is None:
        lines = engine.split_lines(text)
        keys = engine.line_keys(text, lines)
        prepared = engine.prepare(text, frequent_lines=writer.frequent(keys), lines=lines)
        if not prepared.norm:
            raise DupcheckError("没有可检测的文字。")
        hashes, positions = engine.fingerprint_arrays(prepared.norm)
        distinct = set(hashes.tolist())
        norm, skipped, count, norm_hash = (
            prepared.norm,
            prepared.skipped,
            len(distinct),
            _digest(prepared.norm),
        )
    else:
        keys, distinct = [], None
        norm, skipped, hashes, positions, count, norm_hash = ready
    if corpus:
        existing = _near_duplicate(norm_hash, distinct)
        if existing is not None:
            return existing, True
    doc = Document(
        title=(title or "未命名").strip()[:200], kind=kind, author=(author or "").strip()[:200], text=text,
        norm=norm, norm_hash=norm_hash, skipped=[list(r) for r in skipped],
        fingerprint_count=count, indexed=True, created_by=user,
    )  # fmt: skip
    writer.add(doc, hashes, positions, keys)  # saved, with its rows, at the writer's next flush
    return doc, False


def _fingerprinted(texts: list[str], frequent: frozenset) -> list[tuple | None]:
    """What `_index` computes of each report's text, in a worker process: (norm, skipped, hashes,
    positions, distinct count, digest), None for a text with nothing to check. `frequent`: the
    corpus's frequent short lines (the same answer as `_Writer.frequent` for the text's own)."""
    out = []
    for text in texts:
        prepared = engine.prepare(text, frequent_lines=frequent)
        if not prepared.norm:
            out.append(None)
            continue
        hashes, positions = engine.fingerprint_arrays(prepared.norm)
        count, norm_hash = len(set(hashes.tolist())), _digest(prepared.norm)
        out.append((prepared.norm, prepared.skipped, hashes, positions, count, norm_hash))
    return out


class _Workers:
    """Processes that normalise and fingerprint reports while this one writes (a bulk build only).

    Forked: they inherit the engine's tables and never touch the database connection."""

    TEXTS_PER_TASK = 25

    def __init__(self, processes: int):
        self.pool = multiprocessing.get_context("fork").Pool(processes)

    def fingerprinted(self, texts: list[str]):
        frequent = frozenset()
        if CorpusLine.objects.exists():
            frequent = frozenset(
                CorpusLine.objects.values("hash")
                .annotate(n=Count("document", distinct=True))
                .filter(n__gte=engine.FREQUENT_LINE_DOCS)
                .values_list("hash", flat=True)
            )
        step = self.TEXTS_PER_TASK
        tasks = [(texts[i : i + step], frequent) for i in range(0, len(texts), step)]
        for chunk in self.pool.imap(_fingerprinted_task, tasks):
            yield from chunk

    def close(self):
        self.pool.close()
        self.pool.join()


def _fingerprinted_task(task):
    return _fingerprinted(*task)


_workers: "_Workers | None" = None


def do_index_document(
    *,
    title: str,
    text: str,
    kind: str,
    author: str,
    user=None,
    request=None,
    refresh_seconds: float | None = None,
) -> Document:
    """Add one text to the index (kind "report" for a duty report; "template"/"policy" for the corpus).

    A corpus text that duplicates one already stored is not stored again: the stored one is returned.
    A new corpus text makes earlier results stale: rechecked, for at most `refresh_seconds` if given.
    """
    kind = _kind(kind)
    with transaction.atomic():
        writer = _Writer()
        doc, collapsed = _index(title=title, text=text, kind=kind, author=author, user=user, writer=writer)
        writer.flush()
        if collapsed:
            summary = f"《{title}》与已入库的《{doc.title}》重复，未重复入库"
        else:
            summary = f"{doc.get_kind_display()}《{doc.title}》入库，指纹 {doc.fingerprint_count} 个"
        record(INDEX, request=request, user=user, target=f"document:{doc.pk}", summary=summary)
    if doc.is_corpus and not collapsed:
        do_refresh_stale_results(user=user, request=request, seconds=refresh_seconds)
    return doc


@contextmanager
def bulk_indexing(processes: int | None = None):
    """Index many texts in one transaction, keying the fingerprint table once at the end
    (`bulk.deferred_index`): for an import of thousands of reports at once, not for one document.
    Checks wait until it is done (the table is locked on PostgreSQL, unkeyed meanwhile).

    Reports are normalised and fingerprinted by `processes` worker processes (default: one per
    core, at most 4; 0: none) while this one stores them."""
    global _workers
    if processes is None:
        processes = min(os.cpu_count() or 1, 4)
    with transaction.atomic(), bulk.deferred_index():
        if _workers is not None or processes < 1:
            yield
            return
        _workers = _Workers(processes)
        try:
            yield
        finally:
            workers, _workers = _workers, None
            workers.close()


def do_rebuild_index(*, user=None, request=None) -> int:
    """Fingerprint every indexed document again from its stored normalised text and write the
    index anew, keyed once (bulk.rebuild); returns the rows written. For after a change of the
    fingerprinting that needs no migration of its own, or an index in doubt. Checks wait meanwhile."""
    with transaction.atomic():
        docs = Document.objects.indexed().order_by("id").values_list("id", "kind", "author", "norm")
        rows = bulk.rebuild(docs.iterator(chunk_size=500), corpus_kinds=Document.CORPUS_KINDS)
        count = Document.objects.indexed().count()
        record(REBUILD, request=request, user=user, summary=f"重建查重指纹索引：{count} 篇，指纹 {rows} 条")
    return rows


def do_index_texts(
    items, *, kind: str, user=None, request=None, refresh: bool = True, refresh_seconds: float | None = None
) -> ImportSummary:
    """Index many texts at once, all or none: items are (title, text, author) triples.

    Corpus texts make earlier results stale: they are rechecked, for at most `refresh_seconds` if given.
    """
    kind = _kind(kind)
    summary = ImportSummary()
    items = list(items)
    # In a bulk build, reports are prepared by the workers; otherwise each text as it is indexed.
    parallel = _workers is not None and kind not in Document.CORPUS_KINDS
    ready = _workers.fingerprinted([text for _, text, _ in items]) if parallel else repeat(None)
    with transaction.atomic():
        writer = _Writer()
        for (title, text, author), prepared in zip(items, ready, strict=False):  # ready may repeat
            try:
                if parallel and prepared is None:
                    raise DupcheckError("没有可检测的文字。")
                doc, collapsed = _index(
                    title=title, text=text, kind=kind, author=author, user=user, writer=writer, ready=prepared
                )
            except DupcheckError as exc:
                raise CorpusRejected([(title, str(exc))]) from None
            if collapsed:
                summary.collapsed.append((title, doc))
            else:
                summary.added.append(doc)
        writer.flush()
        record(
            IMPORT, request=request, user=user, target=Document.Kind(kind).label,
            summary=summary.sentence(),
            detail={"added": [d.pk for d in summary.added],
                    "collapsed": [[t, d.pk] for t, d in summary.collapsed]},
        )  # fmt: skip
    bulk.checkpoint()  # in a bulk build, out of this batch's savepoint
    if refresh and kind in Document.CORPUS_KINDS and summary.added:
        summary.refreshed = do_refresh_stale_results(user=user, request=request, seconds=refresh_seconds)
        summary.stale = CheckResult.objects.stale().count()
    return summary


def do_import_corpus(
    files, *, kind: str, author: str = "", user=None, request=None, refresh_seconds: float | None = None
) -> ImportSummary:
    """Import uploaded files (name, bytes) into the corpus; one unreadable file stops them all."""
    items, problems = [], []
    for name, data in files:
        try:
            text = extract_text(name, data)
        except ExtractError as exc:
            problems.append((name, str(exc)))
            continue
        stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or name
        # Without a named source, every file counts as its own author.
        items.append((stem, text, author or stem))
    if problems:
        raise CorpusRejected(problems)
    if not items:
        raise DupcheckError("请选择要导入的文件。")
    return do_index_texts(items, kind=kind, user=user, request=request, refresh_seconds=refresh_seconds)


def serialise(report: engine.Report) -> tuple[dict, list]:
    """The stored form of a report: the contract's measures plus what the result page shows."""
    metrics = report.contract()
    del metrics["passages"]
    metrics["max_single_source"]["document"] = report.max_single_source["key"]
    metrics["class_chars"] = report.class_chars
    metrics["boilerplate"] = [list(r) for r in report.boilerplate]
    metrics["paragraphs"] = [
        {"start": p.start, "end": p.end, "chars": p.chars, "total_copy_ratio": p.total_copy_ratio,
         "excluding_quotes_ratio": p.excluding_quotes_ratio}
        for p in report.paragraphs
    ]  # fmt: skip
    passages = [{**p.as_json(), "document": p.source_key, "chars": p.chars} for p in report.passages]
    return metrics, passages


def _compute(document: Document) -> dict:
    # The version is read first: a corpus text added during the check makes the result stale.
    version = Document.objects.corpus_version()
    report = engine.check(document.text, DatabaseStore(exclude=document), author=document.author)
    metrics, passages = serialise(report)
    return {"metrics": metrics, "passages": passages, "corpus_version": version}


def _percent(value: float) -> str:
    return f"{value * 100:.2f}%"


def do_unindex_documents(ids, *, user=None, request=None) -> int:
    """Stop matching these documents (a superseded version of a report); their own results stay."""
    with transaction.atomic():
        docs = list(Document.objects.filter(pk__in=list(ids), indexed=True).select_for_update())
        if not docs:
            return 0
        bulk.delete_documents(docs)
        CorpusLine.objects.filter(document__in=docs).delete()
        Document.objects.filter(pk__in=[d.pk for d in docs]).update(indexed=False)
        record(
            UNINDEX, request=request, user=user, target=",".join(f"document:{d.pk}" for d in docs)[:200],
            summary="、".join(f"《{d.title}》" for d in docs)[:300] + " 不再参与比对",
        )  # fmt: skip
    return len(docs)


def do_remove_from_corpus(document: Document, *, user=None, request=None) -> int:
    """Take a corpus text out of comparison (imported by mistake, or withdrawn); returns how many
    results now wait to be rechecked.

    Every result is marked for rechecking, not only those citing the text: whether a phrase is
    common counts the authors holding it, the corpus's among them.
    """
    if not document.is_corpus:
        raise DupcheckError("只能移出范文库中的范文或政策文件。")
    with transaction.atomic():
        if not do_unindex_documents([document.pk], user=user, request=request):
            raise DupcheckError(f"《{document.title}》已不在范文库中。")
        return CheckResult.objects.mark_for_recheck()


def do_check_document(document: Document, *, user=None, request=None) -> CheckResult:
    """Check a stored document against every other stored one; store the result (replacing any) and return it."""
    values = _compute(document)
    with transaction.atomic():
        result, _ = CheckResult.objects.update_or_create(document=document, defaults=values)
        record(
            CHECK, request=request, user=user, target=f"document:{document.pk}",
            summary=f"《{document.title}》去除引用复制比 {_percent(values['metrics']['excluding_quotes_ratio'])}"
            f"，总文字复制比 {_percent(values['metrics']['total_copy_ratio'])}",
        )  # fmt: skip
    return result


def do_check_text(*, title: str, text: str, user=None, request=None) -> CheckResult:
    """An ad hoc check: the text and its result are kept for viewing but never matched against later."""
    title = (title or "").strip()[:200] or "临时检测"
    prepared = engine.prepare(text or "")
    if not prepared.norm:
        raise DupcheckError("没有可检测的文字。")
    document = Document(title=title, kind=Document.Kind.ADHOC, text=text, norm_hash=_digest(prepared.norm))
    values = _compute(document)
    with transaction.atomic():
        document.created_by = user
        document.save()
        result = CheckResult.objects.create(document=document, **values)
        record(
            ADHOC, request=request, user=user, target=f"document:{document.pk}",
            summary=f"《{title}》去除引用复制比 {_percent(values['metrics']['excluding_quotes_ratio'])}"
            f"，总文字复制比 {_percent(values['metrics']['total_copy_ratio'])}",
        )  # fmt: skip
    return result


def do_refresh_if_stale(result: CheckResult, *, user=None, request=None) -> CheckResult:
    """The result as it stands against today's corpus: rechecked first if the corpus changed since."""
    if not result.is_stale(Document.objects.corpus_version()):
        return result
    do_refresh_stale_results(user=user, request=request, only=[result.pk])
    return CheckResult.objects.select_related("document").get(pk=result.pk)


def do_results_for(document_ids, *, refresh: bool, user=None, request=None) -> dict[int, CheckResult]:
    """document id → its result, for the documents that have one; stale ones rechecked first if `refresh`."""
    results = CheckResult.objects.filter(document_id__in=[d for d in document_ids if d])
    if refresh:
        stale = list(results.stale().values_list("pk", flat=True))
        if stale:
            do_refresh_stale_results(user=user, request=request, only=stale)
    return {r.document_id: r for r in results.all()}


def do_refresh_in_request(*, user=None, request=None) -> tuple[int, int]:
    """Recheck stale results for as long as a page may take (WEB_REFRESH_SECONDS): (rechecked, still stale)."""
    done = do_refresh_stale_results(user=user, request=request, seconds=WEB_REFRESH_SECONDS)
    return done, CheckResult.objects.stale().count()


def do_refresh_stale_results(*, user=None, request=None, seconds: float | None = None, only=None) -> int:
    """Recheck results computed before the corpus last grew; returns how many were rechecked.

    All of them, or those in `only` (result ids); the newest documents first, and none started after
    `seconds` have passed (at least one is, so repeated calls finish). Each recheck is written as it
    is done: stopped part way, the rest are simply still stale.
    """
    version = Document.objects.corpus_version()
    stale = CheckResult.objects.stale(version)
    if only is not None:
        stale = stale.filter(pk__in=list(only))
    started = time.monotonic()
    done = 0
    for pk in list(stale.order_by("-document_id").values_list("pk", flat=True)):
        if done and seconds is not None and time.monotonic() - started >= seconds:
            break
        result = CheckResult.objects.select_related("document").filter(pk=pk).first()
        if result is None:
            continue
        values = _compute(result.document)
        # update(), not save(): a result deleted meanwhile stays deleted.
        done += CheckResult.objects.filter(pk=result.pk).update(**values, checked_at=timezone.now())
    if done:
        record(REFRESH, request=request, user=user, summary=f"范文库更新后重新检测 {done} 份查重结果")
    return done
