from django.conf import settings
from django.core.management.commands import createcachetable
from django.db import migrations


def create_cache_table(apps, schema_editor):
    """The database cache's table (throttles and other counters shared by every worker),
    made whichever cache is configured now, so that dropping REDIS_URL later just works."""
    command = createcachetable.Command()
    command.verbosity = 0
    command.create_table(
        schema_editor.connection.alias, settings.DATABASE_CACHE_TABLE, dry_run=False
    )


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(
        f"DROP TABLE IF EXISTS {schema_editor.quote_name(settings.DATABASE_CACHE_TABLE)}"
    )


class Migration(migrations.Migration):
    dependencies = [("annotations", "0009_content_hash_line_endings")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
