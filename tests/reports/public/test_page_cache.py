"""The public page cache: fast repeats, never stale, nothing private, conditional GET."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from reports import workflow
from reports.models import Achievement, Municipality
from reports.status import Status
from tests.reports.admin.helpers import item_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def anon():
    return Client()


def get(client, url, **headers):
    return client.get(url, **headers)


def test_second_visit_is_served_from_the_cache_without_queries(anon, published, django_assert_num_queries):
    url = published.get_absolute_url()
    first = get(anon, url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = get(anon, url)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == "text/html; charset=utf-8"
    assert "Content-Security-Policy" in second  # security headers are added to every answer


@pytest.mark.parametrize(
    "url",
    ["/", "/reports/", "/reports/?year=2024", "/municipalities/", "/municipalities/sayanogorsk/", "/search/?q=форум",
     "/api/", "/api/reports/", "/feed/"],
)
def test_every_public_page_is_cached(anon, published, url):
    assert get(anon, url)["X-Page-Cache"] == "miss"
    assert get(anon, url)["X-Page-Cache"] == "hit"


def test_publishing_shows_at_once(anon, make_report, moderator, kogalym, published, django_capture_on_commit_callbacks):
    before = get(anon, "/reports/").content.decode()
    assert "Когалым" not in before
    report = make_report(Status.SUBMITTED, municipality=kogalym, year=2024, city=moderator)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(report, moderator)
    after = get(anon, "/reports/")
    assert after["X-Page-Cache"] == "miss"
    assert "Когалым" in after.content.decode()


def test_withdrawing_removes_the_page_at_once(anon, published, moderator, django_capture_on_commit_callbacks):
    url = published.get_absolute_url()
    assert get(anon, url).status_code == 200
    assert get(anon, url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(published, moderator, "ошибка в цифрах")
    assert get(anon, url).status_code == 404
    assert "Саяногорск" not in get(anon, "/reports/").content.decode()


def test_editing_a_published_report_shows_at_once(anon, login, published, django_capture_on_commit_callbacks):
    url = published.get_absolute_url()
    get(anon, url)
    item = Achievement.objects.get(report=published)
    editor = login("moderator")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            reverse("admin:reports_achievement_change", args=[item.pk]),
            item_form_data(item, text="Открыт новый центр общественных инициатив"),
        )
    assert response.status_code == 302
    page = get(anon, url)
    assert page["X-Page-Cache"] == "miss"
    assert "Открыт новый центр общественных инициатив" in page.content.decode()


def test_renaming_a_municipality_shows_at_once(anon, login, published, sayan, django_capture_on_commit_callbacks):
    get(anon, published.get_absolute_url())
    editor = login("moderator")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            reverse("admin:reports_municipality_change", args=[sayan.pk]),
            {"name": "Город Саяногорск", "slug": sayan.slug, "region": sayan.region, "website": ""},
        )
    assert response.status_code == 302, response.content[:500]
    assert "Город Саяногорск" in get(anon, published.get_absolute_url()).content.decode()


def test_conditional_get_answers_304(anon, published):
    url = published.get_absolute_url()
    first = get(anon, url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert first["Cache-Control"] == "public, max-age=0, must-revalidate"
    not_modified = get(anon, url, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert get(anon, url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert get(anon, url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_after_a_publication_old_etags_no_longer_match(anon, published, make_report, moderator, kogalym,
                                                       django_capture_on_commit_callbacks):
    first = get(anon, "/reports/")
    report = make_report(Status.SUBMITTED, municipality=kogalym, year=2024, city=moderator)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(report, moderator)
    again = get(anon, "/reports/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"]


def test_signed_in_people_are_never_served_from_the_cache(login, published, anon):
    url = published.get_absolute_url()
    get(anon, url)
    client = login("moderator")
    response = client.get(url)
    assert "X-Page-Cache" not in response
    assert client.get("/admin/").status_code == 200


def test_languages_are_cached_separately(anon, published):
    url = published.get_absolute_url()
    ru = get(anon, url)
    en = get(anon, url, HTTP_ACCEPT_LANGUAGE="en")
    assert en["X-Page-Cache"] == "miss"
    assert '<html lang="en"' in en.content.decode() and '<html lang="ru"' in ru.content.decode()
    assert get(anon, url, HTTP_ACCEPT_LANGUAGE="en").content == en.content


def test_api_json_and_html_are_cached_separately(anon, published):
    url = f"/api/reports/{published.pk}/"
    as_json = get(anon, url, HTTP_ACCEPT="application/json")
    as_html = get(anon, url, HTTP_ACCEPT="text/html")
    assert as_json["Content-Type"].startswith("application/json")
    assert as_html["Content-Type"].startswith("text/html")
    assert get(anon, url, HTTP_ACCEPT="application/json")["X-Page-Cache"] == "hit"
    assert get(anon, url, HTTP_ACCEPT="application/json").json()["id"] == published.pk


def test_drafts_and_missing_pages_are_not_cached(anon, hidden_reports):
    draft = hidden_reports[Status.DRAFT]
    url = reverse("public:report_detail", args=[draft.municipality.slug, draft.year])
    assert get(anon, url).status_code == 404
    assert "X-Page-Cache" not in get(anon, url) or get(anon, url)["X-Page-Cache"] == "miss"


def test_back_office_and_posts_are_never_cached(login, anon, published):
    assert "X-Page-Cache" not in anon.get("/admin/login/")
    assert "X-Page-Cache" not in anon.post("/search/", {"q": "форум"})


def test_a_broken_cache_only_costs_speed(anon, published, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    response = get(anon, published.get_absolute_url())
    assert response.status_code == 200
    assert "Проведён форум ТОС" in response.content.decode()


def test_switched_off_by_setting(anon, published, settings):
    settings.PUBLIC_PAGE_CACHE = False
    get(anon, "/")
    assert "X-Page-Cache" not in get(anon, "/")


def test_municipality_added_shows_in_the_list(anon, login, published, django_capture_on_commit_callbacks):
    get(anon, "/municipalities/")
    with django_capture_on_commit_callbacks(execute=True):
        login("moderator").post(
            reverse("admin:reports_municipality_add"),
            {"name": "Новоград", "slug": "novograd", "region": "Новый край", "website": ""},
        )
    assert Municipality.objects.filter(slug="novograd").exists()
    assert get(anon, "/municipalities/")["X-Page-Cache"] == "miss"


def test_filter_facets_are_computed_once_per_generation(published, make_report, moderator, kogalym,
                                                      django_assert_num_queries, django_capture_on_commit_callbacks):
    from reports.public.filters import published_regions, published_years

    assert published_years() == [2024]
    regions = published_regions()
    with django_assert_num_queries(0):
        assert published_years() == [2024] and published_regions() == regions
    report = make_report(Status.SUBMITTED, municipality=kogalym, year=2023, city=moderator)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(report, moderator)
    assert published_years() == [2024, 2023]


# --- one render per miss ---------------------------------------------------------------------


def _slow_render(monkeypatch, seconds, status=None):
    """Count and slow down the rendering of public pages (as a big report on a busy database)."""
    import time

    from reports.public import views

    calls = []
    original = views.render

    def render(*args, **kwargs):
        calls.append(1)
        time.sleep(seconds)
        response = original(*args, **kwargs)
        if status:
            response.status_code = status
        return response

    monkeypatch.setattr(views, "render", render)
    return calls


def _together(url, n):
    """n anonymous GETs of url started at once, each in its own thread; their responses."""
    import threading

    from django.db import connection

    responses, barrier = [None] * n, threading.Barrier(n)

    def fetch(i):
        try:
            barrier.wait()
            responses[i] = Client().get(url)
        finally:
            connection.close()

    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return responses


@pytest.mark.django_db(transaction=True)
def test_simultaneous_misses_render_the_page_once(published, monkeypatch):
    calls = _slow_render(monkeypatch, 0.5)
    responses = _together(published.get_absolute_url(), 4)
    assert len(calls) == 1
    assert [r.status_code for r in responses] == [200] * 4
    assert sorted(r["X-Page-Cache"] for r in responses) == ["hit", "hit", "hit", "miss"]
    assert len({r.content for r in responses}) == 1


@pytest.mark.django_db(transaction=True)
def test_waiters_render_themselves_when_the_page_is_not_stored(published, monkeypatch):
    """The renderer got an answer that is not cached (here: a 500): the others stop waiting at
    once and render their own, they do not sit out RENDER_WAIT."""
    import time

    from reports.public import cache as page_cache

    monkeypatch.setattr(page_cache, "RENDER_WAIT", 20.0)
    calls = _slow_render(monkeypatch, 0.3, status=500)
    started = time.monotonic()
    responses = _together(published.get_absolute_url(), 3)
    assert time.monotonic() - started < 5
    assert [r.status_code for r in responses] == [500] * 3
    assert len(calls) == 3


def test_a_lock_never_released_delays_but_does_not_block(anon, published, monkeypatch):
    """A renderer that died holding the lock: the page is rendered after RENDER_WAIT anyway."""
    from reports.public import cache as page_cache

    monkeypatch.setattr(page_cache, "RENDER_WAIT", 0.2)
    real_add = cache.add
    monkeypatch.setattr(cache, "add", lambda key, *a, **kw: False if key.endswith(":rendering") else real_add(key, *a, **kw))
    response = get(anon, published.get_absolute_url())
    assert response.status_code == 200 and response["X-Page-Cache"] == "miss"
    assert get(anon, published.get_absolute_url())["X-Page-Cache"] == "hit"


def test_the_lock_is_released_after_a_render(anon, published):
    get(anon, published.get_absolute_url())
    assert not [key for key in cache._cache if ":rendering" in key]  # LocMemCache in the tests
