"""The Word template with the section headings: who may download it, what is in it, where it is
offered, and that a filled template uploads cleanly into the right sections."""

from __future__ import annotations

import io
from urllib.parse import unquote

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reports.importer.template import MUNICIPALITY_PLACEHOLDER, section_headings
from reports.models import SECTIONS, Report
from reports.status import Status
from tests.reports.importer.helpers import fill_template

from .helpers import assert_login_redirect, text_of
from .test_upload import UPLOAD_URL, form_errors, nothing_stored, page, summary_notes, summary_url

pytestmark = pytest.mark.django_db

TEMPLATE_URL = reverse("admin:reports_report_upload_template")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ITEMS = {
    "achievements": ["Проведён городской форум ТОС.", "Открыт ресурсный центр общественных инициатив."],
    "problems": ["Жители мало знают о конкурсе проектов ТОС."],
    "tasks": ["Провести обучающий семинар для председателей ТОС."],
    "proposals": ["Методические рекомендации по работе с молодёжными советами."],
}


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def first_line(response) -> str:
    return docx.Document(io.BytesIO(body(response))).paragraphs[0].text


def test_anonymous_is_sent_to_login(login):
    assert_login_redirect(login("anon").get(TEMPLATE_URL), TEMPLATE_URL)


def test_staff_without_a_role_gets_403(login):
    assert login("norole").get(TEMPLATE_URL).status_code == 403


def test_the_city_editor_gets_a_template_for_their_city(login):
    response = login("city").get(TEMPLATE_URL, {"year": 2024})
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    disposition = unquote(response["Content-Disposition"])
    assert disposition.startswith("attachment;")
    assert "Шаблон отчёта Саяногорск 2024.docx" in disposition
    document = docx.Document(io.BytesIO(body(response)))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts == ["САЯНОГОРСК", *(heading for _section, heading in section_headings(2024))]


def test_without_a_year_the_template_is_for_last_year(login):
    response = login("city").get(TEMPLATE_URL)
    year = timezone.localdate().year - 1
    assert f"Шаблон отчёта Саяногорск {year}.docx" in unquote(response["Content-Disposition"])
    for bad in ("abc", "1200", "-5", ""):
        response = login("city").get(TEMPLATE_URL, {"year": bad})
        assert f"{year}.docx" in unquote(response["Content-Disposition"]), bad


def test_another_citys_name_is_not_given_to_a_city_editor(login, kogalym):
    response = login("city").get(TEMPLATE_URL, {"municipality": kogalym.pk, "year": 2024})
    assert first_line(response) == "САЯНОГОРСК"
    assert "Когалым" not in unquote(response["Content-Disposition"])


def test_the_association_gets_a_template_for_any_city_or_a_blank_one(login, kogalym):
    client = login("moderator")
    assert first_line(client.get(TEMPLATE_URL, {"year": 2024})) == MUNICIPALITY_PLACEHOLDER
    response = client.get(TEMPLATE_URL, {"municipality": kogalym.pk, "year": 2024})
    assert first_line(response) == "КОГАЛЫМ"
    assert "Шаблон отчёта Когалым 2024.docx" in unquote(response["Content-Disposition"])


def test_the_upload_page_and_the_start_page_offer_it(login, sayan):
    upload_page = login("city").get(UPLOAD_URL)
    assert f'href="{TEMPLATE_URL}?municipality={sayan.pk}"' in text_of(upload_page)
    assert "Скачать шаблон Word с заголовками разделов" in page(upload_page)
    start = login("city").get(reverse("admin:index"))
    assert f'href="{TEMPLATE_URL}?year=' in text_of(start)
    assert "Скачать шаблон отчёта (Word)" in page(start)
    # The Association's upload page offers the blank template.
    assert f'href="{TEMPLATE_URL}"' in text_of(login("moderator").get(UPLOAD_URL))


def test_the_template_link_follows_the_choices_after_an_error(login, sayan, kogalym):
    response = login("moderator").post(
        UPLOAD_URL,
        {"document": SimpleUploadedFile("x.pdf", b"%PDF"), "municipality": kogalym.pk, "year": 2023},
    )
    assert f'href="{TEMPLATE_URL}?municipality={kogalym.pk}&amp;year=2023"' in text_of(response)


@pytest.mark.parametrize("who", ["city", "moderator"])
def test_a_filled_template_uploads_into_the_right_sections(login, sayan, who):
    client = login("city")
    template = body(client.get(TEMPLATE_URL, {"municipality": sayan.pk, "year": 2024}))
    filled = fill_template(template, 2024, ITEMS)

    response = login(who).post(
        UPLOAD_URL, {"document": SimpleUploadedFile("отчёт.docx", filled, content_type=DOCX), "municipality": ""}
    )

    report = Report.objects.get()
    assert response["Location"] == summary_url(report)
    assert (report.municipality, report.year, report.status) == (sayan, 2024, Status.DRAFT)
    for section in SECTIONS:
        texts = list(getattr(report, section.key).order_by("position").values_list("text", flat=True))
        assert texts == ITEMS[section.key], section.key
    assert list(report.tasks.values_list("year", flat=True)) == [2025]
    assert list(report.proposals.values_list("kind", flat=True)) == ["methodology"]
    assert summary_notes(client.get(response["Location"])) == []  # nothing skipped, nothing to warn about


def test_a_blank_template_needs_a_city(login, sayan):
    client = login("moderator")
    filled = fill_template(body(client.get(TEMPLATE_URL, {"year": 2024})), 2024, ITEMS)
    before = nothing_stored()

    refused = client.post(UPLOAD_URL, {"document": SimpleUploadedFile("отчёт.docx", filled), "municipality": ""})

    assert refused.status_code == 200
    assert f"В первой строке документа осталось «{MUNICIPALITY_PLACEHOLDER}» из шаблона" in form_errors(refused)
    assert nothing_stored() == before

    chosen = client.post(UPLOAD_URL, {"document": SimpleUploadedFile("отчёт.docx", filled), "municipality": sayan.pk})
    report = Report.objects.get()
    assert chosen["Location"] == summary_url(report)
    assert report.municipality == sayan
    # The placeholder is not "a city named in the document".
    assert not any("В документе указан город" in note for note in summary_notes(client.get(chosen["Location"])))
