"""The site's JSON download uses the API's detail serializer: the same report shape, published only."""

import pytest

pytestmark = pytest.mark.django_db


def export(client, **params):
    response = client.get("/reports/export.json", params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    return response, response.json()


def test_same_shape_as_api_detail(client, api_get, corpus):
    _, data = export(client)
    assert list(data) == ["count", "license", "results"]
    assert data["license"] == {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
    assert data["count"] == len(data["results"]) == 4
    for row in data["results"]:
        response, detail = api_get(f"/api/reports/{row['id']}/")
        assert response.status_code == 200
        assert row == detail


def test_only_published(client, corpus, hidden):
    from .conftest import SECRET

    response, data = export(client)
    assert sorted(row["id"] for row in data["results"]) == sorted(r.pk for r in corpus.values())
    assert SECRET not in response.content.decode("utf-8")


def test_honours_year(client, corpus, hidden):
    _, data = export(client, year=2023)
    assert sorted(row["id"] for row in data["results"]) == sorted([corpus["sayan_2023"].pk, corpus["abakan_2023"].pk])
    assert {row["year"] for row in data["results"]} == {2023}


def test_order_and_utf8(client, corpus):
    response, data = export(client)
    assert [(r["year"], r["municipality"]["name"]) for r in data["results"]] == [
        (2024, "Когалым"),
        (2024, "Саяногорск"),
        (2023, "Абакан"),
        (2023, "Саяногорск"),
    ]
    assert "Саяногорск".encode() in response.content
