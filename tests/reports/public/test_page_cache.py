"""The public page cache (portal/page_cache.py): fast repeats, never stale, nothing private,
conditional GET — with whether a page may be served decided by the database."""

import logging

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from portal import page_cache
from reports import publication, workflow
from reports.models import Achievement, Municipality
from reports.status import Status
from tests.reports.admin.helpers import item_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def on(settings):
    settings.PUBLIC_PAGE_CACHE = True
    yield


@pytest.fixture
def anon():
    return Client()


def get(client, url, **headers):
    return client.get(url, **headers)


def test_second_visit_costs_one_query_the_generations(anon, published, django_assert_num_queries):
    url = published.get_absolute_url()
    first = get(anon, url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(1) as captured:
        second = get(anon, url)
    assert "reports_publicgeneration" in captured.captured_queries[0]["sql"]
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == "text/html; charset=utf-8"
    assert "Content-Security-Policy" in second  # security headers are added to every answer


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/reports/",
        "/reports/?year=2024",
        "/municipalities/",
        "/municipalities/sayanogorsk/",
        "/search/?q=форум",
        "/api/",
        "/api/reports/",
        "/feed/",
    ],
)
def test_every_public_page_is_cached(anon, published, url):
    assert get(anon, url)["X-Page-Cache"] == "miss"
    assert get(anon, url)["X-Page-Cache"] == "hit"


def test_publishing_shows_at_once(anon, make_report, moderator, kogalym, published):
    before = get(anon, "/reports/").content.decode()
    assert "Когалым" not in before
    report = make_report(Status.SUBMITTED, municipality=kogalym, year=2024, city=moderator)
    workflow.publish(report, moderator)
    after = get(anon, "/reports/")
    assert after["X-Page-Cache"] == "miss"
    assert "Когалым" in after.content.decode()


def test_withdrawing_removes_the_page_at_once(anon, published, moderator):
    url = published.get_absolute_url()
    assert get(anon, url).status_code == 200
    assert get(anon, url)["X-Page-Cache"] == "hit"
    assert get(anon, f"/api/reports/{published.pk}/").status_code == 200
    workflow.withdraw(published, moderator, "ошибка в цифрах")
    assert get(anon, url).status_code == 410  # the former address says so (test_gone.py)
    assert get(anon, f"/api/reports/{published.pk}/").status_code == 404
    assert get(anon, "/municipalities/sayanogorsk/").status_code == 404
    for page in ("/reports/", "/feed/", "/api/reports/", "/"):
        assert "Саяногорск" not in get(anon, page).content.decode(), page


def test_a_withdrawal_that_rolls_back_changes_nothing(anon, published, moderator, monkeypatch):
    url = published.get_absolute_url()
    first = get(anon, url)
    generation = publication.current_generation()

    def broken(*args, **kwargs):
        raise RuntimeError("mail queue down")

    monkeypatch.setattr(workflow, "report_snapshot", broken)
    with pytest.raises(RuntimeError):
        workflow.withdraw(published, moderator, "ошибка")
    assert publication.current_generation() == generation
    again = get(anon, url)
    assert again.status_code == 200 and again["X-Page-Cache"] == "hit" and again.content == first.content


def test_editing_a_published_report_shows_at_once(anon, login, published):
    url = published.get_absolute_url()
    get(anon, url)
    item = Achievement.objects.get(report=published)
    response = login("moderator").post(
        reverse("admin:reports_achievement_change", args=[item.pk]),
        item_form_data(item, text="Открыт новый центр общественных инициатив"),
    )
    assert response.status_code == 302
    page = get(anon, url)
    assert page["X-Page-Cache"] == "miss"
    assert "Открыт новый центр общественных инициатив" in page.content.decode()


def test_editing_a_draft_keeps_every_cached_page(anon, login, published, make_report, kogalym, moderator):
    draft = make_report(Status.DRAFT, municipality=kogalym, year=2024, city=moderator)
    url = published.get_absolute_url()
    get(anon, url)
    generation = publication.current_generation()
    item = Achievement.objects.get(report=draft)
    response = login("moderator").post(
        reverse("admin:reports_achievement_change", args=[item.pk]), item_form_data(item, text="Черновая правка")
    )
    assert response.status_code == 302
    assert publication.current_generation() == generation
    assert get(anon, url)["X-Page-Cache"] == "hit"


def test_renaming_a_municipality_shows_at_once(anon, login, published, sayan):
    get(anon, published.get_absolute_url())
    editor = login("moderator")
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
    assert get(anon, url, HTTP_IF_NONE_MATCH=etag, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert get(anon, url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    # Last-Modified has whole seconds: two versions made within one second would share it, so a
    # date alone never earns a 304 (it would be stale for the older version).
    assert get(anon, url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 200


def test_after_a_publication_old_etags_no_longer_match(anon, published, make_report, moderator, kogalym):
    first = get(anon, "/reports/")
    report = make_report(Status.SUBMITTED, municipality=kogalym, year=2024, city=moderator)
    workflow.publish(report, moderator)
    again = get(anon, "/reports/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"]


def test_after_a_withdrawal_an_old_etag_gets_the_410(anon, published, moderator):
    url = published.get_absolute_url()
    etag = get(anon, url)["ETag"]
    workflow.withdraw(published, moderator, "ошибка")
    assert get(anon, url, HTTP_IF_NONE_MATCH=etag).status_code == 410


def test_signed_in_people_are_never_served_from_the_cache(login, published, anon):
    url = published.get_absolute_url()
    get(anon, url)
    client = login("moderator")
    response = client.get(url)
    assert "X-Page-Cache" not in response
    assert client.get("/admin/").status_code == 200


def english():
    """A visitor who chose English with the switch (the language cookie)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize("url", ["/", "/reports/", "/municipalities/sayanogorsk/", "/api/", "report"])
def test_languages_are_cached_separately(anon, published, url):
    url = published.get_absolute_url() if url == "report" else url
    ru = get(anon, url)
    en = get(english(), url)
    assert ru["X-Page-Cache"] == en["X-Page-Cache"] == "miss"
    assert '<html lang="en"' in en.content.decode() and '<html lang="ru"' in ru.content.decode()
    # Each served from its own copy, never the other language's: in either order, however the
    # browser is set up.
    for _ in range(2):
        again_en = get(english(), url, HTTP_ACCEPT_LANGUAGE="ru")
        again_ru = get(Client(), url, HTTP_ACCEPT_LANGUAGE="en")
        assert again_en["X-Page-Cache"] == again_ru["X-Page-Cache"] == "hit"
        assert again_en.content == en.content and again_ru.content == ru.content
        assert again_en["ETag"] != again_ru["ETag"]
        assert again_en["Content-Language"] == "en" and again_ru["Content-Language"] == "ru"
    # A 304 for the copy a browser holds only when it is that language's copy.
    assert get(english(), url, HTTP_IF_NONE_MATCH=en["ETag"]).status_code == 304
    assert get(Client(), url, HTTP_IF_NONE_MATCH=en["ETag"]).status_code == 200


def test_browser_languages_share_one_copy(anon, published):
    """The key does not hold Accept-Language: every browser setting is one Russian page (one copy),
    and the page varies by Cookie only."""
    url = published.get_absolute_url()
    first = get(anon, url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert first["X-Page-Cache"] == "miss" and '<html lang="ru"' in first.content.decode()
    for header in ("en", "de-DE", "ru-RU,ru;q=0.9", "fr;q=0.1", ""):
        again = get(Client(), url, HTTP_ACCEPT_LANGUAGE=header)
        assert again["X-Page-Cache"] == "hit", header
        assert again.content == first.content
    vary = {v.strip().lower() for v in first["Vary"].split(",")}
    assert "cookie" in vary and "accept-language" not in vary


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
    assert get(anon, url)["X-Page-Cache"] == "miss"


def test_back_office_and_posts_are_never_cached(login, anon, published):
    assert "X-Page-Cache" not in anon.get("/admin/login/")
    assert "X-Page-Cache" not in anon.post("/search/", {"q": "форум"})


def test_switched_off_by_setting(anon, published, settings):
    settings.PUBLIC_PAGE_CACHE = False
    get(anon, "/")
    assert "X-Page-Cache" not in get(anon, "/")


def test_municipality_added_shows_in_the_list(anon, login, published):
    get(anon, "/municipalities/")
    login("moderator").post(
        reverse("admin:reports_municipality_add"),
        {"name": "Новоград", "slug": "novograd", "region": "Новый край", "website": ""},
    )
    assert Municipality.objects.filter(slug="novograd").exists()
    # A city without published reports is on no public page: the cached list stays true.
    assert get(anon, "/municipalities/")["X-Page-Cache"] == "hit"


def test_the_database_is_down_the_page_is_not_served_from_memory(anon, published, monkeypatch):
    """Whether a page is current is asked of the database; without an answer nothing is served
    from the cache (the view then meets the outage and answers with the 503 page)."""
    from django.db import OperationalError

    url = published.get_absolute_url()
    get(anon, url)

    def down():
        raise OperationalError("connection refused")

    monkeypatch.setattr(page_cache, "generations", lambda scopes: down())
    monkeypatch.setattr("reports.public.renderings.report_page", lambda *args: down())
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 503
    assert "X-Page-Cache" not in response


# --- facts per generation ----------------------------------------------------------------------


def test_filter_facets_are_computed_once_per_generation(
    published, make_report, moderator, kogalym, django_assert_num_queries
):
    from reports.facets import published_regions, published_years

    assert published_years() == [2024]
    regions = published_regions()
    with django_assert_num_queries(2):  # the generation, twice; not the facts
        assert published_years() == [2024] and published_regions() == regions
    report = make_report(Status.SUBMITTED, municipality=kogalym, year=2023, city=moderator)
    workflow.publish(report, moderator)
    assert published_years() == [2024, 2023]


# --- where pages are kept ----------------------------------------------------------------------


def test_process_memory_keeps_the_recently_used_pages_within_its_limit():
    pages = page_cache.ProcessPages(limit=100)
    pages.put("a", (b"x" * 40, []))
    pages.put("b", (b"y" * 40, []))
    assert pages.get("a") is not None  # "a" is now the most recently used
    pages.put("c", (b"z" * 40, []))
    assert pages.get("b") is None and pages.get("a") is not None and pages.get("c") is not None
    assert pages.size == 80
    pages.put("a", (b"w" * 10, []))  # rendered again
    assert pages.size == 50
    pages.put("huge", (b"h" * 101, []))
    assert pages.get("huge") is None and pages.size == 50


def test_a_page_in_the_shared_cache_is_found_by_another_process(settings, anon, published):
    settings.CACHE_IS_SHARED = True  # the tests' memory cache stands in for Redis
    url = "/reports/"
    first = get(anon, url)
    page_cache.process_pages.clear()  # another process: nothing in its memory
    second = Client().get(url)
    assert second["X-Page-Cache"] == "hit" and second.content == first.content
    assert len(page_cache.process_pages.pages) == 1  # and now in this one's too


def test_pages_of_single_reports_and_cities_stay_in_process_memory(settings, anon, published):
    settings.CACHE_IS_SHARED = True
    for url in (
        published.get_absolute_url(),
        published.municipality.get_absolute_url(),
        f"/api/reports/{published.pk}/",
    ):
        assert get(anon, url)["X-Page-Cache"] == "miss"
        assert get(anon, url)["X-Page-Cache"] == "hit"
    assert not [key for key in cache._cache if ":page:" in key]  # none went to the shared cache
    get(anon, "/reports/")
    assert [key for key in cache._cache if ":page:" in key]


def test_a_shared_cache_that_lost_or_kept_old_pages_only_costs_speed(settings, anon, published, moderator):
    """The shared cache keeps pages of old generations (an invalidation that never reached it,
    a Redis that was down during a withdrawal): they are never looked up again."""
    settings.CACHE_IS_SHARED = True
    url = "/reports/"
    assert "Саяногорск" in get(anon, url).content.decode()
    kept = dict(cache._cache)  # LocMemCache: everything the "Redis" holds
    workflow.withdraw(published, moderator, "ошибка")
    cache._cache.update(kept)  # as if the withdrawal had never reached it
    page_cache.process_pages.clear()
    assert "Саяногорск" not in Client().get(url).content.decode()


def test_a_broken_shared_cache_only_costs_speed(settings, anon, published, monkeypatch):
    settings.CACHE_IS_SHARED = True
    monkeypatch.setattr(cache, "get", lambda *a, **k: None)  # what django-redis answers when Redis is down
    monkeypatch.setattr(cache, "set", lambda *a, **k: None)
    response = get(anon, "/reports/")
    assert response.status_code == 200
    assert "Саяногорск" in response.content.decode()


# --- the configuration --------------------------------------------------------------------------


def test_several_processes_without_a_shared_cache_turn_it_off(settings, caplog):
    settings.SERVER_PROCESSES, settings.CACHE_IS_SHARED = 5, False
    with caplog.at_level(logging.WARNING, logger="portal.page_cache"):
        assert page_cache.page_cache_enabled() is False
    assert "Public page cache is OFF: 5 worker processes and no shared cache" in caplog.text
    settings.CACHE_IS_SHARED = True
    assert page_cache.page_cache_enabled() is True
    settings.SERVER_PROCESSES, settings.CACHE_IS_SHARED = 1, False
    assert page_cache.page_cache_enabled() is True
    settings.PUBLIC_PAGE_CACHE = False
    assert page_cache.page_cache_enabled() is False


def test_gunicorn_tells_the_portal_its_number_of_workers(monkeypatch):
    import os
    import runpy

    from tests.portal.live import ROOT

    monkeypatch.setenv("GUNICORN_WORKERS", "7")
    monkeypatch.delenv("PORTAL_SERVER_PROCESSES", raising=False)
    runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert os.environ["PORTAL_SERVER_PROCESSES"] == "7"


# --- the generation ------------------------------------------------------------------------------


def test_the_generation_moves_with_the_transaction(published):
    before = publication.current_generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        publication.advance(publication.LISTS)
        assert publication.current_generation() > before
        raise RuntimeError("rolled back")
    assert publication.current_generation() == before
    with transaction.atomic():
        publication.advance(publication.LISTS)
    assert publication.current_generation() > before


def test_generation_numbers_only_grow_and_are_times(published):
    import time

    from reports.public.models import PublicGeneration

    PublicGeneration.objects.update(number=10**18)  # a number from the future (a clock set back)
    with transaction.atomic():
        publication.advance(publication.ALL, publication.LISTS)
    assert publication.generations([publication.ALL, publication.LISTS]) == (10**18 + 1, 10**18 + 1)
    PublicGeneration.objects.update(number=5)  # an old number: the next is the time, not 6
    with transaction.atomic():
        publication.advance(publication.ALL)
    assert abs(publication.generations([publication.ALL])[0] / 1_000_000 - time.time()) < 60
    PublicGeneration.objects.all().delete()  # a flushed database
    assert publication.generations([publication.ALL, "city:nowhere"]) == (0, 0)
    with transaction.atomic():
        publication.advance("city:nowhere")
    assert abs(publication.generations(["city:nowhere"])[0] / 1_000_000 - time.time()) < 60


@pytest.mark.django_db(transaction=True)
def test_the_service_refuses_to_work_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        publication.advance(publication.ALL)


# --- scopes: what a change leaves cached -----------------------------------------------------------


def test_a_publication_of_another_city_and_year_keeps_a_report_page(anon, published, make_report, moderator, kogalym):
    url = published.get_absolute_url()  # Саяногорск, 2024
    get(anon, url)
    other = make_report(Status.SUBMITTED, municipality=kogalym, year=2023, city=moderator)
    workflow.publish(other, moderator)
    assert get(anon, url)["X-Page-Cache"] == "hit"
    assert get(anon, "/reports/")["X-Page-Cache"] == "miss"  # the lists changed


def test_a_neighbour_of_the_same_year_shows_on_a_cached_report_page(anon, published, make_report, moderator, sayan):
    url = published.get_absolute_url()
    assert "/reports/abaza/2024/" not in get(anon, url).content.decode()
    abaza = Municipality.objects.create(name="Абаза", slug="abaza", region=sayan.region)
    neighbour = make_report(Status.SUBMITTED, municipality=abaza, year=2024, city=moderator)
    workflow.publish(neighbour, moderator)
    page = get(anon, url)
    assert page["X-Page-Cache"] == "miss" and "/reports/abaza/2024/" in page.content.decode()


def test_another_year_of_the_same_city_shows_on_a_cached_report_page(anon, published, make_report, moderator, sayan):
    url = published.get_absolute_url()
    get(anon, sayan.get_absolute_url())
    assert "/reports/sayanogorsk/2019/" not in get(anon, url).content.decode()
    earlier = make_report(Status.SUBMITTED, municipality=sayan, year=2019, city=moderator)
    workflow.publish(earlier, moderator)
    assert "/reports/sayanogorsk/2019/" in get(anon, url).content.decode()
    assert "/reports/sayanogorsk/2019/" in get(anon, sayan.get_absolute_url()).content.decode()


def test_a_municipality_edit_is_a_change_of_everything(anon, login, published, make_report, moderator, kogalym):
    other = make_report(Status.PUBLISHED, municipality=kogalym, year=2020, city=moderator)
    get(anon, published.get_absolute_url())
    get(anon, other.get_absolute_url())
    response = login("moderator").post(
        reverse("admin:reports_municipality_change", args=[kogalym.pk]),
        {"name": "Когалым", "slug": kogalym.slug, "region": "Новый регион", "website": ""},
    )
    assert response.status_code == 302
    assert get(anon, published.get_absolute_url())["X-Page-Cache"] == "miss"


# --- junk parameters and made-up cookies (a hostile test filled 3 MB in 30 s, and bypassed it) ---


def test_parameters_a_page_does_not_read_neither_make_copies_nor_reach_the_page(anon, published):
    first = get(anon, "/reports/?year=2024&page=1")
    assert first["X-Page-Cache"] == "miss"
    for junk in ("utm_source=mail&", "x=1&y=2&", "fbclid=abc&", ""):
        again = get(anon, f"/reports/?{junk}page=1&year=2024")  # another order too
        assert again["X-Page-Cache"] == "hit", junk
        assert again.content == first.content
    assert "utm_source" not in first.content.decode()


def test_junk_parameters_do_not_grow_the_process_memory(anon, published):
    get(anon, "/reports/")
    used = (len(page_cache.process_pages.pages), page_cache.process_pages.size)
    for n in range(50):
        assert get(anon, f"/reports/?junk{n}={n}")["X-Page-Cache"] == "hit"
    assert (len(page_cache.process_pages.pages), page_cache.process_pages.size) == used


def test_the_parameters_a_page_reads_still_make_their_own_pages(anon, published, make_report, moderator, kogalym):
    everything = get(anon, "/reports/")
    one_year = get(anon, "/reports/?year=2024")
    assert one_year["X-Page-Cache"] == "miss"
    search = get(anon, "/search/?q=форум&utm=1")
    assert search.status_code == 200 and "форум" in search.content.decode().lower()
    api = anon.get("/api/reports/?year=2024&junk=1", HTTP_ACCEPT="application/json")
    assert api.status_code == 200 and api.json()["count"] == 1
    assert everything.status_code == one_year.status_code == 200


def test_pagination_links_keep_only_the_pages_own_parameters(anon, published, make_report, sayan):
    make_report(Status.PUBLISHED, municipality=sayan, year=2023)
    data = get(anon, "/api/reports/?page_size=1&tracking=1&format=json").json()
    assert data["count"] == 2
    assert data["next"].endswith("/api/reports/?format=json&page=2&page_size=1")
    html = get(anon, "/reports/?tracking=1&sort=year").content.decode()
    assert "tracking" not in html


def test_a_made_up_session_cookie_gets_the_cached_page(anon, published):
    url = published.get_absolute_url()
    get(anon, url)
    stranger = Client()
    stranger.cookies["sessionid"] = "x" * 32
    assert get(stranger, url)["X-Page-Cache"] == "hit"


def test_a_session_without_a_signed_in_person_gets_the_cached_page(anon, published):
    from importlib import import_module

    from django.conf import settings

    url = published.get_absolute_url()
    get(anon, url)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["language_seen"] = True
    store.save()
    visitor = Client()
    visitor.cookies["sessionid"] = store.session_key
    assert get(visitor, url)["X-Page-Cache"] == "hit"
