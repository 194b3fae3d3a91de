import pytest

from reports.models import Achievement, Municipality, Proposal, Report, TaskOutcome
from reports.status import Status
from themes.models import Theme

SECRET = "секретнаяформулировка"


@pytest.fixture
def hidden_reports(make_report, moderator):
    """One report in every non-public status, each with a unique word that must never leak."""
    reports = {}
    for n, status in enumerate(
        [Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.CHANGES_REQUESTED, Status.WITHDRAWN], start=1
    ):
        municipality = Municipality.objects.create(name=f"Скрытград{n}", slug=f"hidden-{n}", region=f"Скрытый край {n}")
        report = make_report(status, municipality=municipality, year=2010 + n, city=moderator)
        Achievement.objects.filter(report=report).update(text=f"{SECRET}{n} — {status}")
        Proposal.objects.filter(report=report).update(text=f"{SECRET}{n} — просьба")
        TaskOutcome.objects.create(report=report, task_text=f"{SECRET}{n} — задача", outcome="done")
        # Themed like any item, so the theme pages, the digest and the statistics would show them.
        for item in (*Achievement.objects.filter(report=report), *Proposal.objects.filter(report=report)):
            item.themes.set(Theme.objects.filter(slug__in=["tos", "youth"]))
        reports[status] = Report.objects.get(pk=report.pk)
    return reports


@pytest.fixture
def published(make_report, sayan):
    return make_report(Status.PUBLISHED, municipality=sayan, year=2024)
