"""Public pages run the same number of queries for one row as for many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.models import Achievement, Municipality, Problem, Proposal, Task
from reports.outcomes.models import TaskOutcome
from reports.status import Status
from tests.reports.helpers import public_change
from themes.models import Theme

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def build(make_report, moderator, django_capture_on_commit_callbacks):
    made = [0]

    def make(n_reports, extra_items=0):
        reports = []
        with django_capture_on_commit_callbacks(execute=True):
            for i in range(made[0], made[0] + n_reports):
                municipality = Municipality.objects.create(
                    name=f"Город{i:03d}", slug=f"gorod-{i:03d}", region=f"Край {i % 3}"
                )
                reports.append(
                    make_report(Status.PUBLISHED, municipality=municipality, year=2000 + i % 20, city=moderator)
                )
        made[0] += n_reports
        tos = Theme.objects.get(slug="tos")
        for model in (Achievement, Proposal):
            for item in model.objects.filter(report__in=reports):
                item.themes.add(tos)
        for report in reports[:1]:
            for model in (Achievement, Problem, Task, Proposal):
                for k in range(extra_items):
                    kwargs = {"year": report.year + 1} if model is Task else {}
                    model.objects.create(
                        report=report, text=f"Дополнительный пункт форум {k}", position=10 + k, **kwargs
                    )
        return reports

    return make


URLS = [
    "/",
    "/reports/",
    "/reports/?has=proposals&sort=municipality",
    "/municipalities/",
    "/feed/",
    "/reports/export.csv",
    "/reports/export.json",
    "/api/reports/",
    "/sitemap.xml",
    "/search/?q=форум",
    # Issue 16 and 17 (every item of the reports built carries a theme, see build).
    "/reports/?theme=tos",
    "/search/?q=форум&theme=tos",
    "/api/themes/",
    "/themes/",
    "/themes/tos/",
    "/themes/tos/?year=2000",
    "/needs/",
    "/needs/2000/",
    "/stats/",
    "/compendium/",
]


@pytest.mark.parametrize("url", URLS)
def test_list_pages_constant_queries(client, build, url):
    build(1)
    one = count_queries(client, url)
    build(24)
    many = count_queries(client, url)
    assert one == many, f"{url}: {one} queries for 1 report, {many} for 25"


def test_report_page_constant_queries(client, build):
    report = build(1)[0]
    url = report.get_absolute_url()
    few = count_queries(client, url)
    for model in (Achievement, Problem, Task, Proposal):
        for k in range(30):
            kwargs = {"year": report.year + 1} if model is Task else {}
            model.objects.create(report=report, text=f"пункт {k}", position=100 + k, **kwargs)
    for k in range(30):  # outcomes of tasks set for its year (a deleted task's row keeps its text)
        TaskOutcome.objects.create(report=report, task_text=f"задача {k}", position=k, outcome="done")
    public_change(report)  # as every real edit does: the stored body is made again
    assert "Задача 29" in client.get(url).content.decode()
    assert count_queries(client, url) == few
    assert few == 2, "the report with its stored body, and the links to other years and neighbours"
    assert count_queries(client, f"/api/reports/{report.pk}/") == 1


def test_municipality_page_constant_queries(client, make_report, sayan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_report(Status.PUBLISHED, municipality=sayan, year=2000)
    one = count_queries(client, "/municipalities/sayanogorsk/")
    with django_capture_on_commit_callbacks(execute=True):
        for year in range(2001, 2012):
            report = make_report(Status.PUBLISHED, municipality=sayan, year=year)
            # Each year answers for the task the year before set (reports.outcomes).
            task = Task.objects.get(report__municipality=sayan, report__year=year - 1)
            TaskOutcome.objects.create(report=report, task=task, task_text=task.text, outcome="done")
            public_change(report)
    assert "выполнена</span>" in client.get("/municipalities/sayanogorsk/").content.decode()
    assert count_queries(client, "/municipalities/sayanogorsk/") == one == 1  # the city with its stored body
