"""Filters of the list: year, municipality, region, q (the site's search); bad values are 400, never 500."""

import pytest

from .conftest import ids

pytestmark = pytest.mark.django_db


def found(api_get, **params):
    response, body = api_get("/api/reports/", **params)
    assert response.status_code == 200, (params, body)
    assert body["count"] == len(body["results"])
    return sorted(ids(body))


def pks(corpus, *names):
    return sorted(corpus[name].pk for name in names)


def test_year(api_get, corpus):
    assert found(api_get, year=2024) == pks(corpus, "sayan_2024", "kogalym_2024")
    assert found(api_get, year="2023") == pks(corpus, "sayan_2023", "abakan_2023")


def test_year_without_reports_is_empty_not_an_error(api_get, corpus):
    assert found(api_get, year=2030) == []


def test_municipality_slug(api_get, corpus):
    assert found(api_get, municipality="sayanogorsk") == pks(corpus, "sayan_2024", "sayan_2023")
    assert found(api_get, municipality="kogalym") == pks(corpus, "kogalym_2024")


def test_region_in_cyrillic(api_get, corpus):
    assert found(api_get, region="Республика Хакасия") == pks(corpus, "sayan_2024", "sayan_2023", "abakan_2023")
    assert found(api_get, region="Ханты-Мансийский автономный округ — Югра") == pks(corpus, "kogalym_2024")


def test_region_percent_encoded_in_the_url(client, corpus):
    response = client.get(
        "/api/reports/?region=%D0%A0%D0%B5%D1%81%D0%BF%D1%83%D0%B1%D0%BB%D0%B8%D0%BA%D0%B0"
        "%20%D0%A5%D0%B0%D0%BA%D0%B0%D1%81%D0%B8%D1%8F",
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert response.json()["count"] == 3


def test_q_finds_other_word_forms(api_get, corpus):
    """«пандемия» finds a report that says «пандемии»."""
    assert found(api_get, q="пандемия") == pks(corpus, "kogalym_2024")


@pytest.mark.parametrize("query", ["тос", "ТОС", "Тос"])
def test_q_ignores_case(api_get, corpus, query):
    """«тос» finds «ТОС» (and only the report that has it)."""
    assert found(api_get, q=query) == pks(corpus, "sayan_2024")


def test_q_without_matches_is_empty(api_get, corpus):
    assert found(api_get, q="космодром") == []


def test_blank_q_is_no_filter(api_get, corpus):
    assert found(api_get, q="   ") == pks(corpus, *corpus)


def test_combined_filters(api_get, corpus):
    assert found(api_get, year=2023, region="Республика Хакасия") == pks(corpus, "sayan_2023", "abakan_2023")
    assert found(api_get, year=2024, region="Республика Хакасия") == pks(corpus, "sayan_2024")
    assert found(api_get, year=2023, municipality="sayanogorsk") == pks(corpus, "sayan_2023")
    assert found(api_get, municipality="sayanogorsk", q="тос") == pks(corpus, "sayan_2024")
    assert found(api_get, municipality="sayanogorsk", year=2023, q="тос") == []
    assert found(api_get, region="Республика Хакасия", q="благоустройство") == pks(corpus, "abakan_2023")
    assert found(api_get, year=2024, q="пандемия", region="Ханты-Мансийский автономный округ — Югра") == pks(
        corpus, "kogalym_2024"
    )
    assert found(api_get, municipality="kogalym", region="Республика Хакасия") == []


def test_filtered_list_keeps_the_order(api_get, corpus):
    _, body = api_get("/api/reports/", region="Республика Хакасия")
    assert [(r["year"], r["municipality"]["slug"]) for r in body["results"]] == [
        (2024, "sayanogorsk"),
        (2023, "abakan"),
        (2023, "sayanogorsk"),
    ]


def test_unknown_parameters_are_ignored(api_get, corpus):
    assert found(api_get, colour="red") == pks(corpus, *corpus)


@pytest.mark.parametrize(
    "params, field",
    [
        ({"year": "abc"}, "year"),
        ({"year": "2024.5"}, "year"),
        ({"year": "-1"}, "year"),
        ({"year": "1"}, "year"),
        ({"year": "99999999999999999999999999"}, "year"),
        ({"year": "20 24"}, "year"),
        ({"municipality": "no-such-city"}, "municipality"),
        ({"municipality": "Саяногорск"}, "municipality"),
        ({"municipality": "x" * 500}, "municipality"),
        ({"region": "Несуществующий край"}, "region"),
        ({"region": "республика хакасия"}, "region"),
        ({"year": "abc", "municipality": "sayanogorsk"}, "year"),
        ({"year": "2024", "municipality": "no-such-city", "q": "тос"}, "municipality"),
    ],
)
def test_invalid_values_are_400_with_json_errors(api_get, corpus, params, field):
    response, body = api_get("/api/reports/", **params)
    assert response.status_code == 400, params
    assert response["Content-Type"] == "application/json"
    assert field in body
    assert isinstance(body[field], list) and all(isinstance(m, str) and m for m in body[field])


def test_several_invalid_values_are_all_reported(api_get, corpus):
    response, body = api_get("/api/reports/", year="abc", municipality="no-such-city", region="Нигде")
    assert response.status_code == 400
    assert set(body) == {"year", "municipality", "region"}


def test_error_messages_are_russian(api_get, corpus):
    _, body = api_get("/api/reports/", year="abc")
    assert any(ch in "абвгдеёжзийклмнопрстуфхцчшщъыьэюя" for ch in body["year"][0].lower())


def test_filters_do_not_apply_to_detail(api_get, corpus):
    report = corpus["sayan_2024"]
    response, body = api_get(f"/api/reports/{report.pk}/", year="abc", municipality="kogalym")
    assert response.status_code == 200 and body["id"] == report.pk


@pytest.mark.parametrize("pk", ["abc", "0", "-1", "99999999999999999999999999"])
def test_odd_ids_are_404(client, corpus, pk):
    response = client.get(f"/api/reports/{pk}/", HTTP_ACCEPT="application/json")
    assert response.status_code == 404


def test_theme(api_get, corpus):
    """?theme= is the site's theme condition: reports with an item of that theme (published only)."""
    from reports.models import Achievement
    from themes.models import Theme

    tos = Theme.objects.get(slug="tos")
    Achievement.objects.create(report=corpus["kogalym_2024"], text="Форум ТОС", position=99).themes.add(tos)
    assert found(api_get, theme="tos") == pks(corpus, "kogalym_2024")
    assert found(api_get, theme="youth") == []


def test_unknown_theme_is_400(api_get, corpus):
    response, body = api_get("/api/reports/", theme="no-such-theme")
    assert response.status_code == 400
    assert "theme" in body
