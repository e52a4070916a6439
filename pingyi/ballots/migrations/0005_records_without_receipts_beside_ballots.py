"""Published records of the older form (a receipt beside each ballot) become the current form.

A receipt beside its ballot let an evaluator show anyone how they voted. The record now lists the
receipts apart, sorted, and the ballots in random order without them; the invalid ballots of the
result are named by their new position. Nothing else changes, so the recount gives the same result.
There is no way back: the link between receipts and ballots is not kept anywhere.
"""

import secrets

from django.db import migrations


def forwards(apps, schema_editor):
    Publication = apps.get_model("ballots", "Publication")
    shuffle = secrets.SystemRandom().shuffle
    for publication in Publication.objects.all():
        record, result = publication.record, publication.result
        if "receipts" in record:
            continue
        ballots = list(record["ballots"])
        shuffle(ballots)
        position = {b["receipt"]: i for i, b in enumerate(ballots)}
        publication.record = {
            **{k: v for k, v in record.items() if k != "ballots"},
            "receipts": sorted(position),
            "ballots": [{"group": b["group"], "ratings": b["ratings"]} for b in ballots],
        }
        invalid = [{"index": position[i["receipt"]], "reason": i["reason"]} for i in result["ballots"]["invalid"]]
        result["ballots"]["invalid"] = sorted(invalid, key=lambda i: i["index"])
        publication.result = result
        publication.save(update_fields=["record", "result"])


class Migration(migrations.Migration):
    dependencies = [("ballots", "0004_small_group_combination")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
