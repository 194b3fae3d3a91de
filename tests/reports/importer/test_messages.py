"""The importer's messages are Russian strings that translate: the parser has no Django, the
pages that show them translate them into the reader's language."""

import pickle

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from reports.importer.model import Message
from reports.importer.parser import ParseError, parse_text

HEAD = "ГОРОД\n\nЧто наиболее значительное удалось сделать в области взаимодействия с общественностью в 2023 году\n\n"


def test_a_message_is_its_russian_text_and_translates():
    message = Message("Файл «%(path)s» не найден", path="a.txt")
    assert message == "Файл «a.txt» не найден"
    with translation.override("en"):
        assert message.translate(gettext) == "File “a.txt” not found"
    with translation.override("ru"):
        assert message.translate(gettext) == "Файл «a.txt» не найден"
    english = {"Файл «%(path)s» не найден": "File %(path)s is missing"}
    assert pickle.loads(pickle.dumps(message)).translate(lambda s: english.get(s, s)) == "File a.txt is missing"


def test_errors_translate_with_their_place():
    with pytest.raises(ParseError) as info:
        parse_text("город Саяногорск\n\nтекст")
    error = info.value
    assert str(error).endswith("(строка 1)")
    with translation.override("en"):
        english = error.translate(gettext)
    assert english == (
        "The municipality's name in the first line must be in capital letters, but it reads: "
        "“город Саяногорск” (line 1)"
    )


def test_warnings_and_skipped_notes_translate_with_nested_parts():
    parsed = parse_text(HEAD + "Сделано многое.\n\nМетодические материалы:\n- по работе с ТОС")
    assert parsed.warnings and all(isinstance(w, Message) for w in parsed.warnings)
    with translation.override("en"):
        notes = [note.translate(gettext) for note in (*parsed.warnings, *parsed.skipped)]
    assert any(n.startswith("Line ") for n in notes)
    assert all("Строка" not in n and "строка" not in n for n in notes)
    assert "The section of next year's tasks" in " ".join(notes)


@pytest.mark.django_db
def test_the_upload_page_shows_the_error_in_english(login, sayan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login("city")
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("admin:reports_report_upload"),
        {"document": SimpleUploadedFile("report.txt", "город Саяногорск\n\nтекст".encode())},
        headers={"accept-language": "en"},
    )
    body = response.content.decode()
    assert "The municipality&#x27;s name in the first line must be in capital letters" in body
    assert "Название муниципального образования" not in body
