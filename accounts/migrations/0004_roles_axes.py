"""Let association editors see and lift login lockouts (django-axes): re-sync the roles."""

from django.db import migrations


def sync(apps, schema_editor):
    from accounts.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_roles"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    # Reverse: nothing to undo beyond what 0003's reverse removes (the groups themselves).
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
