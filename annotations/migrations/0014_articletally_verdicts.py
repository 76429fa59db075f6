from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def count_verdicts(apps, schema_editor):
    """Each article's verdicts, counted once (adjudicating keeps them from here)."""
    ArticleTally = apps.get_model("annotations", "ArticleTally")
    Verdict = apps.get_model("annotations", "Verdict")
    per_article = (
        Verdict.objects.filter(sentence__article_id=OuterRef("article_id"))
        .order_by()
        .values("sentence__article_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    ArticleTally.objects.update(verdicts=Coalesce(Subquery(per_article), Value(0)))


class Migration(migrations.Migration):
    dependencies = [("annotations", "0013_article_fetched_page")]

    operations = [
        migrations.AddField(
            model_name="articletally",
            name="verdicts",
            field=models.PositiveIntegerField(db_default=0),
        ),
        migrations.RunPython(count_verdicts, migrations.RunPython.noop),
    ]
