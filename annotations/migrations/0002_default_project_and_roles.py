from django.db import migrations

ROLE_GROUPS = ("reviewer", "adjudicator")


def create_default_project_and_roles(apps, schema_editor):
    Project = apps.get_model("annotations", "Project")
    Group = apps.get_model("auth", "Group")
    Project.objects.get_or_create(
        slug="default",
        defaults={"name": "Default", "description": "Articles imported without a project."},
    )
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_default_project_and_roles, migrations.RunPython.noop),
    ]
