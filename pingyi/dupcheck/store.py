"""The engine's `Store` over the database: what `engine.check` asks, answered by a few queries."""

from collections import Counter

from . import engine
from .models import CorpusFingerprint, CorpusLine, Document, Fingerprint


class DatabaseStore:
    """Everything indexed; `exclude` is the document being checked, which never matches itself."""

    def __init__(self, exclude: Document | None = None):
        self.exclude = exclude if exclude is not None and exclude.pk else None

    def _own(self) -> Counter:
        """How often each hash is among the checked document's own stored fingerprints."""
        if self.exclude is None or not self.exclude.indexed:
            return Counter()
        # The stored normalised text gives back exactly the stored fingerprints.
        return Counter(h for h, _ in engine.fingerprints(self.exclude.norm))

    def size(self) -> int:
        return Document.objects.indexed().count()

    def frequent_lines(self, keys: list[int]) -> set[int]:
        return CorpusLine.objects.frequent(keys, exclude=self.exclude)

    def counts(self, hashes: list[int]) -> dict[int, tuple[int, int]]:
        cap = engine.POSTINGS_CAP
        own = self._own()
        # Ask for enough to still see "above the cap" once the document's own postings are taken off.
        extra = max(own.values(), default=0)
        found = Fingerprint.objects.counts(hashes, cap + extra)
        out = {h: max(found.get(h, 0) - own.get(h, 0), 0) for h in hashes}
        frequent = [h for h, n in out.items() if n > cap]
        corpus = {}
        if frequent and Document.objects.corpus().indexed().exists():
            own_corpus = own if self.exclude is not None and self.exclude.is_corpus else Counter()
            found = CorpusFingerprint.objects.counts(frequent, cap + extra)
            corpus = {h: max(found.get(h, 0) - own_corpus.get(h, 0), 0) for h in frequent}
        return {h: (n, corpus.get(h, 0)) for h, n in out.items()}

    def postings(self, hashes: list[int], corpus_hashes: list[int]) -> list[engine.Posting]:
        exclude = self.exclude.pk if self.exclude is not None else None
        return Fingerprint.objects.postings(hashes, exclude=exclude) + CorpusFingerprint.objects.postings(
            corpus_hashes, exclude=exclude
        )

    def sources(self, keys: list, spans: dict | None = None) -> dict[object, engine.Source]:
        if spans is None:
            rows = Document.objects.filter(pk__in=keys).values_list("id", "title", "author", "kind", "norm")
            rows = [(pk, title, author, kind, 0, norm, len(norm)) for pk, title, author, kind, norm in rows]
        else:
            rows = Document.objects.windows({k: spans[k] for k in keys})
        return {
            pk: engine.Source(
                pk,
                title,
                author,
                kind == Document.Kind.POLICY,
                norm=part,
                corpus=kind in Document.CORPUS_KINDS,
                template=kind == Document.Kind.FORM,
                start=start,
                total=total,
            )
            for pk, title, author, kind, start, part, total in rows
        }

    def complete(self, sources: list[engine.Source]) -> None:
        wanted = {s.key: s for s in sources if s.skipped is None}
        for pk, skipped in Document.objects.filter(pk__in=list(wanted)).values_list("id", "skipped"):
            wanted[pk].skipped = skipped
