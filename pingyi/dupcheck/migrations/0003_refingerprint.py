"""Fingerprints again for every indexed document: k-grams holding figures now come first.

engine.kgram_hashes ranks k-grams by the figure characters they hold, so winnowing keeps different
k-grams than before. Stored fingerprints of the old scheme would never meet a new text's, so each
indexed document's are recomputed from its stored normalised text (nothing else about it changes).
"""

from django.db import migrations

from pingyi.dupcheck import engine

CORPUS_KINDS = ("corpus_template", "corpus_policy")  # Document.CORPUS_KINDS when this was written


def refingerprint(apps, schema_editor):
    Document = apps.get_model("dupcheck", "Document")
    Fingerprint = apps.get_model("dupcheck", "Fingerprint")
    for doc in Document.objects.filter(indexed=True).only("id", "kind", "author", "norm").iterator(chunk_size=200):
        fps = engine.fingerprints(doc.norm)
        corpus, author = doc.kind in CORPUS_KINDS, engine.author_key(doc.author)
        Fingerprint.objects.filter(document_id=doc.pk).delete()
        Fingerprint.objects.bulk_create(
            [Fingerprint(hash=h, document_id=doc.pk, position=pos, corpus=corpus, author_key=author)
             for h, pos in fps],
            batch_size=2000,
        )  # fmt: skip
        Document.objects.filter(pk=doc.pk).update(fingerprint_count=len({h for h, _ in fps}))


class Migration(migrations.Migration):
    dependencies = [("dupcheck", "0002_document_indexed_index")]

    operations = [migrations.RunPython(refingerprint, refingerprint)]
