"""A corrected Word file replaces the content of one's own editable report: first what changes,
section by section; then, on confirmation, the replacement in one transaction, from the version
the person saw. Reports that may not be replaced get a message with a link, and nothing changes."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports import workflow
from reports.concurrency import claim_version
from reports.importer.template import build_template
from reports.models import Achievement, Problem, Proposal, Report, Task
from reports.status import Status
from tests.reports.importer.helpers import fill_template

from .helpers import form_fields, text_of
from .test_upload import UPLOAD_URL, form_errors, nothing_stored, page, summary_url

pytestmark = pytest.mark.django_db

FILE_NAME = "Саяногорск 2024 исправленный.docx"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CORRECTED = {
    "achievements": [
        "Проведён форум ТОС, в нём участвовали 150 активистов.",
        "Открыт ресурсный центр общественных инициатив.",
        "Создан молодёжный совет при главе города.",
    ],
    "problems": [],
    "tasks": ["Провести конкурс проектов ТОС."],
    "proposals": ["Семинар по работе с ТОС."],
}


def replace_url(report):
    return reverse("admin:reports_report_upload_replace", args=[report.pk])


def corrected_file(items=CORRECTED) -> bytes:
    return fill_template(build_template("Саяногорск", 2024), 2024, items)


def upload(client, data=None, name=FILE_NAME, **fields):
    document = SimpleUploadedFile(name, data if data is not None else corrected_file(), content_type=DOCX)
    return client.post(UPLOAD_URL, {"document": document, "municipality": "", **fields})


@pytest.fixture
def written(make_report, city_editor, moderator):
    """written(status) → the Саяногорск 2024 report with its items, brought to `status` by the workflow."""
    from tests.conftest import PATH_TO, prepare_path

    def make(status=Status.DRAFT):
        report = make_report(status=Status.DRAFT, year=2024, items=False)
        Achievement.objects.create(
            report=report, text="Проведён форум ТОС, в нём участвовали 120 активистов.", position=1
        )
        Achievement.objects.create(report=report, text="Проведено 12 встреч с жителями микрорайонов.", position=2)
        Problem.objects.create(report=report, text="Сложно привлечь молодёжь.", position=1)
        Task.objects.create(report=report, text="Провести конкурс проектов ТОС.", year=2025, position=1)
        Proposal.objects.create(report=report, text="Семинар по работе с ТОС.", kind="conference", position=1)
        actors = {"city": city_editor, "moderator": moderator}
        prepare_path(status, report.year)
        for name, who in PATH_TO[Status(status)]:
            report = workflow.perform(report, actors[who], name, "комментарий")
        report.refresh_from_db()
        return report

    return make


def items_of(report) -> dict:
    return {
        "achievements": list(report.achievements.order_by("position").values_list("text", flat=True)),
        "problems": list(report.problems.order_by("position").values_list("text", flat=True)),
        "tasks": list(report.tasks.order_by("position").values_list("text", "year")),
        "proposals": list(report.proposals.order_by("position").values_list("text", "kind")),
    }


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- the replacement ------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.DRAFT, Status.CHANGES_REQUESTED])
@pytest.mark.parametrize("who", ["city", "moderator", "superuser"])
def test_the_changes_are_shown_then_the_content_is_replaced(login, actors, written, who, status):
    report = written(status)
    events = report.events.count()
    client = login(who)
    before = nothing_stored()

    response = upload(client)

    assert response.status_code == 302
    assert response["Location"] == replace_url(report)
    assert nothing_stored() == before  # nothing is replaced before the person confirms

    offer = client.get(response["Location"])
    assert offer.status_code == 200
    text = page(offer)
    assert f"Заменить содержание отчёта «{report}» из файла?" in text
    assert f"Файл «{FILE_NAME}» заменит всё его содержание" in text
    lines = [html.unescape(h) for h in re.findall(r'<h2 id="replace-[a-z]+">(.*?)</h2>', text_of(offer))]
    assert lines == ["Достижения: +2, −1, изменено 1", "Проблемы: −1"]
    summary = dict(re.findall(r"<tr class=\"(?:changed|same)\"><td>(.*?)</td><td>(.*?)</td></tr>", text))
    assert summary == {
        "Достижения": "+2, −1, изменено 1",
        "Проблемы": "−1",
        "Задачи на следующий год": "без изменений",
        "Запросы к Ассоциации": "без изменений",
    }
    for added in CORRECTED["achievements"][1:]:
        assert added in text
    assert "Проведено 12 встреч с жителями микрорайонов." in text  # removed
    assert "Сложно привлечь молодёжь." in text  # removed
    assert "в нём участвовали 120 активистов" in text and "в нём участвовали 150 активистов" in text
    assert nothing_stored() == before

    confirm = form_fields(offer, "replace-form")
    assert confirm["version"] == str(report.version)
    done = client.post(replace_url(report), confirm)

    assert done.status_code == 302
    assert done["Location"] == summary_url(report)
    fresh = Report.objects.get(pk=report.pk)
    assert items_of(fresh) == {
        "achievements": CORRECTED["achievements"],
        "problems": [],
        "tasks": [("Провести конкурс проектов ТОС.", 2025)],
        "proposals": [("Семинар по работе с ТОС.", "conference")],
    }
    assert fresh.status == status  # the workflow's business, not the upload's
    assert fresh.version == report.version + 1
    assert fresh.events.count() == events
    latest = fresh.history.latest("history_id")
    assert latest.history_user == actors[who]
    assert latest.history_change_reason == f"Заменено из файла «{FILE_NAME}»"
    assert Achievement.history.filter(history_type="-", history_change_reason=latest.history_change_reason).count() == 2

    summary_page = client.get(done["Location"])
    assert f"Содержание отчёта заменено: {report}" in page(summary_page)
    assert "Открыть отчёт и проверить" in page(summary_page)
    # Confirming twice replaces nothing more.
    again = client.post(replace_url(report), confirm)
    assert again["Location"] == UPLOAD_URL
    assert Report.objects.get(pk=report.pk).version == fresh.version


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.PUBLISHED, Status.WITHDRAWN])
@pytest.mark.parametrize("who", ["city", "moderator"])
def test_a_report_past_the_citys_hands_is_not_replaced(login, written, who, status):
    report = written(status)
    before = nothing_stored()

    response = upload(login(who))

    assert response.status_code == 200
    errors = form_errors(response)
    assert f"Отчёт «{report}» уже есть, и заменить его из файла нельзя" in errors
    assert f"в статусе «{report.get_status_display()}»" in errors
    assert "Ничего не изменено" in errors
    assert f'href="{report.get_admin_url()}"' in text_of(response)
    assert nothing_stored() == before


def test_the_city_editor_of_another_city_never_reaches_the_replacement(login, written, sayan):
    report = written()
    client = login("city")
    assert upload(client).status_code == 302
    before = nothing_stored()

    other = login("other")
    assert other.get(replace_url(report)).status_code == 404
    assert other.post(replace_url(report), {"token": "x", "version": report.version}).status_code == 404
    # Nor by choosing the municipality in the form.
    response = upload(other, municipality=sayan.pk)
    assert response.status_code == 200 and form_errors(response)
    assert nothing_stored() == before


def test_a_report_saved_meanwhile_is_not_overwritten(login, written, moderator):
    report = written()
    client = login("city")
    offer = client.get(upload(client)["Location"])
    confirm = form_fields(offer, "replace-form")
    claim_version(report.pk, report.version)  # the Association saved the report in the meantime
    Achievement.objects.create(report=report, text="Дописано Ассоциацией.", position=3)
    before = nothing_stored()

    refused = client.post(replace_url(report), confirm)

    assert refused.status_code == 302
    assert refused["Location"] == replace_url(report)
    assert any(
        "Отчёт изменил кто-то другой, пока вы смотрели изменения. Ничего не заменено" in m for m in messages_of(refused)
    )
    assert nothing_stored() == before
    # Looking again shows the colleague's item as one the file would remove, and then it may go.
    second = client.get(replace_url(report))
    assert "Достижения: +2, −2, изменено 1" in page(second)
    assert "Дописано Ассоциацией." in page(second)
    done = client.post(replace_url(report), form_fields(second, "replace-form"))
    assert done["Location"] == summary_url(report)
    assert items_of(Report.objects.get(pk=report.pk))["achievements"] == CORRECTED["achievements"]


def test_a_report_submitted_before_the_confirmation_is_not_replaced(login, written, city_editor):
    report = written()
    client = login("city")
    offer = client.get(upload(client)["Location"])
    workflow.perform(report, city_editor, "submit")
    before = nothing_stored()

    refused = client.post(replace_url(report), form_fields(offer, "replace-form"))

    assert refused["Location"] == UPLOAD_URL
    said = " ".join(messages_of(refused))
    assert (
        f"Отчёт «{report}» нельзя заменить из файла: он в статусе «На проверке». Ничего не изменено."
        in html.unescape(said)
    )
    assert report.get_admin_url() in said
    assert nothing_stored() == before


def test_a_confirmation_from_another_page_is_refused(login, written):
    report = written()
    client = login("city")
    offer = client.get(upload(client)["Location"])
    before = nothing_stored()
    forged = {**form_fields(offer, "replace-form"), "token": "not-the-one"}
    refused = client.post(replace_url(report), forged)
    assert refused["Location"] == replace_url(report)
    assert nothing_stored() == before
    missing_version = {**form_fields(offer, "replace-form"), "version": ""}
    assert client.post(replace_url(report), missing_version)["Location"] == replace_url(report)
    assert nothing_stored() == before


def test_the_replacement_page_without_an_uploaded_file_sends_to_the_upload(login, written, make_report):
    report = written()
    client = login("city")
    response = client.get(replace_url(report))
    assert response["Location"] == UPLOAD_URL
    assert "Файл для замены не найден — загрузите его ещё раз." in messages_of(response)
    # A file uploaded for one report does not replace another.
    other_year = make_report(year=2023)
    upload(client)
    assert client.get(replace_url(other_year))["Location"] == UPLOAD_URL
    assert client.post(replace_url(other_year), {"token": "x", "version": other_year.version})["Location"] == UPLOAD_URL
