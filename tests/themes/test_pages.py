"""The public pages of themes, and themes on the report page, the report list, search and the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.models import Achievement, Municipality
from reports.status import Status
from themes.models import ThemeAlias
from themes.views import PAGE_SIZE

from .conftest import suggest_and_publish

pytestmark = pytest.mark.django_db

SECRET = "секретнаяформулировка"


def text(response):
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, url
        text(response)
    return len(ctx.captured_queries)


@pytest.fixture
def hidden(themed_report):
    """A report in every status that is not public, each with a ТОС item holding a secret word."""
    reports = []
    for n, status in enumerate(
        [Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.CHANGES_REQUESTED, Status.WITHDRAWN], 1
    ):
        city = Municipality.objects.create(name=f"Скрытград{n}", slug=f"hidden-{n}", region=f"Скрытый край {n}")
        report = themed_report(status, municipality=city, year=2010 + n)
        Achievement.objects.filter(report=report).update(text=f"{SECRET}{n} форум ТОС")
        reports.append(report)
    return reports


@pytest.fixture
def published(themed_report, sayan):
    return themed_report(Status.PUBLISHED, municipality=sayan, year=2024)


def test_the_list_of_themes_counts_published_items_only(client, hidden, published):
    response = client.get("/themes/")
    assert response.status_code == 200
    themes = {t.slug: t.published_count for t in response.context["themes"]}
    assert len(themes) == 20
    assert themes["tos"] == 2 and themes["youth"] == 1 and themes["cossacks"] == 1 and themes["media"] == 0
    page = text(response)
    assert 'href="/themes/tos/"' in page and "Территориальное общественное самоуправление" in page
    assert 'aria-current="page">Темы</a>' in page


def test_a_theme_lists_published_practices_only(client, hidden, published):
    response = client.get("/themes/tos/")
    assert response.status_code == 200
    page = text(response)
    assert SECRET not in page and "Скрытград" not in page and "Скрытый край" not in page
    achievement, task = published.achievements.get(), published.tasks.get()
    assert f'href="/reports/sayanogorsk/2024/#achievements-{achievement.pk}"' in page
    assert f'href="/reports/sayanogorsk/2024/#tasks-{task.pk}"' in page
    assert response.context["page"].paginator.count == 2


@pytest.mark.parametrize("url", ["/themes/", "/themes/tos/", "/search/?q=форум&theme=tos", "/reports/?theme=tos"])
def test_no_page_shows_hidden_reports(client, hidden, published, url):
    page = text(client.get(url))
    assert SECRET not in page
    for n in range(1, 6):
        assert f"Скрытград{n}" not in page


def test_the_report_page_links_each_items_themes_to_its_anchor(client, published):
    page = text(client.get(published.get_absolute_url()))
    achievement = published.achievements.get()
    assert f'<li id="achievements-{achievement.pk}">' in page
    assert '<a class="theme-tag" href="/themes/tos/">ТОС</a>' in page
    assert '<a class="theme-tag" href="/themes/cossacks/">Казачество</a>' in page


def test_newest_first_and_filters(client, themed_report, kogalym, sayan):
    themed_report(Status.PUBLISHED, municipality=sayan, year=2020)
    themed_report(Status.PUBLISHED, municipality=kogalym, year=2022)
    rows = client.get("/themes/cossacks/").context["practices"]
    assert [(p["r_city"], p["r_year"]) for p in rows] == [("Когалым", 2022), ("Саяногорск", 2020)]
    rows = client.get("/themes/cossacks/?year=2020").context["practices"]
    assert [(p["r_city"], p["r_year"]) for p in rows] == [("Саяногорск", 2020)]
    rows = client.get("/themes/cossacks/", {"region": kogalym.region}).context["practices"]
    assert [p["r_city"] for p in rows] == ["Когалым"]


@pytest.mark.parametrize(
    "query", ["?year=abc", "?year=1900", "?region=Нарния", "?page=abc", "?page=999", "?year=99999999999999999999"]
)
def test_bad_filters_are_ignored_with_a_message_never_an_error(client, published, query):
    response = client.get(f"/themes/tos/{query}")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2
    if "year" in query or "region" in query:
        assert "Не применено — такого значения нет" in text(response)


def test_pages_of_practices(client, published):
    for n in range(PAGE_SIZE + 5):
        Achievement.objects.create(report=published, text=f"Форум ТОС номер {n}", position=10 + n)
    suggest_and_publish([published.pk])
    first = client.get("/themes/tos/")
    assert len(first.context["practices"]) == PAGE_SIZE
    second = client.get("/themes/tos/?page=2")
    assert len(second.context["practices"]) == 2 + 5
    assert 'href="?page=2"' in text(first)


def test_unknown_theme_is_404_and_an_old_address_redirects(client, published):
    assert client.get("/themes/no-such-theme/").status_code == 404
    ThemeAlias.objects.create(slug="territorial", theme_id=published.achievements.get().themes.get().pk)
    response = client.get("/themes/territorial/")
    assert response.status_code == 301 and response["Location"] == "/themes/tos/"


@pytest.fixture
def build(themed_report):
    made = [0]

    def make(n):
        for i in range(made[0], made[0] + n):
            city = Municipality.objects.create(name=f"Город{i:03d}", slug=f"gorod-{i:03d}", region=f"Край {i % 3}")
            themed_report(Status.PUBLISHED, municipality=city, year=2000 + i % 20)
        made[0] += n

    return make


@pytest.mark.parametrize("url", ["/themes/", "/themes/tos/", "/themes/tos/?year=2001&region=Край 1", "/api/themes/"])
def test_constant_queries(client, build, url):
    build(1)
    one = count_queries(client, url)
    build(14)
    assert count_queries(client, url) == one


def test_the_report_list_and_search_filter_by_theme(client, themed_report, kogalym, sayan):
    themed_report(Status.PUBLISHED, municipality=sayan, year=2024)
    other = themed_report(Status.PUBLISHED, municipality=kogalym, year=2024)
    other.proposals.get().themes.clear()
    response = client.get("/reports/?theme=cossacks")
    assert [r.municipality.name for r in response.context["reports"]] == ["Саяногорск"]
    assert "Казачество" in response.context["described"]
    assert len(client.get("/reports/?theme=nonsense").context["reports"]) == 2
    assert "Тема" in client.get("/reports/?theme=nonsense").context["ignored"]
    response = client.get("/search/?q=форум&theme=cossacks")
    assert [hit.report.municipality.name for hit in response.context["hits"]] == ["Саяногорск"]
    assert "Только отчёты с пунктами на тему «Казачество»" in text(response)
    assert response.context["total"] == 1
    assert client.get("/search/?q=форум&theme=nonsense").context["total"] == 2
    csv = text(client.get("/reports/export.csv?theme=cossacks"))
    assert "Саяногорск" in csv and "Когалым" not in csv


def test_the_api_gives_items_themes_and_the_list_of_themes(client, published, hidden):
    body = client.get(f"/api/reports/{published.pk}/").json()
    assert body["achievements"][0]["themes"] == [{"slug": "tos", "name": "ТОС"}]
    assert body["proposals"][0]["themes"] == [{"slug": "cossacks", "name": "Казачество"}]
    themes = client.get("/api/themes/").json()
    assert len(themes) == 20
    tos = next(t for t in themes if t["slug"] == "tos")
    assert tos == {
        "slug": "tos",
        "name": "ТОС",
        "description": tos["description"],
        "url": "http://testserver/themes/tos/",
        "published_count": 2,
    }
