"""Filters tell the reader the truth: an impossible value is named and left out, not silently
ignored; the title and the export's file name say what is in the list; exports refuse (400)."""

import re

import pytest
from django.utils import timezone

from reports.status import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(make_report, sayan, kogalym, moderator):
    sayan.region, kogalym.region = "Республика Хакасия", "Ханты-Мансийский автономный округ — Югра"
    sayan.save()
    kogalym.save()
    return make_report(Status.PUBLISHED, municipality=sayan, year=2024), make_report(
        Status.PUBLISHED, municipality=kogalym, year=2023, city=moderator
    )


def found(html) -> int:
    return int(re.search(r'class="result-count"[^>]*>\D*(\d+)', html).group(1))


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("year=abc", "Год"),
        ("region=Атлантида", "Субъект РФ"),
        ("municipality=nowhere", "Город"),
        ("has=x", "Содержание"),
    ],
)
def test_an_impossible_value_is_named_and_the_rest_applies(client, two, query, field):
    response = client.get(f"/reports/?{query}")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Не применено — такого значения нет: {field}." in html
    assert found(html) == 2  # the other conditions (none here) still apply


def test_one_bad_value_does_not_drop_the_good_ones(client, two):
    html = client.get("/reports/?year=abc&region=Республика Хакасия").content.decode()
    assert "Не применено — такого значения нет: Год." in html
    assert found(html) == 1 and "/reports/sayanogorsk/2024/" in html and "/reports/kogalym/" not in html


def test_a_valid_list_says_nothing_of_the_kind(client, two):
    assert "Не применено" not in client.get("/reports/?year=2024").content.decode()


def test_the_title_says_what_the_list_holds(client, two, sayan):
    assert title(client.get("/reports/")).startswith("Все отчёты")
    described = title(
        client.get(f"/reports/?year=2024&region=Республика Хакасия&municipality={sayan.slug}&has=problems")
    )
    assert described.startswith("Отчёты: 2024 год — Республика Хакасия — Саяногорск — проблемы")


@pytest.mark.parametrize("url", ["/reports/export.csv?year=abc", "/reports/export.csv?region=Атлантида&year=2024"])
def test_a_csv_export_with_an_impossible_value_is_a_400_that_says_why(client, two, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert body.startswith("Выгрузка не сделана: в условиях есть значения, которых нет.")


def test_a_json_export_with_an_impossible_value_is_a_400_with_the_errors(client, two):
    response = client.get("/reports/export.json?year=abc")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["year"]


def test_the_export_file_name_says_what_is_in_it(client, two, sayan):
    today = timezone.localdate().isoformat()
    response = client.get("/reports/export.csv?year=2024&region=Республика Хакасия")
    assert (
        response["Content-Disposition"] == f'attachment; filename="reports-2024-god-respublika-khakasiya-{today}.csv"'
    )
    assert client.get("/reports/export.json")["Content-Disposition"] == f'attachment; filename="reports-{today}.json"'
