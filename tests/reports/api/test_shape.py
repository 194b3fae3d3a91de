"""The exact shape of the list and detail responses."""

import json
from datetime import datetime
from urllib.parse import urlsplit

import pytest
from django.urls import resolve

from reports.models import Achievement, Problem, Proposal, Task
from tests.reports.helpers import public_change

from .conftest import ids

pytestmark = pytest.mark.django_db

LIST_KEYS = ["id", "municipality", "year", "url", "published_at"]
DETAIL_KEYS = LIST_KEYS + ["achievements", "problems", "tasks", "proposals", "outcomes"]


def test_list_shape(api_get, corpus, client):
    response, body = api_get("/api/reports/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert list(body) == ["count", "next", "previous", "license", "results"]
    # The licence of the texts and data, in the body and in the Link header (RFC 8288).
    assert body["license"] == {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
    assert response["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
    assert body["count"] == 4 and body["next"] is None and body["previous"] is None
    report = corpus["sayan_2024"]
    row = next(r for r in body["results"] if r["id"] == report.pk)
    assert list(row) == LIST_KEYS
    assert row["municipality"] == {"name": "Саяногорск", "slug": "sayanogorsk", "region": "Республика Хакасия"}
    assert row["year"] == 2024
    assert row["url"] == "http://testserver/reports/sayanogorsk/2024/"
    assert datetime.fromisoformat(row["published_at"]) == report.published_at


def test_list_order_newest_year_then_municipality_name(api_get, corpus):
    _, body = api_get("/api/reports/")
    assert [(r["year"], r["municipality"]["name"]) for r in body["results"]] == [
        (2024, "Когалым"),
        (2024, "Саяногорск"),
        (2023, "Абакан"),
        (2023, "Саяногорск"),
    ]


def test_url_is_absolute_and_opens_the_public_page(api_get, corpus, client):
    _, body = api_get("/api/reports/")
    for row in body["results"]:
        parts = urlsplit(row["url"])
        assert parts.scheme == "http" and parts.netloc == "testserver"
        match = resolve(parts.path)
        assert match.view_name == "public:report_detail"
        assert match.kwargs == {"slug": row["municipality"]["slug"], "year": row["year"]}
        page = client.get(parts.path)
        assert page.status_code == 200
        assert row["municipality"]["name"] in page.content.decode()


def test_published_at_is_iso_8601_with_time_zone(api_get, corpus):
    _, body = api_get(f"/api/reports/{corpus['kogalym_2024'].pk}/")
    value = datetime.fromisoformat(body["published_at"])
    assert value.tzinfo is not None
    assert value == corpus["kogalym_2024"].published_at


def test_detail_shape(api_get, corpus):
    report = corpus["sayan_2024"]
    response, body = api_get(f"/api/reports/{report.pk}/")
    assert response.status_code == 200
    assert list(body) == DETAIL_KEYS
    assert body["id"] == report.pk
    assert body["municipality"] == {"name": "Саяногорск", "slug": "sayanogorsk", "region": "Республика Хакасия"}
    assert body["url"] == "http://testserver/reports/sayanogorsk/2024/"
    # (themes: none here — the items were written straight to the database, tests/themes covers them)
    assert body["achievements"] == [{"text": "Проведён форум ТОС 2024", "themes": []}]
    assert body["problems"] == [{"text": "Сложно привлечь молодёжь", "themes": []}]
    assert body["tasks"] == [{"text": "Провести форум ТОС", "year": 2025, "themes": []}]
    assert body["proposals"] == [{"kind": "methodology", "text": "Опыт работы с казачеством", "themes": []}]
    assert body["outcomes"] == []  # no report before 2024 set tasks for it


def test_detail_empty_sections_are_empty_lists(api_get, corpus):
    _, body = api_get(f"/api/reports/{corpus['abakan_2023'].pk}/")
    assert body["achievements"] == [] and body["problems"] == [] and body["proposals"] == []
    assert body["tasks"] == [{"text": "Продолжить благоустройство дворов", "year": 2024, "themes": []}]


def test_detail_items_in_document_order(api_get, report_in, kogalym):
    report = report_in(kogalym, 2022, items=False)
    # Created out of order; equal positions fall back to creation (id) order.
    for model, extra in ((Achievement, {}), (Problem, {}), (Task, {"year": 2023}), (Proposal, {"kind": "training"})):
        model.objects.create(report=report, text="третий", position=3, **extra)
        model.objects.create(report=report, text="первый", position=1, **extra)
        model.objects.create(report=report, text="второй-а", position=2, **extra)
        model.objects.create(report=report, text="второй-б", position=2, **extra)
    Task.objects.filter(report=report, text="третий").update(year=2024)
    Proposal.objects.filter(report=report, text="второй-б").update(kind="conference")
    Proposal.objects.filter(report=report, text="третий").update(kind="other")
    public_change(report)
    _, body = api_get(f"/api/reports/{report.pk}/")
    order = ["первый", "второй-а", "второй-б", "третий"]
    for key in ("achievements", "problems", "tasks", "proposals"):
        assert [item["text"] for item in body[key]] == order, key
    assert [item["year"] for item in body["tasks"]] == [2023, 2023, 2023, 2024]
    assert [item["kind"] for item in body["proposals"]] == ["training", "training", "conference", "other"]
    assert [list(item) for item in body["tasks"]] == [["text", "year", "themes"]] * 4
    assert [list(item) for item in body["proposals"]] == [["kind", "text", "themes"]] * 4
    assert [list(item) for item in body["achievements"] + body["problems"]] == [["text", "themes"]] * 8


def test_json_is_utf8_not_escaped(api_get, corpus):
    response, _ = api_get(f"/api/reports/{corpus['sayan_2024'].pk}/")
    assert "Саяногорск".encode() in response.content
    assert b"\\u04" not in response.content
    assert "charset" not in response["Content-Type"] or "utf-8" in response["Content-Type"].lower()


@pytest.mark.parametrize("path", ["/api/reports/", "/api/reports/{pk}/"])
def test_json_is_the_default_for_scripts(client, corpus, path):
    path = path.format(pk=corpus["sayan_2024"].pk)
    for kwargs, params in (({"HTTP_ACCEPT": "application/json"}, {}), ({}, {"format": "json"}), ({}, {})):
        response = client.get(path, params, **kwargs)
        assert response.status_code == 200, kwargs
        assert response["Content-Type"] == "application/json", (kwargs, params)
        json.loads(response.content)
    # ?format=json wins even over a browser's Accept header.
    response = client.get(path, {"format": "json"}, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response["Content-Type"] == "application/json"


def test_browser_gets_the_browsable_page(client, corpus):
    response = client.get("/api/reports/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Саяногорск" in response.content.decode()


def test_anonymous_access_needs_no_credentials(client, corpus, city_editor):
    # Logged in or not, the same public data.
    anonymous = client.get("/api/reports/", HTTP_ACCEPT="application/json").json()
    client.force_login(city_editor)
    signed_in = client.get("/api/reports/", HTTP_ACCEPT="application/json").json()
    assert anonymous == signed_in
    assert ids(anonymous)
