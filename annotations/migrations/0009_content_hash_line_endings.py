"""Articles are the same whatever their line endings (content_hash hashes the body with
\r\n and \r made \n): rehash the stored bodies that hold a \r. Texts without one keep
their hash. split_bucket is left alone: an article never moves between dataset splits."""

import hashlib

from django.db import migrations, models


def _hash(body):
    return hashlib.sha256(body.replace("\r\n", "\n").replace("\r", "\n").encode()).hexdigest()


def rehash_line_endings(apps, schema_editor):
    Article = apps.get_model("annotations", "Article")
    with_cr = Article.objects.filter(body__contains="\r").order_by("pk")
    for pk, project_id, body in with_cr.values_list("pk", "project_id", "body").iterator():
        digest = _hash(body)
        # The same text imported twice before this change (pasted, then from a file):
        # both stay as they are, for a person to merge.
        if not Article.objects.filter(project_id=project_id, content_hash=digest).exists():
            Article.objects.filter(pk=pk).update(content_hash=digest)


def restore_raw_hashes(apps, schema_editor):
    Article = apps.get_model("annotations", "Article")
    with_cr = Article.objects.filter(body__contains="\r").order_by("pk")
    for pk, body in with_cr.values_list("pk", "body").iterator():
        raw = hashlib.sha256(body.encode()).hexdigest()
        Article.objects.filter(pk=pk).update(content_hash=raw)


class Migration(migrations.Migration):

    dependencies = [
        ("annotations", "0008_holds_first_label_review_target"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="content_hash",
            field=models.CharField(
                help_text="SHA-256 of the body with its line endings made \\n.", max_length=64
            ),
        ),
        migrations.RunPython(rehash_line_endings, restore_raw_hashes),
    ]
