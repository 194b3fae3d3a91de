"""Page-number pagination: 50 a page by default, page_size up to 200, correct count/next/previous."""

from urllib.parse import parse_qs, urlsplit

import pytest

from reports.models import Municipality

from .conftest import ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def sixty(report_in, sayan):
    """60 published reports: Саяногорск and Абаза, 30 years each."""
    abaza = Municipality.objects.create(name="Абаза", slug="abaza", region="Республика Хакасия")
    reports = []
    for year in range(1995, 2025):
        reports.append(report_in(sayan, year, items=False))
        reports.append(report_in(abaza, year, items=False))
    return reports


def query(url):
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "testserver" and parts.path == "/api/reports/"
    return {k: v[0] for k, v in parse_qs(parts.query).items()}


def test_default_page_size_is_50(api_get, sixty):
    response, body = api_get("/api/reports/")
    assert response.status_code == 200
    assert body["count"] == 60
    assert len(body["results"]) == 50
    assert body["previous"] is None
    assert query(body["next"]) == {"page": "2"}

    _, second = api_get("/api/reports/", page=2)
    assert second["count"] == 60
    assert len(second["results"]) == 10
    assert second["next"] is None
    assert query(second["previous"]) == {}
    assert sorted(ids(body) + ids(second)) == sorted(r.pk for r in sixty)


def test_pages_follow_the_order_newest_year_then_name(api_get, sixty):
    rows, url, params = [], "/api/reports/", {"page_size": 7}
    while url:
        _, body = api_get(url, **params)
        assert body["count"] == 60
        rows += body["results"]
        url, params = (body["next"], {}) if body["next"] else (None, {})
    assert len(rows) == 60
    assert [(r["year"], r["municipality"]["name"]) for r in rows] == sorted(
        ((r.year, r.municipality.name) for r in sixty), key=lambda t: (-t[0], t[1])
    )


def test_page_size_param(api_get, sixty):
    _, body = api_get("/api/reports/", page_size=7, page=3)
    assert len(body["results"]) == 7
    assert query(body["next"]) == {"page": "4", "page_size": "7"}
    assert query(body["previous"]) == {"page": "2", "page_size": "7"}


def test_page_size_is_capped_at_200(api_get, report_in, sayan):
    abaza = Municipality.objects.create(name="Абаза", slug="abaza", region="Республика Хакасия")
    for year in range(1995, 2098):  # 103 years × 2 cities = 206 reports
        report_in(sayan, year, items=False)
        report_in(abaza, year, items=False)
    for asked in (201, 1000, 10**6):
        _, body = api_get("/api/reports/", page_size=asked)
        assert body["count"] == 206
        assert len(body["results"]) == 200, asked
        assert query(body["next"]) == {"page": "2", "page_size": str(asked)}
    _, body = api_get("/api/reports/", page_size=1000, page=2)
    assert len(body["results"]) == 6 and body["next"] is None
    _, body = api_get("/api/reports/", page_size=200)
    assert len(body["results"]) == 200


@pytest.mark.parametrize("page_size", ["abc", "0", "-5", ""])
def test_bad_page_size_falls_back_to_default(api_get, sixty, page_size):
    response, body = api_get("/api/reports/", page_size=page_size)
    assert response.status_code == 200
    assert len(body["results"]) == 50


def test_filters_survive_in_next_and_previous(api_get, sixty):
    _, body = api_get("/api/reports/", municipality="sayanogorsk", page_size=10, page=2)
    assert body["count"] == 30
    assert query(body["next"]) == {"municipality": "sayanogorsk", "page_size": "10", "page": "3"}
    assert query(body["previous"]) == {"municipality": "sayanogorsk", "page_size": "10"}
    assert {r["municipality"]["slug"] for r in body["results"]} == {"sayanogorsk"}


@pytest.mark.parametrize("page", ["3", "0", "abc", "99999999999999999999"])
def test_page_out_of_range_is_a_json_404(api_get, sixty, page):
    response, body = api_get("/api/reports/", page=page)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in body


LICENCE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}


def test_empty_list(api_get, db):
    response, body = api_get("/api/reports/")
    assert response.status_code == 200
    assert body == {"count": 0, "next": None, "previous": None, "license": LICENCE, "results": []}
