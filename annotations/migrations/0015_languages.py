
import annotations.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('annotations', '0014_articletally_verdicts'),
    ]

    operations = [
        migrations.AddField(
            model_name='project',
            name='default_language',
            field=models.CharField(default='en', help_text='ISO 639-1 code of the articles imported without a language whose text is too short or too mixed to detect one.', max_length=16, validators=[annotations.models.validate_language]),
        ),
        migrations.AlterField(
            model_name='article',
            name='language',
            field=models.CharField(default='en', help_text='ISO 639-1 code; it picks the sentence-splitting rules. Changing it splits the article again, which is refused once its sentences have labels.', max_length=16, validators=[annotations.models.validate_language]),
        ),
    ]
