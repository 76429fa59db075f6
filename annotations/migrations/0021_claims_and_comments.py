"""Claim spans and discussions: where a reviewer marks the words that carry a sentence's
claim (on the annotation and on the verdict), and each sentence's comments with how far
each user has read them.

`factcheck_save_annotation` takes the span too (two parameters more, so the function of
0017 is dropped first): it refuses a span outside the sentence (FC400, the sentence's
offsets in the detail) before anything is written, exactly where `_save_portable` checks
it, and writes the span with the annotation and its history row."""

import importlib

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


previous = importlib.import_module("annotations.migrations.0017_save_annotation_inlined")
first = importlib.import_module("annotations.migrations.0012_save_annotation_function")

OLD_SIGNATURE = (
    "bigint, integer, text, text, jsonb, integer, boolean, boolean, integer, timestamptz, text"
)
NEW_SIGNATURE = OLD_SIGNATURE + ", integer, integer"


def _replace(text, old, new):
    if old not in text:
        raise RuntimeError(f"The save function no longer holds {old[:60]!r}.")
    return text.replace(old, new)


def with_claims(save):
    steps = [
        ("    p_now timestamptz, p_tz text,\n",
         "    p_now timestamptz, p_tz text, p_claim_start integer, p_claim_end integer,\n"),
        ("    v_changed boolean;\n",
         "    v_changed boolean;\n    v_start integer;\n    v_end integer;\n"),
        ("    SELECT s.article_id, ar.project_id, p_adjudicator OR pr.show_counts_after_labeling\n"
         "      INTO r_article, v_project, r_sees\n",
         "    SELECT s.article_id, ar.project_id, p_adjudicator OR pr.show_counts_after_labeling,\n"
         "           s.start, s.\"end\"\n"
         "      INTO r_article, v_project, r_sees, v_start, v_end\n"),
        ("        RAISE EXCEPTION 'no such sentence' USING ERRCODE = 'FC404';\n    END IF;\n",
         "        RAISE EXCEPTION 'no such sentence' USING ERRCODE = 'FC404';\n    END IF;\n"
         "    -- `annotating.check_claim`: a span inside the sentence.\n"
         "    IF p_claim_start IS NOT NULL AND NOT (v_start <= p_claim_start\n"
         "            AND p_claim_start < p_claim_end AND p_claim_end <= v_end) THEN\n"
         "        RAISE EXCEPTION 'claim outside the sentence' USING ERRCODE = 'FC400',\n"
         "            DETAIL = v_start || ' ' || v_end;\n"
         "    END IF;\n"),
        ("               (label, note, evidence, created_at, updated_at, version, reviewer_id,\n"
         "                sentence_id, first_label, changed_after_reveal)\n"
         "        VALUES (p_label, p_note, p_evidence, p_now, p_now, 1, p_reviewer, p_sentence,\n"
         "                v_first, v_changed)\n",
         "               (label, note, evidence, created_at, updated_at, version, reviewer_id,\n"
         "                sentence_id, first_label, changed_after_reveal, claim_start, claim_end)\n"
         "        VALUES (p_label, p_note, p_evidence, p_now, p_now, 1, p_reviewer, p_sentence,\n"
         "                v_first, v_changed, p_claim_start, p_claim_end)\n"),
        ("           SET label = p_label, note = p_note, evidence = p_evidence, updated_at = p_now,\n",
         "           SET label = p_label, note = p_note, evidence = p_evidence, updated_at = p_now,\n"
         "               claim_start = p_claim_start, claim_end = p_claim_end,\n"),
        ("            first_label, changed_after_reveal)\n"
         "    VALUES (a.id, a.label, a.note, a.evidence, a.created_at, a.updated_at, a.version, p_now,\n"
         "            NULL, CASE WHEN r_created THEN '+' ELSE '~' END, p_history_user, a.reviewer_id,\n"
         "            a.sentence_id, a.first_label, a.changed_after_reveal);\n",
         "            first_label, changed_after_reveal, claim_start, claim_end)\n"
         "    VALUES (a.id, a.label, a.note, a.evidence, a.created_at, a.updated_at, a.version, p_now,\n"
         "            NULL, CASE WHEN r_created THEN '+' ELSE '~' END, p_history_user, a.reviewer_id,\n"
         "            a.sentence_id, a.first_label, a.changed_after_reveal, a.claim_start,\n"
         "            a.claim_end);\n"),
    ]
    for old, new in steps:
        save = _replace(save, old, new)
    return save


SAVE = f"DROP FUNCTION IF EXISTS factcheck_save_annotation({OLD_SIGNATURE});\n" + with_claims(
    previous.SAVE
)
BACK = f"DROP FUNCTION IF EXISTS factcheck_save_annotation({NEW_SIGNATURE});\n" + previous.SAVE


class Migration(migrations.Migration):

    dependencies = [
        ('annotations', '0020_shortcut_settings'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Comment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField(max_length=2000)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['sentence_id', 'id'],
            },
        ),
        migrations.CreateModel(
            name='CommentRead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('last_read_id', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='HistoricalComment',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('text', models.TextField(max_length=2000)),
                ('created_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical comment',
                'verbose_name_plural': 'historical comments',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name='annotation',
            name='claim_end',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='annotation',
            name='claim_start',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='historicalannotation',
            name='claim_end',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='historicalannotation',
            name='claim_start',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='historicalverdict',
            name='claim_end',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='historicalverdict',
            name='claim_start',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='verdict',
            name='claim_end',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='verdict',
            name='claim_start',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name='annotation',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('claim_end__isnull', True), ('claim_start__isnull', True)), models.Q(('claim_end__gt', models.F('claim_start')), ('claim_start__isnull', False)), _connector='OR'), name='annotations_annotation_claim_valid'),
        ),
        migrations.AddConstraint(
            model_name='verdict',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('claim_end__isnull', True), ('claim_start__isnull', True)), models.Q(('claim_end__gt', models.F('claim_start')), ('claim_start__isnull', False)), _connector='OR'), name='annotations_verdict_claim_valid'),
        ),
        migrations.AddField(
            model_name='comment',
            name='author',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='comments', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='comment',
            name='sentence',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='annotations.sentence'),
        ),
        migrations.AddField(
            model_name='commentread',
            name='sentence',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='annotations.sentence'),
        ),
        migrations.AddField(
            model_name='commentread',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalcomment',
            name='author',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalcomment',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalcomment',
            name='sentence',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='annotations.sentence'),
        ),
        migrations.AddConstraint(
            model_name='commentread',
            constraint=models.UniqueConstraint(fields=('user', 'sentence'), name='comment_read_one_per_user'),
        ),
        migrations.RunPython(
            first.on_postgresql(SAVE), first.on_postgresql(BACK), elidable=False
        ),
    ]
