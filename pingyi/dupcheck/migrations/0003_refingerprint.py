"""Fingerprints again for every indexed document: k-grams made mostly of a figure now come first.

engine.kgram_hashes hashes k-grams made mostly of a specific figure below all others, so winnowing
keeps different k-grams than before. Stored fingerprints of the old scheme would never meet a new
text's, so each indexed document's are recomputed from its stored normalised text (nothing else
about it changes). Unindexed documents have no fingerprints.
"""

from django.db import migrations

from pingyi.dupcheck import bulk, engine

CORPUS_KINDS = ("corpus_template", "corpus_policy")  # Document.CORPUS_KINDS when this was written
CHUNK = 200


def refingerprint(apps, schema_editor):
    Document = apps.get_model("dupcheck", "Document")
    Fingerprint = apps.get_model("dupcheck", "Fingerprint")
    Fingerprint.objects.all().delete()
    if bulk.tables_of(apps)[1] is not None:
        apps.get_model("dupcheck", "CorpusFingerprint").objects.all().delete()
    docs = Document.objects.filter(indexed=True).only("id", "kind", "author", "norm").order_by("id")
    connection = schema_editor.connection if schema_editor is not None else None
    for start in range(0, docs.count(), CHUNK):
        chunk, rows = list(docs[start : start + CHUNK]), bulk.Rows(*bulk.tables_of(apps))
        for doc in chunk:
            hashes, positions = engine.fingerprint_arrays(doc.norm)
            rows.add(doc.pk, hashes, positions, corpus=doc.kind in CORPUS_KINDS,
                     author_key=engine.author_key(doc.author))  # fmt: skip
            doc.fingerprint_count = len(set(hashes.tolist()))
        rows.write(connection)
        Document.objects.bulk_update(chunk, ["fingerprint_count"])


class Migration(migrations.Migration):
    dependencies = [("dupcheck", "0002_document_indexed_index")]

    operations = [migrations.RunPython(refingerprint, refingerprint)]
