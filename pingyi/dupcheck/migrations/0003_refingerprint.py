"""Fingerprints again for every indexed document: k-grams made mostly of a figure now come first.

engine.kgram_hashes hashes k-grams made mostly of a specific figure below all others, so winnowing
keeps different k-grams than before. Stored fingerprints of the old scheme would never meet a new
text's, so each indexed document's are recomputed from its stored normalised text (nothing else
about it changes). Unindexed documents have no fingerprints.
"""

from django.db import migrations

from pingyi.dupcheck import engine

CORPUS_KINDS = ("corpus_template", "corpus_policy")  # Document.CORPUS_KINDS when this was written
CHUNK = 200


def refingerprint(apps, schema_editor):
    Document = apps.get_model("dupcheck", "Document")
    Fingerprint = apps.get_model("dupcheck", "Fingerprint")
    Fingerprint.objects.all().delete()
    docs = Document.objects.filter(indexed=True).only("id", "kind", "author", "norm").order_by("id")
    for start in range(0, docs.count(), CHUNK):
        chunk, rows = list(docs[start : start + CHUNK]), []
        for doc in chunk:
            fps = engine.fingerprints(doc.norm)
            corpus, author = doc.kind in CORPUS_KINDS, engine.author_key(doc.author)
            rows += [Fingerprint(hash=h, document_id=doc.pk, position=pos, corpus=corpus, author_key=author)
                     for h, pos in fps]  # fmt: skip
            doc.fingerprint_count = len({h for h, _ in fps})
        Fingerprint.objects.bulk_create(rows, batch_size=2000)
        Document.objects.bulk_update(chunk, ["fingerprint_count"])


class Migration(migrations.Migration):
    dependencies = [("dupcheck", "0002_document_indexed_index")]

    operations = [migrations.RunPython(refingerprint, refingerprint)]
