"""The rendered body of a report page, cached per version: reused across publications elsewhere,
never stale after an edit of the report, its items or its municipality."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from reports import workflow
from reports.models import Achievement, Municipality
from reports.status import Status
from tests.reports.admin.helpers import item_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def anon():
    return Client()


def body(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200
    return response["X-Report-Body"], response.content.decode()


def test_the_body_is_rendered_once_per_version(anon, published, django_assert_num_queries):
    url = published.get_absolute_url()
    first, html = body(anon, url)
    with django_assert_num_queries(3):  # the report and the two lists of links, no sections
        second, again = body(anon, url)
    assert (first, second) == ("miss", "hit")
    assert again == html and "Проведён форум ТОС" in html


def test_a_publication_elsewhere_keeps_the_body(settings, anon, published, make_report, moderator,
                                                  django_capture_on_commit_callbacks):
    settings.PUBLIC_PAGE_CACHE = True
    url = published.get_absolute_url()
    anon.get(url)
    abaza = Municipality.objects.create(name="Абаза", slug="abaza", region="Республика Хакасия")
    other = make_report(Status.SUBMITTED, municipality=abaza, year=2024, city=moderator)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(other, moderator)
    response = anon.get(url)
    assert response["X-Page-Cache"] == "miss"  # every page is rendered again after a publication…
    assert response["X-Report-Body"] == "hit"  # …but not this report's sections
    assert "Абаза" in response.content.decode()  # the same-year links are fresh


def test_an_item_edit_renders_the_body_again(anon, login, published, django_capture_on_commit_callbacks):
    url = published.get_absolute_url()
    body(anon, url)
    item = Achievement.objects.get(report=published)
    with django_capture_on_commit_callbacks(execute=True):
        response = login("moderator").post(
            reverse("admin:reports_achievement_change", args=[item.pk]),
            item_form_data(item, text="Открыт центр общественных инициатив"),
        )
    assert response.status_code == 302
    state, html = body(anon, url)
    assert state == "miss" and "Открыт центр общественных инициатив" in html


def test_an_item_deleted_renders_the_body_again(anon, login, published, django_capture_on_commit_callbacks):
    url = published.get_absolute_url()
    body(anon, url)
    item = Achievement.objects.get(report=published)
    with django_capture_on_commit_callbacks(execute=True):
        response = login("moderator").post(
            reverse("admin:reports_achievement_delete", args=[item.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    state, html = body(anon, url)
    assert state == "miss" and "Проведён форум ТОС" not in html


def test_a_municipality_edit_renders_the_body_again(anon, login, published, sayan):
    url = published.get_absolute_url()
    body(anon, url)
    response = login("moderator").post(
        reverse("admin:reports_municipality_change", args=[sayan.pk]),
        {"name": sayan.name, "slug": sayan.slug, "region": sayan.region, "website": "https://sayan.example.org/"},
    )
    assert response.status_code == 302
    state, html = body(anon, url)
    assert state == "miss" and "https://sayan.example.org/" in html


def test_highlighted_bodies_are_not_kept(anon, published):
    url = published.get_absolute_url()
    state, html = body(anon, url, data={"q": "форум"})
    assert state == "miss" and "<mark>" in html
    state, html = body(anon, url)
    assert state == "miss" and "<mark>" not in html
    assert body(anon, url, data={"q": "форум"})[0] == "miss"


def test_each_language_has_its_own_body(anon, published):
    url = published.get_absolute_url()
    body(anon, url)
    state, html = body(anon, url, HTTP_ACCEPT_LANGUAGE="en")
    assert state == "miss" and "Achievements" in html
    assert body(anon, url)[0] == "hit"


def test_a_new_release_renders_the_body_again(anon, published, monkeypatch):
    from reports.public import report_body

    url = published.get_absolute_url()
    body(anon, url)
    monkeypatch.setattr(report_body, "release_id", lambda: "next-release")
    assert body(anon, url)[0] == "miss"


def test_a_broken_cache_only_costs_speed(anon, published, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    state, html = body(anon, published.get_absolute_url())
    assert state == "miss" and "Проведён форум ТОС" in html


def test_link_lists_other_years_and_a_dozen_same_year_neighbours(anon, make_report, moderator, sayan):
    """The parts rendered around the cached body: the city's other published years, and up to
    SAME_YEAR_LINKS published reports of the same year from the same region, by name."""
    from reports.public.views import SAME_YEAR_LINKS

    current = make_report(Status.PUBLISHED, municipality=sayan, year=2024)
    make_report(Status.PUBLISHED, municipality=sayan, year=2020)
    make_report(Status.DRAFT, municipality=sayan, year=2021, city=moderator)
    for n in range(SAME_YEAR_LINKS + 2):
        city = Municipality.objects.create(name=f"Сосед {n:02d}", slug=f"sosed-{n:02d}", region=sayan.region)
        make_report(Status.PUBLISHED, municipality=city, year=2024, city=moderator)
    hidden = Municipality.objects.create(name="Сосед-черновик", slug="sosed-draft", region=sayan.region)
    make_report(Status.SUBMITTED, municipality=hidden, year=2024, city=moderator)
    far = Municipality.objects.create(name="Дальний", slug="dalniy", region="Другой край")
    make_report(Status.PUBLISHED, municipality=far, year=2024, city=moderator)

    html = anon.get(current.get_absolute_url()).content.decode()
    assert '<a href="/reports/sayanogorsk/2020/">2020</a>' in html
    assert "/reports/sayanogorsk/2021/" not in html  # a draft
    neighbours = [f"/reports/sosed-{n:02d}/2024/" for n in range(SAME_YEAR_LINKS + 2)]
    assert [url for url in neighbours if url in html] == neighbours[:SAME_YEAR_LINKS]
    assert "sosed-draft" not in html and "dalniy" not in html
    assert '<a href="/reports/?year=2024">' in html
