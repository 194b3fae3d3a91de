"""Upload a report document in the admin → a prefilled draft and a summary of what was recognised."""

from __future__ import annotations

import html
import io
import re

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from reports.admin.upload import MAX_UPLOAD_BYTES
from reports.importer.parser import parse_bytes
from reports.models import ITEM_MODELS, Municipality, Report, ReportEvent
from reports.status import Status
from tests.reports.importer.helpers import seed_bytes

from .helpers import assert_login_redirect, form_fields, select_options, text_of

pytestmark = pytest.mark.django_db

UPLOAD_URL = reverse("admin:reports_report_upload")
SAYAN_2025 = "001"  # Саяногорск 2025: 3 achievements, 1 problem, 3 tasks, 9 proposals
SAYAN_NAME = "001_919fb9ac42d83f1b.txt"


def summary_url(report):
    return reverse("admin:reports_report_upload_summary", args=[report.pk])


def upload(client, name, content, municipality="", content_type="text/plain"):
    document = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(UPLOAD_URL, {"document": document, "municipality": municipality})


def page(response) -> str:
    return html.unescape(text_of(response))


def summary_counts(response) -> dict:
    """{section title: count} from the summary's table."""
    table = re.search(r'<table class="[^"]*import-counts[^"]*">(.*?)</table>', text_of(response), re.S)
    assert table, "no counts table on the summary page"
    rows = re.findall(r"<tr><td>(.*?)</td><td>(\d+)</td></tr>", table.group(1))
    return {html.unescape(title): int(n) for title, n in rows}


def summary_notes(response) -> list[str]:
    block = re.search(r'<ul class="import-notes">(.*?)</ul>', text_of(response), re.S)
    if not block:
        return []
    return [html.unescape(n) for n in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)]


def form_errors(response) -> str:
    """The text of every error list on the page."""
    lists = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', text_of(response), re.S)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", "", chunk) for chunk in lists))


def nothing_stored():
    return {
        "municipalities": sorted(Municipality.objects.values_list("id", "name")),
        "reports": sorted(Report.objects.values_list("id", "status", "version")),
        "items": {m.__name__: m.objects.count() for m in ITEM_MODELS},
        "events": ReportEvent.objects.count(),
    }


def build_docx(paragraphs) -> bytes:
    document = docx.Document()
    for text, style in paragraphs:
        document.add_paragraph(text, style=style)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


DOCX_REPORT = [
    ("САЯНОГОРСК", "Title"),
    ("Что наиболее значительное удалось сделать в области взаимодействия с общественностью в 2024 году", "Heading 1"),
    ("Проведён форум ТОС, в нём участвовали активисты всех ТОС города.", None),
    ("Открыт ресурсный центр общественных инициатив.", None),
    ("Какие задачи стоят в 2025 году", "Heading 1"),
    ("провести обучающий семинар для председателей ТОС;", "List Bullet"),
    ("организовать конкурс проектов ТОС.", "List Bullet"),
]


# --- the ladder ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(login, make_report):
    report = make_report()
    client = login("anon")
    assert_login_redirect(client.get(UPLOAD_URL), UPLOAD_URL)
    assert_login_redirect(client.post(UPLOAD_URL, {}), UPLOAD_URL)
    assert_login_redirect(client.get(summary_url(report)), summary_url(report))


def test_staff_without_a_role_gets_403(login, make_report):
    report = make_report()
    client = login("norole")
    before = nothing_stored()
    assert client.get(UPLOAD_URL).status_code == 403
    assert upload(client, SAYAN_NAME, seed_bytes(SAYAN_2025)).status_code == 403
    assert client.get(summary_url(report)).status_code == 403
    assert nothing_stored() == before


@pytest.mark.parametrize("who", ["city", "other", "moderator", "superuser"])
def test_editors_get_the_form(login, who):
    response = login(who).get(UPLOAD_URL)
    assert response.status_code == 200
    fields = form_fields(response)
    assert "csrfmiddlewaretoken" in fields and fields["csrfmiddlewaretoken"]
    assert 'type="file"' in text_of(response) and 'name="document"' in text_of(response)
    assert 'enctype="multipart/form-data"' in text_of(response)
    assert "Загрузить отчёт из файла" in page(response)


def test_summary_of_another_municipality_is_404(login, make_report):
    report = make_report()  # Саяногорск: outside this editor's reports, as if it did not exist
    response = login("other").get(summary_url(report))
    assert response.status_code == 404
    assert str(report) not in page(response)


@pytest.mark.parametrize("who", ["city", "moderator"])
def test_summary_is_shown_to_those_who_may_see_the_report(login, make_report, who):
    report = make_report()
    response = login(who).get(summary_url(report))
    assert response.status_code == 200
    assert summary_counts(response) == {
        "Достижения": 1,
        "Проблемы": 1,
        "Задачи на следующий год": 1,
        "Запросы к Ассоциации": 1,
    }


def test_summary_of_a_missing_report_is_404(login):
    assert login("moderator").get(reverse("admin:reports_report_upload_summary", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    "who, expected",
    [
        ("city", ["Саяногорск"]),
        ("other", ["Когалым"]),
        ("moderator", ["Когалым", "Саяногорск"]),
    ],
)
def test_municipality_select_lists_only_the_users_municipalities(login, who, expected):
    response = login(who).get(UPLOAD_URL)
    options = select_options(response, "municipality")
    assert [label for value, label in options if value] == expected
    if who == "moderator":
        # Even with one municipality in the portal: the document may name a new one.
        assert options[0][0] == ""  # optional: the city can come from the document
        assert form_fields(response)["municipality"] == ""


@pytest.mark.parametrize("who", ["city", "other"])
def test_an_editor_of_one_municipality_finds_it_chosen(login, actors, who):
    """Nothing else to choose: the only municipality is selected, without an empty choice."""
    response = login(who).get(UPLOAD_URL)
    only = actors[who].municipalities.get()
    assert select_options(response, "municipality") == [(str(only.pk), only.name)]
    assert form_fields(response)["municipality"] == str(only.pk)
    assert "Вы ведёте отчёты только этого муниципалитета." in page(response)


def test_an_association_editor_may_always_leave_the_municipality_to_the_document(login, kogalym):
    kogalym.delete()  # one municipality left in the portal; a document may name a new one
    response = login("moderator").get(UPLOAD_URL)
    assert [value for value, _label in select_options(response, "municipality")] == [
        "",
        str(Municipality.objects.get().pk),
    ]
    assert form_fields(response)["municipality"] == ""


def test_an_editor_of_several_municipalities_chooses(login, city_editor, kogalym):
    city_editor.municipalities.add(kogalym)
    response = login("city").get(UPLOAD_URL)
    options = select_options(response, "municipality")
    assert [label for value, label in options] == ["---------", "Когалым", "Саяногорск"]
    assert form_fields(response)["municipality"] == ""


@pytest.mark.parametrize("case", ["pdf extension", "text with no structure", "corrupt docx zip"])
@pytest.mark.parametrize("who", ["moderator", "city"])
def test_after_an_error_the_choices_stay_and_the_file_is_asked_again(login, sayan, kogalym, who, case):
    name, content, words = BAD_UPLOADS[case]
    chosen = sayan
    before = nothing_stored()

    response = login(who).post(
        UPLOAD_URL,
        {"document": SimpleUploadedFile(name, content), "municipality": chosen.pk, "year": 2024},
    )

    assert response.status_code == 200
    assert words in form_errors(response)
    fields = form_fields(response)
    assert (fields["municipality"], fields["year"]) == (str(chosen.pk), "2024")
    assert "Выберите файл ещё раз: после ошибки браузер его не помнит" in page(response)
    assert nothing_stored() == before


def test_a_year_that_is_not_the_documents_is_refused(login, sayan):
    before = nothing_stored()
    response = login("city").post(
        UPLOAD_URL,
        {"document": SimpleUploadedFile(SAYAN_NAME, seed_bytes(SAYAN_2025)), "municipality": sayan.pk, "year": 2024},
    )
    assert response.status_code == 200
    assert "В документе отчёт за 2025 год" in form_errors(response)
    assert "а выбран 2024" in form_errors(response)
    assert form_fields(response)["year"] == "2024"
    assert nothing_stored() == before


def test_the_documents_year_given_in_the_form_is_accepted(login, sayan):
    response = login("city").post(
        UPLOAD_URL,
        {"document": SimpleUploadedFile(SAYAN_NAME, seed_bytes(SAYAN_2025)), "municipality": sayan.pk, "year": 2025},
    )
    report = Report.objects.get()
    assert response["Location"] == summary_url(report)
    assert (report.municipality, report.year) == (sayan, 2025)


# --- a good upload --------------------------------------------------------------------------


def test_city_editor_uploads_a_text_report_and_sees_the_summary(login, city_editor, sayan):
    client = login("city")
    response = upload(client, SAYAN_NAME, seed_bytes(SAYAN_2025))

    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == summary_url(report)
    assert (report.municipality, report.year, report.status) == (sayan, 2025, Status.DRAFT)
    assert report.created_by == city_editor
    parsed = parse_bytes(seed_bytes(SAYAN_2025), filename=SAYAN_NAME)
    for section in ("achievements", "problems", "tasks", "proposals"):
        texts = list(getattr(report, section).order_by("position").values_list("text", flat=True))
        assert texts == [item.text for item in getattr(parsed, section)], section
    assert set(report.tasks.values_list("year", flat=True)) == {2026}
    assert report.events.count() == 0

    summary = client.get(response["Location"])
    assert summary.status_code == 200
    assert summary_counts(summary) == {
        "Достижения": 3,
        "Проблемы": 1,
        "Задачи на следующий год": 3,
        "Запросы к Ассоциации": 9,
    }
    assert f"Из файла «{SAYAN_NAME}» распознано" in page(summary)
    notes = summary_notes(summary)
    assert len(parsed.skipped) == 4
    for skipped in parsed.skipped:
        assert skipped in notes
    assert "Задачи, поставленные на 2026 год:" in page(summary)
    assert reverse("admin:reports_report_change", args=[report.pk]) in text_of(summary)


def test_the_same_upload_again_changes_nothing(login, sayan):
    """The same file for one's own draft is offered as a replacement, which finds nothing to change."""
    client = login("city")
    assert upload(client, SAYAN_NAME, seed_bytes(SAYAN_2025)).status_code == 302
    report = Report.objects.get()
    before = nothing_stored()

    response = upload(client, SAYAN_NAME, seed_bytes(SAYAN_2025))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:reports_report_upload_replace", args=[report.pk])
    offer = client.get(response["Location"])
    assert f"Файл «{SAYAN_NAME}» совпадает с отчётом: заменять нечего." in page(offer)
    assert 'class="replace-form"' not in text_of(offer)
    assert nothing_stored() == before


def test_other_city_editor_cannot_upload_a_sayanogorsk_document(login, sayan):
    before = nothing_stored()
    response = upload(login("other"), SAYAN_NAME, seed_bytes(SAYAN_2025))
    assert response.status_code == 200
    errors = form_errors(response)
    assert "В документе указан город «Саяногорск», а вы ведёте отчёты других муниципалитетов" in errors
    assert "Выберите муниципалитет в списке" in errors
    assert nothing_stored() == before


def test_other_city_editor_cannot_choose_a_foreign_municipality(login, sayan):
    before = nothing_stored()
    response = upload(login("other"), SAYAN_NAME, seed_bytes(SAYAN_2025), municipality=sayan.pk)
    assert response.status_code == 200
    assert form_errors(response)  # not one of the available choices
    assert nothing_stored() == before


def test_city_editor_choosing_their_municipality_gets_a_note(login, kogalym):
    client = login("other")
    response = upload(client, SAYAN_NAME, seed_bytes(SAYAN_2025), municipality=kogalym.pk)
    report = Report.objects.get()
    assert response["Location"] == summary_url(report)
    assert (report.municipality, report.year) == (kogalym, 2025)
    notes = summary_notes(client.get(response["Location"]))
    assert "В документе указан город «Саяногорск»; отчёт создан для «Когалым», как вы выбрали." in notes


def test_city_editor_cannot_create_a_municipality(login):
    text = seed_bytes(SAYAN_2025).decode().replace("САЯНОГОРСК", "МИНУСИНСК", 1)
    before = nothing_stored()
    response = upload(login("city"), "minusinsk.txt", text.encode())
    assert response.status_code == 200
    assert "«Минусинск»" in form_errors(response)
    assert nothing_stored() == before


def test_association_editor_uploads_a_report_of_an_unknown_city(login):
    client = login("moderator")
    text = seed_bytes(SAYAN_2025).decode().replace("САЯНОГОРСК", "МИНУСИНСК", 1)
    response = upload(client, "minusinsk.txt", text.encode())

    municipality = Municipality.objects.get(name="Минусинск")
    assert municipality.slug == "minusinsk"
    report = Report.objects.get(municipality=municipality)
    assert response["Location"] == summary_url(report)
    assert (report.year, report.status, report.achievements.count()) == (2025, Status.DRAFT, 3)
    notes = summary_notes(client.get(response["Location"]))
    assert notes[0] == "Создан новый муниципалитет «Минусинск» — проверьте его регион и сайт."


def test_association_editor_upload_of_a_known_city_uses_it(login, sayan):
    client = login("moderator")
    response = upload(client, SAYAN_NAME, seed_bytes(SAYAN_2025))
    report = Report.objects.get()
    assert response["Location"] == summary_url(report)
    assert report.municipality == sayan
    assert Municipality.objects.filter(name__in=["Саяногорск"]).count() == 1
    assert not any("Создан новый муниципалитет" in n for n in summary_notes(client.get(response["Location"])))


def test_city_found_by_the_document_is_not_reported_as_chosen(login):
    """«КОРОЛЕВ» in the document finds «Королёв» by itself: no "as you chosen" note."""
    korolyov = Municipality.objects.create(name="Королёв", slug="korolyov")
    client = login("moderator")
    text = seed_bytes(SAYAN_2025).decode().replace("САЯНОГОРСК", "КОРОЛЕВ", 1)
    response = upload(client, "korolev.txt", text.encode())
    report = Report.objects.get()
    assert report.municipality == korolyov
    assert not Municipality.objects.filter(name="Королев").exists()
    notes = summary_notes(client.get(response["Location"]))
    assert not any("как вы выбрали" in note for note in notes), notes
    assert not any("Создан новый муниципалитет" in note for note in notes), notes


def test_docx_upload(login, sayan, city_editor):
    client = login("city")
    data = build_docx(DOCX_REPORT)
    response = upload(
        client,
        "отчёт 2024.docx",
        data,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )

    report = Report.objects.get()
    assert response["Location"] == summary_url(report)
    assert (report.municipality, report.year, report.status, report.created_by) == (
        sayan,
        2024,
        Status.DRAFT,
        city_editor,
    )
    assert list(report.achievements.order_by("position").values_list("text", flat=True)) == [
        "Проведён форум ТОС, в нём участвовали активисты всех ТОС города.",
        "Открыт ресурсный центр общественных инициатив.",
    ]
    assert list(report.tasks.order_by("position").values_list("text", "year")) == [
        ("провести обучающий семинар для председателей ТОС", 2025),
        ("организовать конкурс проектов ТОС.", 2025),
    ]
    summary = client.get(response["Location"])
    assert summary_counts(summary) == {
        "Достижения": 2,
        "Проблемы": 0,
        "Задачи на следующий год": 2,
        "Запросы к Ассоциации": 0,
    }
    assert "Из файла «отчёт 2024.docx» распознано" in page(summary)


def test_upload_at_the_size_limit_is_accepted(login, sayan):
    data = seed_bytes(SAYAN_2025)
    data += b"\n" * (MAX_UPLOAD_BYTES - len(data))
    assert len(data) == MAX_UPLOAD_BYTES
    response = upload(login("city"), SAYAN_NAME, data)
    assert response.status_code == 302
    assert Report.objects.get().achievements.count() == 3


# --- bad files ----------------------------------------------------------------------------


BAD_UPLOADS = {
    # id: (file name, content, the clear Russian words the page must show)
    "pdf extension": ("report.pdf", b"%PDF-1.4 some pdf", "Загрузите файл .docx или .txt"),
    "doc extension": ("report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, "Загрузите файл .docx или .txt"),
    "no extension": ("report", seed_bytes(SAYAN_2025), "Загрузите файл .docx или .txt"),
    "too big": ("report.txt", seed_bytes(SAYAN_2025) + b"\n" * MAX_UPLOAD_BYTES, "Файл больше 2 МБ"),
    "empty": ("report.txt", b"", "Отправленный файл пуст"),
    "only blank lines": ("report.txt", b"\n \r\n\t\n", "Файл пуст"),
    "binary garbage": ("report.txt", bytes(range(256)) * 16, "двоичный"),
    "garbage without NUL": ("report.txt", bytes(range(128, 256)) * 30, "Не удалось"),
    "pdf renamed .txt": ("report.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "Формат PDF не поддерживается"),
    "corrupt docx zip": ("report.docx", b"PK\x03\x04" + b"broken zip" * 100, "повреждён"),
    "docx that is not a zip": ("report.docx", seed_bytes(SAYAN_2025), "повреждён"),
    "text with no structure": (
        "report.txt",
        "Отчёт о работе.\n\nВ этом году много сделано, но заголовков разделов нет.\n".encode(),
        "Не найден заголовок раздела достижений",
    ),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_a_bad_file_gets_a_clear_message_and_creates_nothing(login, sayan, case):
    name, content, words = BAD_UPLOADS[case]
    before = nothing_stored()

    response = upload(login("city"), name, content)

    assert response.status_code == 200
    errors = form_errors(response)
    assert words in errors, errors
    assert re.search("[а-яё]", errors)  # in Russian
    assert "Traceback" not in text_of(response)
    assert "Внутренняя ошибка" not in errors
    assert nothing_stored() == before


def test_an_upload_without_a_file_is_refused(login, sayan):
    before = nothing_stored()
    response = login("city").post(UPLOAD_URL, {"municipality": sayan.pk})
    assert response.status_code == 200
    assert "Обязательное поле" in form_errors(response)
    assert nothing_stored() == before


# --- CSRF ---------------------------------------------------------------------------------


def test_post_without_csrf_token_is_refused(city_editor, sayan):
    client = Client(enforce_csrf_checks=True)
    client.force_login(city_editor)
    form = client.get(UPLOAD_URL)
    token = form_fields(form)["csrfmiddlewaretoken"]
    assert token

    refused = client.post(UPLOAD_URL, {"document": SimpleUploadedFile(SAYAN_NAME, seed_bytes(SAYAN_2025))})
    assert refused.status_code == 403
    assert Report.objects.count() == 0

    accepted = client.post(
        UPLOAD_URL,
        {"document": SimpleUploadedFile(SAYAN_NAME, seed_bytes(SAYAN_2025)), "csrfmiddlewaretoken": token},
    )
    assert accepted.status_code == 302
    assert Report.objects.count() == 1


# --- what the user wrote is shown as text, never as markup ----------------------------------

EVIL = '<img src=x onerror="alert(1)">'


def test_file_name_and_document_text_are_escaped(login):
    client = login("moderator")
    # A bad file: its name is in the error message.
    refused = upload(client, f"{EVIL}.txt", b" \n")
    assert refused.status_code == 200
    assert EVIL not in text_of(refused)
    assert f"{EVIL}.txt: Файл пуст" in form_errors(refused)
    # A good file: its name is on the summary; a note quotes the document's text.
    text = seed_bytes(SAYAN_2025).decode().replace("Вопросы для обсуждения:", f"Вопросы {EVIL} для обсуждения:", 1)
    response = upload(client, f"{EVIL}.txt", text.encode())
    summary = client.get(response["Location"])
    assert summary.status_code == 200
    assert EVIL not in text_of(summary)
    assert f"Из файла «{EVIL}.txt» распознано" in page(summary)
    assert any(EVIL in note for note in summary_notes(summary))


def test_report_created_by_someone_else_meanwhile(login, sayan, moderator, monkeypatch):
    """Between the form's check and the save another editor creates the report: nothing is
    overwritten, and the uploader is told so."""
    import reports.admin.upload as upload_module

    real_store = upload_module.store_report

    def store_after_a_colleague(parsed, **kwargs):
        Report.objects.create(municipality=sayan, year=parsed.year, created_by=moderator)
        return real_store(parsed, **kwargs)

    monkeypatch.setattr(upload_module, "store_report", store_after_a_colleague)
    client = login("city")
    response = upload(client, SAYAN_NAME, seed_bytes(SAYAN_2025))

    assert response.status_code == 302
    assert response["Location"] == UPLOAD_URL
    theirs = Report.objects.get()
    assert theirs.created_by == moderator
    assert theirs.achievements.count() == 0
    landing = client.get(UPLOAD_URL)
    assert "Отчёт за этот год уже есть: Саяногорск — 2025." in page(landing)
