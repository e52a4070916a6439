"""The report template the organizers hand out becomes its own kind of corpus text (述职报告模板).

reviews.actions put it into the corpus as a 政策文件 under a fixed title; it is now of kind
corpus_form, whose matches are class `template` and counted in no ratio. Its fingerprints stay (they
are corpus fingerprints either way); every result is marked for rechecking (models.RECHECK).
"""

from django.db import migrations, models

TEMPLATE_TITLE = "述职报告模板（市委组织部印发）"  # reviews.actions.TEMPLATE_TITLE when this was written
RECHECK = -1


def tag_template(apps, schema_editor):
    Document = apps.get_model("dupcheck", "Document")
    CheckResult = apps.get_model("dupcheck", "CheckResult")
    if Document.objects.filter(title=TEMPLATE_TITLE, kind="corpus_policy").update(kind="corpus_form"):
        CheckResult.objects.update(corpus_version=RECHECK)


def untag_template(apps, schema_editor):
    Document = apps.get_model("dupcheck", "Document")
    Document.objects.filter(kind="corpus_form").update(kind="corpus_policy")


class Migration(migrations.Migration):
    dependencies = [("dupcheck", "0004_simplified_script")]

    operations = [
        migrations.AlterField(
            model_name="document",
            name="kind",
            field=models.CharField(
                choices=[
                    ("corpus_template", "范文"),
                    ("corpus_policy", "政策文件"),
                    ("corpus_form", "述职报告模板"),
                    ("report", "述职报告"),
                    ("adhoc", "临时检测"),
                ],
                db_index=True,
                max_length=20,
                verbose_name="类别",
            ),
        ),
        migrations.RunPython(tag_template, untag_template),
    ]
