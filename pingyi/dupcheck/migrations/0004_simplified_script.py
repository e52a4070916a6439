"""Traditional characters are folded to simplified ones (engine.simplified): normalise again.

The fold keeps one character for one, so each stored normalised text is folded in place and its
`skipped` ranges stay exact; its digest, fingerprints and (for corpus texts) short-line hashes are
computed again, and every result is marked for rechecking (models.RECHECK), since a copy across
繁/简 may now be found in any of them.
"""

import hashlib

from django.db import migrations

from pingyi.dupcheck import bulk, engine

CORPUS_KINDS = ("corpus_template", "corpus_policy")  # Document.CORPUS_KINDS when this was written
CHUNK = 200
RECHECK = -1


def renormalise(apps, schema_editor):
    Document = apps.get_model("dupcheck", "Document")
    Fingerprint = apps.get_model("dupcheck", "Fingerprint")
    CorpusLine = apps.get_model("dupcheck", "CorpusLine")
    CheckResult = apps.get_model("dupcheck", "CheckResult")
    Fingerprint.objects.all().delete()
    if bulk.tables_of(apps)[1] is not None:
        apps.get_model("dupcheck", "CorpusFingerprint").objects.all().delete()
    CorpusLine.objects.all().delete()
    docs = Document.objects.only("id", "kind", "author", "text", "norm", "indexed").order_by("id")
    connection = schema_editor.connection if schema_editor is not None else None
    for start in range(0, docs.count(), CHUNK):
        chunk, rows, lines = list(docs[start : start + CHUNK]), bulk.Rows(*bulk.tables_of(apps)), []
        for doc in chunk:
            if not doc.norm:  # an ad hoc text: only its digest is stored
                doc.norm_hash = hashlib.sha256(engine.prepare(doc.text).norm.encode("utf-8")).hexdigest()
                continue
            doc.norm = engine.simplified(doc.norm)
            doc.norm_hash = hashlib.sha256(doc.norm.encode("utf-8")).hexdigest()
            if not doc.indexed:
                continue
            hashes, positions = engine.fingerprint_arrays(doc.norm)
            corpus, author = doc.kind in CORPUS_KINDS, engine.author_key(doc.author)
            rows.add(doc.pk, hashes, positions, corpus=corpus, author_key=author)
            doc.fingerprint_count = len(set(hashes.tolist()))
            if corpus:
                lines += [CorpusLine(hash=k, document_id=doc.pk) for k in engine.line_keys(doc.text)]
        rows.write(connection)
        CorpusLine.objects.bulk_create(lines, batch_size=2000)
        Document.objects.bulk_update(chunk, ["norm", "norm_hash", "fingerprint_count"])
    CheckResult.objects.update(corpus_version=RECHECK)


class Migration(migrations.Migration):
    dependencies = [("dupcheck", "0003_refingerprint")]

    operations = [migrations.RunPython(renormalise, migrations.RunPython.noop)]
