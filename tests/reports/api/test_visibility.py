"""Only published reports, ever: not in the list, not by id, not through any filter combination."""

import itertools

import pytest

from reports.status import Status

from .conftest import HIDDEN_STATUSES, SECRET, ids

pytestmark = pytest.mark.django_db


def test_published_reports_are_listed_and_readable(api_get, corpus):
    response, body = api_get("/api/reports/")
    assert response.status_code == 200
    assert sorted(ids(body)) == sorted(r.pk for r in corpus.values())
    for report in corpus.values():
        response, body = api_get(f"/api/reports/{report.pk}/")
        assert response.status_code == 200
        assert body["id"] == report.pk


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_hidden_status_not_in_list(api_get, corpus, hidden, status):
    response, body = api_get("/api/reports/")
    assert response.status_code == 200
    assert hidden[status].pk not in ids(body)
    assert body["count"] == len(corpus)
    assert SECRET not in response.content.decode()


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_hidden_status_is_404_like_an_unknown_id(api_get, corpus, hidden, status):
    response, body = api_get(f"/api/reports/{hidden[status].pk}/")
    unknown_response, unknown_body = api_get("/api/reports/987654321/")
    assert response.status_code == unknown_response.status_code == 404
    assert body == unknown_body == {"detail": "Опубликованного отчёта с таким номером нет."}
    assert SECRET not in response.content.decode()


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_hidden_report_of_a_city_with_published_reports_stays_hidden(api_get, report_in, corpus, sayan, status):
    """Саяногорск has published reports, so its slug is a valid filter: its hidden years still never show."""
    report = report_in(sayan, 2015, status=status)
    for params in (
        {},
        {"municipality": "sayanogorsk"},
        {"year": 2015},
        {"municipality": "sayanogorsk", "year": 2015},
        {"region": "Республика Хакасия"},
        {"q": "тос"},
        {"q": "тос", "municipality": "sayanogorsk"},
    ):
        response, body = api_get("/api/reports/", **params)
        assert response.status_code == 200, params
        assert report.pk not in ids(body), params
    assert api_get(f"/api/reports/{report.pk}/")[0].status_code == 404


def _filter_combinations(report):
    values = {
        "year": [None, report.year, 2024],
        "municipality": [None, report.municipality.slug, "sayanogorsk"],
        "region": [None, report.municipality.region, "Республика Хакасия"],
        "q": [None, SECRET, "тос", "пандемия"],
    }
    for combo in itertools.product(*values.values()):
        yield {k: v for k, v in zip(values, combo) if v is not None}


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_hidden_status_never_in_any_filter_combination(api_get, corpus, hidden, status):
    report = hidden[status]
    seen_ok = 0
    for params in _filter_combinations(report):
        response, body = api_get("/api/reports/", **params)
        # Values that only a hidden report has (its city, its region) are unknown to the API: 400.
        assert response.status_code in (200, 400), (params, response.status_code)
        assert SECRET not in response.content.decode(), params
        if response.status_code == 200:
            seen_ok += 1
            assert report.pk not in ids(body), params
            for row in body["results"]:
                assert row["id"] in {r.pk for r in corpus.values()}, params
        if params in ({"year": report.year}, {"q": SECRET, "year": report.year}):
            # Nor is the detail reachable through a query string.
            assert api_get(f"/api/reports/{report.pk}/", **params)[0].status_code == 404
    assert seen_ok > 0


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_filter_value_known_only_from_a_hidden_report_is_rejected_like_an_unknown_one(api_get, corpus, hidden, status):
    report = hidden[status]
    for name, hidden_value, unknown_value in (
        ("municipality", report.municipality.slug, "no-such-city"),
        ("region", report.municipality.region, "Несуществующий край"),
    ):
        response, body = api_get("/api/reports/", **{name: hidden_value})
        unknown_response, unknown_body = api_get("/api/reports/", **{name: unknown_value})
        assert response.status_code == unknown_response.status_code == 400
        assert list(body) == list(unknown_body) == [name]
    response, body = api_get("/api/reports/", year=report.year)
    assert response.status_code == 200 and body["count"] == 0


def test_withdrawn_after_publication_disappears(api_get, corpus, moderator, django_capture_on_commit_callbacks):
    from reports import workflow

    report = corpus["kogalym_2024"]
    assert api_get(f"/api/reports/{report.pk}/")[0].status_code == 200
    assert report.pk in ids(api_get("/api/reports/", q="пандемия")[1])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(report, moderator, "ошибка в отчёте")
    assert report.pk not in ids(api_get("/api/reports/", q="пандемия")[1])
    assert api_get(f"/api/reports/{report.pk}/")[0].status_code == 404
    assert report.pk not in ids(api_get("/api/reports/")[1])
    assert api_get("/api/reports/", municipality="kogalym")[0].status_code == 400


def test_statuses_cover_every_non_public_status():
    assert set(HIDDEN_STATUSES) | {Status.PUBLISHED} == set(Status)
