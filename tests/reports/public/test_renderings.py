"""reports.public.renderings: the stored public form of reports and city pages — read in one query,
made on read when missing or made by an older release, made again by `render_public_pages`."""

import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client

from reports import publication, workflow
from reports.models import Achievement, Municipality, MunicipalityRendering, Report, ReportRendering
from reports.public import renderings
from reports.status import Status

pytestmark = pytest.mark.django_db


def body_of(url, **headers):
    response = Client().get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_stored_body(published):
    ReportRendering.objects.filter(report=published, language="ru").update(content="<article>хранится</article>")
    assert "<article>хранится</article>" in body_of(published.get_absolute_url())


def test_a_missing_rendering_is_made_on_read_and_kept(published, django_assert_max_num_queries):
    ReportRendering.objects.filter(report=published).delete()
    MunicipalityRendering.objects.all().delete()
    page = body_of(published.get_absolute_url())
    assert "Проведён форум ТОС" in page
    assert ReportRendering.objects.filter(report=published, format="html", language="ru").exists()
    assert "Саяногорск" in body_of(published.municipality.get_absolute_url())
    assert MunicipalityRendering.objects.filter(municipality=published.municipality, language="ru").exists()
    document = Client().get(f"/api/reports/{published.pk}/", HTTP_ACCEPT="application/json").json()
    assert document["achievements"][0]["text"] == "Проведён форум ТОС 2024"
    with django_assert_max_num_queries(2):
        body_of(published.get_absolute_url())  # stored now


def test_one_made_by_an_older_release_is_made_again_on_read(published):
    ReportRendering.objects.filter(report=published, language="ru").update(content="старое", stamp="old-release")
    page = body_of(published.get_absolute_url())
    assert "старое" not in page and "Проведён форум ТОС" in page
    assert ReportRendering.objects.get(report=published, language="ru").stamp == renderings.stamp(
        "report", "html", "ru"
    )


def test_search_highlighting_is_never_stored(published):
    stored = ReportRendering.objects.get(report=published, language="ru").content
    page = body_of(published.get_absolute_url() + "?q=форум")
    assert "<mark>" in page
    assert ReportRendering.objects.get(report=published, language="ru").content == stored
    assert "<mark>" not in body_of(published.get_absolute_url())


def test_a_city_without_published_reports_has_no_page(hidden_reports):
    for report in hidden_reports.values():
        assert Client().get(report.municipality.get_absolute_url()).status_code == 404
    assert not MunicipalityRendering.objects.exists()
    assert Client().get("/municipalities/no-such-city/").status_code == 404


def test_only_published_reports_have_renderings(published, hidden_reports):
    assert set(ReportRendering.objects.values_list("report_id", flat=True)) == {published.pk}


def test_the_link_lists_in_one_query(client, make_report, moderator, sayan):
    """Around the stored body: the city's other published years, and up to SAME_YEAR_LINKS published
    reports of the same year from the same region, by name — never a draft."""
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

    html = body_of(current.get_absolute_url())
    assert '<a href="/reports/sayanogorsk/2020/">2020</a>' in html
    assert "/reports/sayanogorsk/2021/" not in html  # a draft
    neighbours = [f"/reports/sosed-{n:02d}/2024/" for n in range(SAME_YEAR_LINKS + 2)]
    assert [url for url in neighbours if url in html] == neighbours[:SAME_YEAR_LINKS]
    assert "sosed-draft" not in html and "dalniy" not in html
    assert '<a href="/reports/?year=2024">' in html


# --- render_public_pages ---------------------------------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    call_command("render_public_pages", *args, stdout=out)
    return out.getvalue()


def test_the_command_makes_only_what_is_missing_or_old(published, make_report, moderator, kogalym):
    other = make_report(Status.PUBLISHED, municipality=kogalym, year=2023, city=moderator)
    assert "отчётов 0, городов 0" in run()
    ReportRendering.objects.filter(report=published, format="json").delete()
    ReportRendering.objects.filter(report=other, language="en").update(stamp="old", content="old")
    MunicipalityRendering.objects.filter(municipality=kogalym, language="ru").update(stamp="old")
    assert "отчётов 2, городов 1" in run()
    assert ReportRendering.objects.get(report=other, language="en").content != "old"
    assert ReportRendering.objects.filter(report=published, format="json").exists()
    assert "отчётов 2, городов 2" in run("--all")


def test_the_command_in_parts(published, make_report, moderator, kogalym):
    other = make_report(Status.PUBLISHED, municipality=kogalym, year=2023, city=moderator)
    ReportRendering.objects.all().delete()
    MunicipalityRendering.objects.all().delete()
    run("--shard", "0/2")
    run("--shard", "1/2")
    assert ReportRendering.objects.filter(report__in=[published, other]).count() == 6
    assert MunicipalityRendering.objects.count() == 4


# --- a rendering made on read never overwrites a newer one (PostgreSQL, two connections) -----------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real row-lock race needs PostgreSQL")
def test_a_rendering_made_on_read_waits_for_an_edit_in_progress(make_report, sayan, moderator, monkeypatch):
    """A visitor's request finds the body out of date just while an editor's change of the report is
    being committed: the request waits for the report's row, renders the committed text and never
    stores the old one over the new."""
    from accounts.roles import sync_roles

    sync_roles()
    report = make_report(Status.PUBLISHED, municipality=sayan, year=2024)
    ReportRendering.objects.filter(report=report, language="ru").update(stamp="old-release")
    holding, answers = threading.Event(), {}

    def edit():
        try:
            with transaction.atomic():
                locked = Report.objects.select_for_update().get(pk=report.pk)
                Achievement.objects.filter(report=locked).update(text="Текст после правки")
                publication.report_changed(locked)
                holding.set()
                time.sleep(0.5)  # the visitor's request arrives now
        finally:
            connection.close()

    def read():
        try:
            assert holding.wait(10)
            answers["page"] = Client().get(report.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
        finally:
            connection.close()

    threads = [threading.Thread(target=edit), threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert "Текст после правки" in answers["page"]
    assert "Текст после правки" in ReportRendering.objects.get(report=report, language="ru").content
    workflow.withdraw(Report.objects.get(pk=report.pk), moderator, "конец")
