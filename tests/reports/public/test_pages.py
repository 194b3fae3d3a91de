"""Public pages: content, filters in the URL, 404 page, robots, sitemap, feed, CSV."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from reports.directory import load_directory
from reports.importer.loader import store_report
from reports.importer.parser import parse_file
from reports.models import Achievement
from tests.reports.importer.helpers import SEED_NAMES, seed_path

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def seeds(django_capture_on_commit_callbacks):
    load_directory()  # regions and websites, as load_demo does
    with django_capture_on_commit_callbacks(execute=True):
        return [store_report(parse_file(seed_path(key)), publish=True).report for key in SEED_NAMES]


def text_of(response):
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode("utf-8")


def test_home_shows_latest_years_regions_and_counts(client, seeds):
    html = text_of(client.get("/"))
    assert "Ленинск-Кузнецкий, 2020" in html
    assert "?year=2018" in html and "?year=2025" in html
    assert "Республика Хакасия" in html
    assert "5 опубликованных отчётов" in html


def test_list_filters_are_in_the_url_and_combine(client, seeds):
    page = client.get("/reports/", {"year": "2020", "region": "Красноярский край"})
    reports = list(page.context["reports"])
    assert [(r.municipality.name, r.year) for r in reports] == [("Лесосибирск", 2020)]
    page = client.get("/reports/", {"has": "proposals"})
    assert [(r.municipality.name, r.year) for r in page.context["reports"]] == [("Саяногорск", 2025)]
    page = client.get("/reports/", {"municipality": "sayanogorsk", "sort": "year"})
    assert [r.year for r in page.context["reports"]] == [2018, 2025]


def test_list_search_filter_uses_morphology(client, seeds):
    page = client.get("/reports/", {"q": "пандемия"})
    assert [(r.municipality.name, r.year) for r in page.context["reports"]] == [("Лесосибирск", 2020)]


def test_bad_filter_values_do_not_break_the_list(client, seeds):
    response = client.get("/reports/", {"year": "abc", "municipality": "no-such", "sort": "bogus", "page": "999"})
    assert response.status_code == 200


def test_report_page_has_sections_anchors_and_related_links(client, seeds):
    html = text_of(client.get("/reports/sayanogorsk/2025/"))
    for anchor in ("achievements", "problems", "tasks", "proposals"):
        assert f'id="{anchor}"' in html and f'href="#{anchor}"' in html
    assert "сложно продвигается" in html
    assert 'href="/reports/sayanogorsk/2018/"' in html  # the same city's other year
    assert "Обучение: темы курсов" in html


def test_report_page_highlights_the_query(client, seeds):
    html = text_of(client.get("/reports/lesosibirsk/2020/", {"q": "пандемия"}))
    assert "<mark>пандемии</mark>" in html


def test_municipality_page_pairs_tasks_with_next_year(client, seeds):
    html = text_of(client.get("/municipalities/sayanogorsk/"))
    assert "Задачи на 2019 год" in html and "Задачи на 2026 год" in html
    assert "Отчёта за 2019 год на портале нет." in html


def test_search_page_ranks_and_names_the_section(client, seeds):
    response = client.get("/search/", {"q": "казачество"})
    hits = response.context["hits"]
    assert hits and hits[0].report.municipality.name == "Саяногорск"
    assert "<mark>" in text_of(response)


def test_404_is_russian(client, seeds):
    response = client.get("/reports/nowhere/1999/")
    assert response.status_code == 404
    assert "Такой страницы нет" in text_of(response)


def test_robots_and_sitemap(client, seeds):
    robots = text_of(client.get("/robots.txt"))
    assert "Disallow: /admin/" in robots and "Sitemap: http://testserver/sitemap.xml" in robots
    tree = ET.fromstring(client.get("/sitemap.xml").content)
    locs = [e.text for e in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "http://testserver/reports/kogalym/2020/" in locs
    assert "http://testserver/municipalities/lesosibirsk/" in locs


def test_atom_feed_parses_back(client, seeds):
    response = client.get("/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    tree = ET.fromstring(response.content)
    entries = tree.findall(f"{ATOM}entry")
    assert len(entries) == 5
    titles = {e.find(f"{ATOM}title").text for e in entries}
    assert "Когалым — 2020" in titles
    links = {e.find(f"{ATOM}link").get("href") for e in entries}
    assert "http://testserver/reports/kogalym/2020/" in links


def test_csv_parses_back_with_cyrillic_and_is_safe_from_formulas(client, seeds):
    Achievement.objects.filter(report__year=2018).update(text='=HYPERLINK("http://evil")')
    response = client.get("/reports/export.csv", {"municipality": "sayanogorsk"})
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header, data = rows[0], rows[1:]
    assert header == ["Муниципалитет", "Субъект РФ", "Год", "Раздел", "Вид", "На какой год", "Текст", "Пояснение"]
    # 2018: 4 achievements + 4 tasks; 2025: 3 + 1 problem + 3 tasks + 9 proposals
    assert len(data) == 4 + 4 + 3 + 1 + 3 + 9
    assert {row[0] for row in data} == {"Саяногорск"}
    formula_cells = [row[6] for row in data if "HYPERLINK" in row[6]]
    assert formula_cells and all(cell.startswith("'=") for cell in formula_cells)
    kinds = {row[4] for row in data if row[3] == "Запросы к Ассоциации"}
    assert kinds == {
        "Методические материалы, опыт других городов",
        "Конференции и совещания: вопросы для обсуждения",
        "Обучение: темы курсов",
    }


def test_search_page_says_when_more_reports_match_than_it_ranks(client, seeds, monkeypatch):
    from reports import search

    monkeypatch.setattr(search, "CANDIDATES", 2)
    monkeypatch.setattr(search.query, "CANDIDATES", 2)
    response = client.get("/search/", {"q": "тос"})  # four seed reports speak of ТОС
    assert response.context["more"] is True
    assert response.context["total"] == 2
    assert "Найдено больше 2 отчётов" in text_of(response)
    assert len(response.context["hits"]) == 2


# --- a national directory: more cities than one page or one select should hold ---------------


def _many_cities(monkeypatch, limit=2):
    from reports.public import filters, views

    monkeypatch.setattr(filters, "FULL_CITY_LIST", limit)
    monkeypatch.setattr(views, "FULL_CITY_LIST", limit)


def _city_options(response):
    field = response.context["filter"].form["municipality"]
    return [value for value, _label in field.field.widget.choices if value]


def test_city_select_lists_every_city_while_there_are_few(client, seeds):
    assert _city_options(client.get("/reports/")) == ["kogalym", "leninsk-kuznetskiy", "lesosibirsk", "sayanogorsk"]


def test_city_select_lists_the_chosen_regions_cities_when_there_are_many(client, seeds, monkeypatch):
    _many_cities(monkeypatch)
    page = client.get("/reports/")
    assert _city_options(page) == []
    assert "Сначала выберите регион" in text_of(page)
    assert _city_options(client.get("/reports/", {"region": "Красноярский край"})) == ["lesosibirsk"]
    # A link with a city outside the list still filters, and the select shows that city.
    page = client.get("/reports/", {"municipality": "sayanogorsk"})
    assert _city_options(page) == ["sayanogorsk"]
    assert {r.municipality.slug for r in page.context["reports"]} == {"sayanogorsk"}
    assert 'value="sayanogorsk" selected' in text_of(page)
    # An unknown region is ignored for the choices (and rejected by the filter as before).
    assert _city_options(client.get("/reports/", {"region": "<script>"})) == []


def test_municipality_list_is_by_region_when_there_are_many(client, seeds, monkeypatch):
    full = text_of(client.get("/municipalities/"))
    assert "Лесосибирск" in full and "Когалым" in full
    _many_cities(monkeypatch)
    index = client.get("/municipalities/")
    html = text_of(index)
    assert "Республика Хакасия" in html and "?region=" in html
    assert "/municipalities/lesosibirsk/" not in html
    assert list(index.context["municipalities"]) == []
    region = client.get("/municipalities/", {"region": "Красноярский край"})
    assert [m.slug for m in region.context["municipalities"]] == ["lesosibirsk"]
    assert "/municipalities/lesosibirsk/" in text_of(region) and 'aria-current="page"' in text_of(region)
    assert list(client.get("/municipalities/", {"region": "Нет такого"}).context["municipalities"]) == []
