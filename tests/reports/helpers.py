"""Helpers shared by the reports tests."""

from django.db import transaction

from reports import publication
from reports.models import Report


def public_change(report) -> Report:
    """What every real edit of a report does once it has changed rows (the admin, the workflow):
    tell reports.publication, which re-indexes and stores the public renderings. For tests that
    write items straight into the database."""
    with transaction.atomic():
        report = Report.objects.get(pk=report.pk)
        publication.report_changed(report)
    return report
