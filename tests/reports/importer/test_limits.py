"""The importer refuses documents far bigger than a report, quickly and with a clear message.

Found by a hostile test: a 1.16 MB .docx that unpacks to 1.1 GB (13–15 s, +2.2 GB per worker),
a 71 KB .docx of 4 million empty paragraphs and a 1.7 MB .txt of 100,000 paragraphs (both past
gunicorn's 30 s), and a 4 MB item that was stored and then slowed every search.
"""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from reports.importer import limits
from reports.importer.parser import ParseError, parse_bytes

from .test_docx import build

HEAD = "ГОРОД\n\nЧто наиболее значительное удалось сделать в области взаимодействия с общественностью в 2023 году\n\n"


def _rezip(docx: bytes, replace: dict[str, bytes] | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, (replace or {}).get(item.filename, source.read(item.filename)))
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def _small_docx() -> bytes:
    return build([("ГОРОД", None), "Что удалось сделать в 2020 году", "Сделано."])


def test_a_zip_bomb_is_refused_from_the_table_of_contents():
    bomb = _rezip(_small_docx(), extra={"word/media/padding.bin": b"\0" * (8 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024  # 8 MB of zeros packs into a few KB
    started = time.monotonic()
    with pytest.raises(ParseError, match="слишком большой объём") as info:
        parse_bytes(bomb, filename="отчёт.docx")
    assert time.monotonic() - started < 1
    assert not info.value.internal


def test_an_archive_of_too_many_files_is_refused():
    many = _rezip(_small_docx(), extra={f"extra/part{n}.xml": b"<a/>" for n in range(limits.MAX_DOCX_MEMBERS)})
    with pytest.raises(ParseError, match="состоит из"):
        parse_bytes(many, filename="отчёт.docx")


def test_a_docx_of_millions_of_empty_paragraphs_stops_at_the_limit():
    docx = _small_docx()
    document = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    empty = "<w:p/>" * (limits.MAX_DOCX_PARAGRAPHS + 5)
    swollen = _rezip(docx, replace={"word/document.xml": document.replace("<w:body>", "<w:body>" + empty, 1).encode()})
    started = time.monotonic()
    with pytest.raises(ParseError, match="больше 20000 абзацев") as info:
        parse_bytes(swollen, filename="отчёт.docx")
    assert time.monotonic() - started < 5
    assert info.value.line == limits.MAX_DOCX_PARAGRAPHS + 1


def test_a_text_of_too_many_paragraphs_is_refused_quickly():
    text = HEAD + "\n\n".join(f"Пункт {n} о работе с жителями." for n in range(limits.MAX_BLOCKS + 10))
    started = time.monotonic()
    with pytest.raises(ParseError, match="больше 5000 абзацев"):
        parse_bytes(text.encode(), filename="отчёт.txt")
    assert time.monotonic() - started < 3


def test_too_many_items_are_refused():
    text = HEAD + "\n".join(f"- пункт {n};" for n in range(limits.MAX_ITEMS + 1))
    with pytest.raises(ParseError, match="больше 1000 пунктов"):
        parse_bytes(text.encode(), filename="отчёт.txt")


def test_an_item_longer_than_the_limit_is_refused_with_its_line():
    long_item = "Слово " * (limits.ITEM_MAX_LENGTH // 6 + 10)
    text = HEAD + "Нормальный пункт.\n\n" + long_item
    with pytest.raises(ParseError, match="Пункт длиннее 5000 знаков") as info:
        parse_bytes(text.encode(), filename="отчёт.txt")
    assert info.value.line == 7


def test_the_largest_allowed_document_parses_in_well_under_a_second_per_megabyte():
    paragraphs = [f"Пункт {n}: " + "проведена встреча с жителями микрорайона. " * 9 for n in range(limits.MAX_ITEMS)]
    text = (HEAD + "\n\n".join(paragraphs)).encode()
    assert len(text) > 700 * 1024
    started = time.monotonic()
    parsed = parse_bytes(text, filename="отчёт.txt")
    assert len(parsed.achievements) + len(parsed.problems) == limits.MAX_ITEMS
    assert time.monotonic() - started < 3


@pytest.mark.django_db
def test_the_database_refuses_an_item_longer_than_the_limit(make_report):
    from django.db import IntegrityError, transaction

    from reports.models import Achievement

    report = make_report()
    Achievement.objects.create(report=report, text="я" * limits.ITEM_MAX_LENGTH, position=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Achievement.objects.create(report=report, text="я" * (limits.ITEM_MAX_LENGTH + 1), position=3)


@pytest.mark.django_db
def test_the_back_office_form_says_so_and_keeps_the_text(login, make_report):
    from tests.reports.admin.helpers import admin_urls, report_form_data

    report = make_report()
    data = report_form_data(report)
    too_long = "Длинный текст. " * (limits.ITEM_MAX_LENGTH // 15 + 5)
    data["achievements-0-text"] = too_long
    response = login("city").post(admin_urls(report)["change"], data)
    assert response.status_code == 200
    assert "не более 5000 символов" in response.content.decode()
    assert too_long.strip() in response.content.decode()
    assert report.achievements.get().text != too_long


@pytest.mark.django_db
def test_the_upload_page_explains_a_zip_bomb(login, sayan):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    bomb = _rezip(_small_docx(), extra={"word/media/padding.bin": b"\0" * (8 * 1024 * 1024)})
    response = login("city").post(
        reverse("admin:reports_report_upload"), {"document": SimpleUploadedFile("отчёт.docx", bomb)}
    )
    assert response.status_code == 200
    assert "распаковывается в слишком большой объём" in response.content.decode()
