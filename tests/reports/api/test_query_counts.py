"""The list and the detail run the same number of queries for a little data as for a lot."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.models import Achievement, Municipality, Problem, Proposal, Task
from tests.reports.helpers import public_change

pytestmark = pytest.mark.django_db

# (address, how many of the 60 reports it returns on its page)
LIST_URLS = [
    ("/api/reports/", 50),
    ("/api/reports/?page_size=200", 60),
    ("/api/reports/?page=2", 10),
    ("/api/reports/?year=2024&region=Республика Хакасия", 50),
    ("/api/reports/?municipality=sayanogorsk", 1),
    ("/api/reports/?q=форум&year=2024", 50),
]


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, (url, response.content[:300])
    return len(ctx.captured_queries), response.json()


@pytest.mark.parametrize("url, on_page", LIST_URLS)
def test_list_same_queries_for_1_and_60_reports(client, report_in, sayan, url, on_page):
    report_in(sayan, 2024)
    if "page=2" in url:
        # A second page needs more than one report: compare 51 with 60 instead.
        for i in range(1, 51):
            city = Municipality.objects.create(name=f"Город{i:03d}", slug=f"gorod-{i:03d}", region="Республика Хакасия")
            report_in(city, 2024, items=False)
    one, body_one = queries(client, url)
    assert len(body_one["results"]) == 1
    for i in range(len(Municipality.objects.all()), 60):
        city = Municipality.objects.create(name=f"Город{i:03d}", slug=f"gorod-{i:03d}", region="Республика Хакасия")
        report_in(city, 2024)
    many, body_many = queries(client, url)
    assert len(body_many["results"]) == on_page
    assert one == many, f"{url}: {one} queries for 1 report, {many} for 60"
    assert many <= (6 if "q=" in url else 3), f"{url}: {many} queries"


def test_detail_same_queries_for_1_and_30_items_per_section(client, report_in, sayan):
    report = report_in(sayan, 2024)
    url = f"/api/reports/{report.pk}/"
    few, body_few = queries(client, url)
    assert [len(body_few[k]) for k in ("achievements", "problems", "tasks", "proposals")] == [1, 1, 1, 1]
    for model in (Achievement, Problem, Task, Proposal):
        for k in range(29):
            kwargs = {"year": 2025} if model is Task else {}
            model.objects.create(report=report, text=f"Пункт {k}", position=10 + k, **kwargs)
    public_change(report)
    many, body_many = queries(client, url)
    assert [len(body_many[k]) for k in ("achievements", "problems", "tasks", "proposals")] == [30, 30, 30, 30]
    assert few == many, f"{few} queries with 1 item per section, {many} with 30"
    # The report's stored document (made when it was published or changed).
    assert many == 1


def test_export_json_same_queries_for_1_and_30_reports(client, report_in, sayan):
    report_in(sayan, 2024)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/reports/export.json").status_code == 200
    for i in range(1, 30):
        city = Municipality.objects.create(name=f"Город{i:03d}", slug=f"gorod-{i:03d}", region="Республика Хакасия")
        report_in(city, 2024)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/reports/export.json")
    assert response.json()["count"] == 30
    assert len(one.captured_queries) == len(many.captured_queries)
