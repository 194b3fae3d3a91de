"""The built compendium, opened as a reader would: PDF text (pypdf) and DOCX (python-docx)."""

import io
import re

import docx
import pytest

from compendium import build, content
from compendium.models import CompendiumFile, Foreword
from reports.models import Achievement, Municipality, Report
from reports.status import Status

from .conftest import DRAFT_SECRET, WITHDRAWN_SECRET, item_texts, pdf_pages, squeeze

pytestmark = pytest.mark.django_db


def built(year, fmt) -> bytes:
    record = CompendiumFile.objects.get(year=year, format=fmt)
    return build.path_of(record).read_bytes()


def docx_text(data: bytes) -> tuple[docx.document.Document, str]:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return document, "\n".join(parts)


def test_pdf_has_every_city_every_item_and_no_draft(year_reports):
    Foreword.objects.create(year=2024, text="Дорогие коллеги!\n\nЭто сборник.", signature="Директор")
    files = build.build_now(2024)
    assert {f.format for f in files} == {"pdf", "docx"}
    pages = pdf_pages(built(2024, "pdf"))
    whole = squeeze("\n".join(pages))
    for report in year_reports:
        assert report.municipality.name in whole
        for text in item_texts(report):
            assert squeeze(text) in whole, text
    assert DRAFT_SECRET not in whole and "Черновикград" not in whole
    assert WITHDRAWN_SECRET not in whole and "Отозванск" not in whole
    assert "Дорогиеколлеги!" in whole
    # Contents: a page listing the cities with the page each starts on.
    contents = next(n for n, text in enumerate(pages) if "Содержание" in text.split("\n")[:4])
    toc = pages[contents]
    for report in year_reports:
        name = report.municipality.name
        page = int(re.search(rf"{name}[ .]*?(\d+)\s*$", toc, re.M).group(1))
        assert name in pages[page - 1], (name, page)
    # Page numbers: each page after the cover shows its own number.
    for number, text in enumerate(pages[1:], start=2):
        assert re.search(rf"(^|\s){number}(\s|$)", text), number
    # Regions in alphabetical order, the annexes at the end.
    assert whole.index("Красноярскийкрай") < whole.index("РеспубликаХакасия")
    assert "Приложение2.Указательгородов" in squeeze(pages[-1])


def test_docx_has_headings_toc_field_page_numbers_and_no_draft(year_reports):
    build.build_now(2024)
    document, text = docx_text(built(2024, "docx"))
    for report in year_reports:
        for item in item_texts(report):
            assert item in text
    assert DRAFT_SECRET not in text and WITHDRAWN_SECRET not in text and "Черновикград" not in text
    headings = {(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")}
    assert ("Heading 1", "Красноярский край") in headings
    assert ("Heading 2", "Лесосибирск") in headings
    assert ("Heading 3", "Достижения") in headings
    xml = document.element.xml
    assert 'TOC \\o "1-2" \\h \\z \\u' in xml
    assert "PAGEREF city_" in xml
    footer = document.sections[-1].footer._element.xml
    assert " PAGE " in footer
    assert "2024" in document.sections[-1].header.paragraphs[0].text


def test_a_year_with_one_report_and_empty_sections(make_report, sayan, moderator):
    make_report(Status.PUBLISHED, municipality=sayan, year=2023, city=moderator, items=False)
    build.build_now(2023)
    whole = "\n".join(pdf_pages(built(2023, "pdf")))
    assert "Саяногорск" in whole
    assert "В отчёте этого раздела нет." in whole
    assert "Саяногорск" in docx_text(built(2023, "docx"))[1]


def test_bad_text_long_items_markup_control_characters_and_emoji(make_report, sayan, moderator):
    report = make_report(Status.PUBLISHED, municipality=sayan, year=2022, city=moderator)
    long_item = ("Очень длинный пункт отчёта о работе с общественностью. " * 100)[:5000]  # the item limit
    Achievement.objects.filter(report=report).update(text="Теги <b>жирно</b> & «кавычки» \x07\x0b звонок 🎉 конец")
    Achievement.objects.create(report=report, text=long_item, position=2)
    Foreword.objects.create(year=2022, text="Слово. " * 2900)  # a 20,300-character paragraph
    build.build_now(2022)
    whole = "\n".join(pdf_pages(built(2022, "pdf")))
    assert "Теги<b>жирно</b>&«кавычки»звонок" in squeeze(whole)
    assert squeeze(long_item[-200:]) in squeeze(whole)
    _document, text = docx_text(built(2022, "docx"))
    assert "<b>жирно</b> & «кавычки»" in text and "🎉" in text
    assert "\x07" not in text


def test_clean_keeps_text_and_drops_what_xml_cannot_hold():
    assert content.clean("a\x00b\x07c\x0bd\ufffee 🎉 <&>") == "a b c de 🎉 <&>"


def test_a_report_withdrawn_during_the_build_voids_it(year_reports, moderator, monkeypatch):
    from reports import workflow

    real = content.collect

    def collect_then_withdraw(year):
        book = real(year)
        if not getattr(collect_then_withdraw, "done", False):
            collect_then_withdraw.done = True
            workflow.perform(Report.objects.get(pk=year_reports[0].pk), moderator, "withdraw", "ошибка")
        return book

    monkeypatch.setattr(content, "collect", collect_then_withdraw)
    build.build_now(2024)
    record = CompendiumFile.objects.get(year=2024, format="pdf")
    assert str(year_reports[0].pk) not in record.reports
    assert "Лесосибирск" not in "\n".join(pdf_pages(built(2024, "pdf")))


def test_nothing_published_any_more_removes_the_files(year_reports, moderator):
    from reports import workflow

    build.build_now(2024)
    for report in year_reports:
        workflow.perform(Report.objects.get(pk=report.pk), moderator, "withdraw", "ошибка")
    assert build.build_now(2024) == []
    assert not CompendiumFile.objects.filter(year=2024).exists()
    assert not list(build.folder().glob("2024-*"))


def test_files_are_replaced_whole_and_old_ones_tidied(year_reports):
    build.build_now(2024)
    first = CompendiumFile.objects.get(year=2024, format="pdf").file_name
    Municipality.objects.filter(name="Абакан").update(name="Абакан-2")
    build.build_now(2024)
    Municipality.objects.filter(name="Абакан-2").update(name="Абакан-3")
    build.build_now(2024)
    names = sorted(p.name for p in build.folder().glob("2024-*.pdf"))
    assert first not in names and len(names) == 2  # the current one and the one before
    assert not list(build.folder().glob(".*part"))


def test_outcomes_of_a_withdrawn_plan_leave_the_book(make_report, sayan, moderator):
    """The book shows a report's plan → fact rows only for tasks of reports still published, as the
    report's page does (reports.outcomes.plan.public_outcomes_q)."""
    from reports import workflow
    from reports.models import Task, TaskOutcome
    from reports.outcomes.models import Outcome

    plan = make_report(Status.PUBLISHED, municipality=sayan, year=2023, city=moderator)
    task = Task.objects.create(report=plan, text="Провести форум планотайна", year=2024, position=9)
    later = make_report(Status.PUBLISHED, municipality=sayan, year=2024, city=moderator)
    TaskOutcome.objects.create(report=later, task=task, task_text=task.text, outcome=Outcome.DONE)
    book = content.collect(2024)
    rows = [row for region in book.regions for city in region.cities for row in city.outcomes]
    assert [row.task for row in rows] == ["Провести форум планотайна"]

    workflow.withdraw(Report.objects.get(pk=plan.pk), moderator, comment="ошибка")
    book = content.collect(2024)
    assert not [row for region in book.regions for city in region.cities for row in city.outcomes]


def test_a_book_quoting_a_withdrawn_plan_is_not_handed_out_until_rebuilt(make_report, sayan, moderator):
    """The 2024 book quotes the tasks of the 2023 report in its outcome rows: withdrawing the 2023
    report makes the 2024 file unservable (a withdrawn report's words never leave in a download),
    and asks for the 2024 book again."""
    from compendium.models import BuildState
    from reports import workflow
    from reports.models import Task, TaskOutcome

    plan = make_report(Status.PUBLISHED, municipality=sayan, year=2023, city=moderator)
    task = Task.objects.create(report=plan, text="Провести форум планотайна", year=2024, position=9)
    later = make_report(Status.PUBLISHED, municipality=sayan, year=2024, city=moderator)
    TaskOutcome.objects.create(report=later, task=task, task_text=task.text, outcome="done")
    build.build_now(2024)
    record = CompendiumFile.objects.get(year=2024, format="pdf")
    assert str(plan.pk) in record.reports and record.report_count == 1
    assert build.servable(record, build.published_stamps(2024))
    requested = BuildState.objects.get(year=2024).requested_at

    workflow.withdraw(Report.objects.get(pk=plan.pk), moderator, comment="ошибка")
    assert not build.servable(record, build.published_stamps(2024))
    assert BuildState.objects.get(year=2024).requested_at != requested
