"""Created the role groups; they are now kept by accounts.roles after every migrate (post_migrate,
as Django keeps its permissions), so this step does nothing. Kept for the migration graph."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("reports", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # Both directions do nothing: the groups are users' data (members), never removed by a migration.
    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
