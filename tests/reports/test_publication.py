"""reports.publication: every change the public can see stores the renderings, re-indexes and moves
the generation in its own transaction — and a stored rendering or a cached page is never stale.

Each test caches the public pages first (the page cache is on), makes the change the way the
portal makes it (the workflow, the admin, the importer, the directory, restore), and then checks
both that what is stored equals what a fresh rendering of the database gives now, in every
language, and that what a visitor is served shows the change.
"""

import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.test import Client
from django.urls import reverse
from django.utils import translation

from reports import publication, workflow
from reports.models import Achievement, Municipality, MunicipalityRendering, Report, ReportRendering
from reports.public import renderings
from reports.status import Status
from tests.reports.admin.helpers import item_form_data, report_form_data

pytestmark = pytest.mark.django_db

LANGUAGES = ("ru", "en")


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE = True


@pytest.fixture
def published(make_report, sayan):
    return make_report(Status.PUBLISHED, municipality=sayan, year=2024)


def fresh_report(report_id: int, language: str) -> str:
    report = Report.objects.select_related("municipality").get(pk=report_id)
    prefetch_related_objects([report], *Report.objects.section_prefetches())
    with translation.override(language):
        return renderings.report_body_html(report)


def fresh_city(municipality_id: int, language: str) -> str:
    city = Municipality.objects.get(pk=municipality_id)
    reports = list(Report.objects.published_with_sections().filter(municipality=city).order_by("-year"))
    with translation.override(language):
        return renderings.municipality_body_html(city, reports)


def assert_stored_is_fresh(report: Report) -> None:
    """The stored renderings of a published report and its city equal fresh ones."""
    for language in LANGUAGES:
        stored = ReportRendering.objects.get(report=report, format="html", language=language)
        assert stored.content == fresh_report(report.pk, language), language
        assert stored.stamp == renderings.stamp("report", "html", language)
        city = MunicipalityRendering.objects.get(municipality_id=report.municipality_id, language=language)
        assert city.content == fresh_city(report.municipality_id, language), language
    document = ReportRendering.objects.get(report=report, format="json")
    from reports.api.serializers import ReportDetailSerializer

    expected = ReportDetailSerializer(Report.objects.published_with_sections().get(pk=report.pk)).data
    assert json.loads(document.content) == json.loads(json.dumps(expected))


def reader(language: str) -> Client:
    """A visitor reading in `language` (the language cookie the site's switch sets)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def served(url: str, language: str = "ru") -> str:
    response = reader(language).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def warm(report: Report) -> None:
    for language in LANGUAGES:
        for url in (report.get_absolute_url(), report.municipality.get_absolute_url(), "/reports/", "/feed/"):
            reader(language).get(url)
    Client().get(f"/api/reports/{report.pk}/", HTTP_ACCEPT="application/json")


# --- publish, withdraw -----------------------------------------------------------------------------


def test_publishing_stores_every_rendering_and_moves_the_generation(make_report, moderator, sayan):
    report = make_report(Status.SUBMITTED, municipality=sayan)
    assert not ReportRendering.objects.filter(report=report).exists()
    before = publication.current_generation()
    workflow.publish(report, moderator)
    assert publication.current_generation() > before
    assert set(ReportRendering.objects.filter(report=report).values_list("format", "language")) == {
        ("html", "ru"),
        ("html", "en"),
        ("json", ""),
    }
    assert_stored_is_fresh(report)
    assert "Проведён форум ТОС" in served(report.get_absolute_url())
    assert "Achievements" in served(report.get_absolute_url(), "en")


def test_withdrawing_deletes_the_renderings_and_the_city_page(published, moderator):
    warm(published)
    before = publication.current_generation()
    workflow.withdraw(published, moderator, "ошибка в цифрах")
    assert publication.current_generation() > before
    assert not ReportRendering.objects.filter(report=published).exists()
    assert not MunicipalityRendering.objects.filter(municipality_id=published.municipality_id).exists()
    for language in LANGUAGES:
        page = reader(language).get(published.get_absolute_url())
        assert page.status_code == 410  # its former address says it was withdrawn (public/gone.py)
        assert "Проведён форум ТОС" not in page.content.decode()
        assert reader(language).get(published.municipality.get_absolute_url()).status_code == 404
        assert "Саяногорск" not in served("/reports/", language)
    assert Client().get(f"/api/reports/{published.pk}/").status_code == 404


def test_withdrawing_one_year_keeps_the_city_page_without_it(make_report, moderator, sayan):
    kept = make_report(Status.PUBLISHED, municipality=sayan, year=2023)
    gone = make_report(Status.PUBLISHED, municipality=sayan, year=2024)
    warm(gone)
    workflow.withdraw(gone, moderator, "ошибка")
    page = served(sayan.get_absolute_url())
    assert "/reports/sayanogorsk/2023/" in page and "/reports/sayanogorsk/2024/" not in page
    assert_stored_is_fresh(kept)


# --- edits ---------------------------------------------------------------------------------------------


def test_an_edit_in_the_report_form_of_a_published_report(login, published):
    warm(published)
    data = report_form_data(published, **{"achievements-0-text": "Открыт центр общественных инициатив"})
    response = login("moderator").post(reverse("admin:reports_report_change", args=[published.pk]), data)
    assert response.status_code == 302, response.content[:500]
    assert_stored_is_fresh(published)
    for language in LANGUAGES:
        assert "Открыт центр общественных инициатив" in served(published.get_absolute_url(), language)
        assert "Открыт центр общественных инициатив" in served(published.municipality.get_absolute_url(), language)
    document = Client().get(f"/api/reports/{published.pk}/", HTTP_ACCEPT="application/json").json()
    assert document["achievements"][0]["text"] == "Открыт центр общественных инициатив"


def test_an_item_edited_and_deleted_in_its_own_form(login, published):
    warm(published)
    item = Achievement.objects.get(report=published)
    editor = login("moderator")
    response = editor.post(
        reverse("admin:reports_achievement_change", args=[item.pk]), item_form_data(item, text="Новый текст пункта")
    )
    assert response.status_code == 302
    assert_stored_is_fresh(published)
    assert "Новый текст пункта" in served(published.get_absolute_url())
    response = editor.post(reverse("admin:reports_achievement_delete", args=[item.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert_stored_is_fresh(published)
    assert "Новый текст пункта" not in served(published.get_absolute_url())


def test_edits_of_a_draft_change_nothing_public(login, make_report, kogalym, moderator, published):
    draft = make_report(Status.DRAFT, municipality=kogalym, city=moderator)
    warm(published)
    before = publication.current_generation()
    stored = list(ReportRendering.objects.order_by("pk").values_list("pk", "content"))
    item = Achievement.objects.get(report=draft)
    response = login("moderator").post(
        reverse("admin:reports_achievement_change", args=[item.pk]), item_form_data(item, text="Черновая правка")
    )
    assert response.status_code == 302
    assert publication.current_generation() == before
    assert list(ReportRendering.objects.order_by("pk").values_list("pk", "content")) == stored
    assert not ReportRendering.objects.filter(report=draft).exists()
    assert Client().get(published.get_absolute_url())["X-Page-Cache"] == "hit"


# --- municipalities ------------------------------------------------------------------------------------


def test_renaming_a_municipality_renders_its_reports_and_its_page(login, make_report, moderator, sayan):
    reports = [make_report(Status.PUBLISHED, municipality=sayan, year=year) for year in (2023, 2024)]
    warm(reports[0])
    before = publication.current_generation()
    response = login("moderator").post(
        reverse("admin:reports_municipality_change", args=[sayan.pk]),
        {"name": "Город Саяногорск", "slug": sayan.slug, "region": "Хакасия", "website": "https://sayan.example.org/"},
    )
    assert response.status_code == 302, response.content[:500]
    assert publication.current_generation() > before
    for report in reports:
        assert_stored_is_fresh(report)
        for language in LANGUAGES:
            page = served(report.get_absolute_url(), language)
            assert "Город Саяногорск" in page and "https://sayan.example.org/" in page
    assert "Город Саяногорск" in served(sayan.get_absolute_url())
    from reports import search

    assert [hit.report.pk for hit in search.search("город саяногорск")]


def test_a_municipality_without_published_reports_changes_nothing_public(login, kogalym, published):
    warm(published)
    before = publication.current_generation()
    response = login("moderator").post(
        reverse("admin:reports_municipality_change", args=[kogalym.pk]),
        {"name": "Когалым-2", "slug": kogalym.slug, "region": kogalym.region, "website": ""},
    )
    assert response.status_code == 302
    assert publication.current_generation() == before


def test_the_directory_filling_in_a_website(tmp_path, published, sayan):
    from reports.directory import load_directory

    warm(published)
    Municipality.objects.filter(pk=sayan.pk).update(website="")
    with transaction.atomic():
        publication.municipality_changed(sayan.pk)
    path = tmp_path / "municipalities.csv"
    path.write_text("name,region,website\nСаяногорск,,https://sayan.example.org/\n", encoding="utf-8")
    assert load_directory(path) == (0, 1)
    assert_stored_is_fresh(published)
    assert "https://sayan.example.org/" in served(published.get_absolute_url())


# --- import, restore, languages, releases ---------------------------------------------------------------


def test_an_archive_imported_as_published(sayan, kogalym):
    from reports.importer.loader import store_report
    from reports.importer.parser import parse_file
    from tests.reports.importer.helpers import seed_path

    report = store_report(parse_file(seed_path("000")), publish=True).report
    assert report.status == Status.PUBLISHED
    assert_stored_is_fresh(report)


def test_a_restore_renders_everything_again(tmp_path, published, make_report, moderator, kogalym):
    other = make_report(Status.PUBLISHED, municipality=kogalym, year=2023, city=moderator)
    warm(published)
    archive = tmp_path / "copy.json.gz"
    call_command("backup_portal", output=str(archive), stdout=open("/dev/null", "w"))
    before = publication.current_generation()
    call_command("restore_portal", str(archive), replace=True, yes=True, stdout=open("/dev/null", "w"))
    assert publication.current_generation() > before
    for report in (published, other):
        assert_stored_is_fresh(report)
        assert Client().get(report.get_absolute_url())["X-Page-Cache"] == "miss"


def test_a_new_release_renders_on_read_and_never_serves_the_old(published, monkeypatch):
    url = published.get_absolute_url()
    ReportRendering.objects.filter(report=published, language="ru").update(content="<p>старый шаблон</p>")
    assert "старый шаблон" in served(url)  # same release: the stored body is the truth
    # The new release: other templates or code (a new stamp), new processes (new page keys).
    from portal import page_cache

    monkeypatch.setattr(renderings, "RENDERING_VERSION", renderings.RENDERING_VERSION + 1)
    monkeypatch.setattr(page_cache, "release_id", lambda: "next-release")
    page_cache.clear_process_memory()
    renderings._cached_stamp.cache_clear()
    try:
        page = reader("ru").get(url)  # a new generation is not needed
        body = page.content.decode()
        assert "старый шаблон" not in body and "Проведён форум ТОС" in body
        row = ReportRendering.objects.get(report=published, format="html", language="ru")
        assert row.stamp == renderings.stamp("report", "html", "ru")
    finally:
        renderings._cached_stamp.cache_clear()


def test_each_language_has_its_own_body(published):
    ru, en = served(published.get_absolute_url(), "ru"), served(published.get_absolute_url(), "en")
    assert "Достижения" in ru and "Achievements" in en
    assert ReportRendering.objects.get(report=published, language="en").content in en


# --- the contract --------------------------------------------------------------------------------------


def test_a_failure_after_the_change_rolls_everything_back(published, moderator, monkeypatch):
    before = (publication.current_generation(), list(ReportRendering.objects.values_list("pk", "content")))

    def broken(*args, **kwargs):
        raise RuntimeError("renderer failed")

    monkeypatch.setattr(renderings, "refresh_reports", broken)
    with pytest.raises(RuntimeError):
        workflow.withdraw(published, moderator, "ошибка")
    assert Report.objects.get(pk=published.pk).status == Status.PUBLISHED
    assert (publication.current_generation(), list(ReportRendering.objects.values_list("pk", "content"))) == before
