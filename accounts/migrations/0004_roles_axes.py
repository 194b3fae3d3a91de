"""Re-synced the roles for django-axes (no longer used; accounts/throttle.py); the roles are now
kept by accounts.roles after every migrate (post_migrate), so this step does nothing. Kept for
the migration graph, without its dependency on the axes app, which is no longer installed."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_roles"),
    ]

    # Both directions do nothing: the groups are users' data (members), never removed by a migration.
    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
