import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def fill_first_labels(apps, schema_editor):
    """Annotations made before first labels were kept: their label is the best record."""
    apps.get_model("annotations", "Annotation").objects.update(first_label=F("label"))


def zero_targets_follow_the_project(apps, schema_editor):
    """A target of 0 was stored by the admin; it meant "the project's"."""
    apps.get_model("annotations", "Article").objects.filter(review_target=0).update(
        review_target=None
    )


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0007_annotation_created_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # "Claim" is what reviewers check; the queue's reservation is a hold.
        migrations.RemoveConstraint(model_name="claim", name="claim_one_per_reviewer"),
        migrations.RenameModel(old_name="Claim", new_name="Hold"),
        migrations.AlterField(
            model_name="hold",
            name="reviewer",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="holds",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="hold",
            name="sentence",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="holds",
                to="annotations.sentence",
            ),
        ),
        migrations.AddConstraint(
            model_name="hold",
            constraint=models.UniqueConstraint(
                fields=("sentence", "reviewer"), name="hold_one_per_reviewer"
            ),
        ),
        migrations.RunPython(zero_targets_follow_the_project, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(("review_target__isnull", True), ("review_target__gte", 1), _connector="OR"),
                name="article_review_target_positive",
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="show_counts_after_labeling",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Show reviewers how many others chose each label once they have labeled a "
                    "sentence. Changes made after seeing them are recorded (first_label)."
                ),
            ),
        ),
        migrations.AddField(
            model_name="annotation",
            name="first_label",
            field=models.CharField(
                blank=True,
                choices=[("verified", "Verified"), ("disputed", "Disputed"), ("unclear", "Unclear")],
                editable=False,
                help_text="The label given before the reviewer could see anyone else's.",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="historicalannotation",
            name="first_label",
            field=models.CharField(
                blank=True,
                choices=[("verified", "Verified"), ("disputed", "Disputed"), ("unclear", "Unclear")],
                editable=False,
                help_text="The label given before the reviewer could see anyone else's.",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="annotation",
            name="changed_after_reveal",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="The label was changed after the reviewer saw the others' counts.",
            ),
        ),
        migrations.AddField(
            model_name="historicalannotation",
            name="changed_after_reveal",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="The label was changed after the reviewer saw the others' counts.",
            ),
        ),
        migrations.RunPython(fill_first_labels, migrations.RunPython.noop),
    ]
