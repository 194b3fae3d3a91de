"""Every year that already has published reports gets its compendium: the request is stamped
here, and the periodic job (compendium.tasks.rebuild_pending) builds them after the deploy."""

from django.db import migrations
from django.utils import timezone


def request_existing_years(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    BuildState = apps.get_model("compendium", "BuildState")
    years = Report.objects.filter(status="published").order_by().values_list("year", flat=True).distinct()
    now = timezone.now()
    BuildState.objects.bulk_create([BuildState(year=year, requested_at=now) for year in years], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("compendium", "0001_initial")]

    operations = [migrations.RunPython(request_existing_years, migrations.RunPython.noop)]
