"""Public downloads: /compendium/, the year's files, the single report's PDF; only published."""

import pytest
from django.urls import reverse

from compendium import build, schedule
from compendium.models import CompendiumFile
from reports import workflow
from reports.models import Report
from reports.status import Status

from .conftest import DRAFT_SECRET, WITHDRAWN_SECRET, pdf_pages

pytestmark = pytest.mark.django_db


def content_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_download_pdf_and_docx_with_names_and_etag(client, year_reports):
    response = client.get("/compendium/2024.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert 'filename="ASDG-compendium-2024.pdf"' in disposition
    assert "filename*=UTF-8''%D0%A1%D0%B1%D0%BE%D1%80%D0%BD%D0%B8%D0%BA" in disposition  # «Сборник»
    data = content_of(response)
    assert data.startswith(b"%PDF")
    etag = response["ETag"]
    again = client.get("/compendium/2024.pdf", headers={"if-none-match": etag})
    assert again.status_code == 304 and again["ETag"] == etag
    docx = client.get("/compendium/2024.docx")
    assert docx.status_code == 200 and docx["Content-Type"].endswith("wordprocessingml.document")
    assert content_of(docx).startswith(b"PK")
    assert 'filename="ASDG-compendium-2024.docx"' in docx["Content-Disposition"]


@pytest.mark.parametrize(
    "url", ["/compendium/2011.pdf", "/compendium/2011.docx", "/compendium/1.pdf", "/compendium/99999.pdf"]
)
def test_years_without_published_reports_are_404(client, make_report, url, moderator, sayan):
    make_report(Status.DRAFT, municipality=sayan, year=2011, city=moderator)
    assert client.get(url).status_code == 404


def test_a_withdrawn_report_is_never_served_from_an_older_file(client, year_reports, moderator):
    assert client.get("/compendium/2024.pdf").status_code == 200
    workflow.perform(Report.objects.get(pk=year_reports[0].pk), moderator, "withdraw", "ошибка")
    # The recorded file still holds it: not servable any more.
    record = CompendiumFile.objects.get(year=2024, format="pdf")
    assert not build.servable(record, build.published_stamps(2024))
    # Without a worker the download rebuilds it first.
    text = "\n".join(pdf_pages(content_of(client.get("/compendium/2024.pdf"))))
    assert "Лесосибирск" not in text and "Абакан" in text


def test_with_a_worker_an_unservable_file_is_preparing(client, year_reports, moderator, settings, monkeypatch):
    client.get("/compendium/2024.pdf")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued = []
    monkeypatch.setattr(schedule, "dispatch", lambda year, at, countdown=None: queued.append((year, countdown)))
    workflow.perform(Report.objects.get(pk=year_reports[0].pk), moderator, "withdraw", "ошибка")
    response = client.get("/compendium/2024.pdf")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "готовится" in response.content.decode()
    assert b"%PDF" not in response.content
    assert (2024, 0) in queued


def test_list_shows_published_years_only(client, year_reports, make_report, moderator, sayan):
    make_report(Status.DRAFT, municipality=sayan, year=2011, city=moderator)
    page = client.get("/compendium/").content.decode()
    assert "/compendium/2024.pdf" in page and "/compendium/2024.docx" in page
    assert "2011" not in page
    assert DRAFT_SECRET not in page and WITHDRAWN_SECRET not in page


def test_list_costs_the_same_queries_whatever_the_years(
    client, make_report, moderator, sayan, django_assert_num_queries
):
    make_report(Status.PUBLISHED, municipality=sayan, year=2020, city=moderator)
    client.get("/compendium/")
    with django_assert_num_queries(2):
        client.get("/compendium/")
    for year in (2021, 2022, 2023):
        make_report(Status.PUBLISHED, municipality=sayan, year=year, city=moderator)
    with django_assert_num_queries(2):
        assert client.get("/compendium/").status_code == 200


def test_single_report_pdf_has_portal_address_and_date_on_every_page(client, year_reports):
    report = year_reports[0]
    url = reverse("compendium:report_pdf", args=[report.municipality.slug, 2024])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="ASDG-report-lesosibirsk-2024.pdf"' in response["Content-Disposition"]
    pages = pdf_pages(response.content)
    for text in pages:
        assert "Портал отчётов АСДГ" in text
        assert "/reports/lesosibirsk/2024/" in text
        assert "Опубликован" in text
    assert "Проведён форум ТОС 2024" in "\n".join(pages)


def test_single_report_pdf_of_a_hidden_report_is_404(client, year_reports):
    assert client.get("/reports/draft-city/2024/pdf/").status_code == 404
    assert client.get("/reports/gone-city/2024/pdf/").status_code == 404
    assert client.get("/reports/nowhere/2024/pdf/").status_code == 404


def test_report_page_links_its_pdf_and_print_stylesheet(client, year_reports):
    page = client.get(year_reports[0].get_absolute_url()).content.decode()
    assert "/reports/lesosibirsk/2024/pdf/" in page and "Скачать PDF" in page
    assert "public/print.css" in page and 'class="print-running" hidden' in page
