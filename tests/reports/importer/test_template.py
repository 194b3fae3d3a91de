"""The Word template: its headings are the ones the importer recognises, and a filled template
imports cleanly into the right sections (through the real parser)."""

from __future__ import annotations

import io

import docx
import pytest

from reports.importer.classify import classify_heading
from reports.importer.parser import parse_bytes
from reports.importer.template import HEADINGS, MUNICIPALITY_PLACEHOLDER, build_template, section_headings
from reports.models import SECTIONS

from .helpers import fill_template

# What the importer calls the section a heading opens (classify.Heading.section), per SECTIONS key.
PARSER_SECTION = {"achievements": "achievements", "problems": "problems", "tasks": "tasks", "proposals": "requests"}

FILLED = {
    "achievements": [
        "Проведён городской форум ТОС, в нём участвовали активисты всех советов.",
        "Открыт ресурсный центр общественных инициатив.",
    ],
    "problems": ["Жители мало знают о конкурсе проектов ТОС."],
    "tasks": ["Провести обучающий семинар для председателей ТОС.", "Организовать конкурс проектов ТОС."],
    "proposals": ["Методические рекомендации по работе с молодёжными советами."],
}


def paragraphs(data: bytes):
    return docx.Document(io.BytesIO(data)).paragraphs


def test_every_section_has_a_heading_the_importer_recognises():
    assert set(HEADINGS) == {section.key for section in SECTIONS}
    for section, heading in section_headings(2024):
        recognised = classify_heading(heading, styled=True)
        assert recognised is not None, heading
        assert recognised.section == PARSER_SECTION[section.key], heading
        # Also without the heading style (a person may paste it as plain text).
        assert classify_heading(heading) == recognised, heading
    years = {section.key: classify_heading(heading, styled=True).year for section, heading in section_headings(2024)}
    assert years["achievements"] == 2024 and years["tasks"] == 2025


def test_the_template_is_in_the_order_of_sections_with_the_city_first():
    texts = [(p.text, p.style.name) for p in paragraphs(build_template("Саяногорск", 2024)) if p.text]
    assert texts[0] == ("САЯНОГОРСК", "Title")
    assert [t for t, style in texts[1:]] == [heading for _section, heading in section_headings(2024)]
    assert all(style == "Heading 1" for _t, style in texts[1:])


def test_the_instructions_are_in_the_first_page_header_and_not_imported():
    document = docx.Document(io.BytesIO(build_template(None, 2024)))
    header = " ".join(p.text for p in document.sections[0].first_page_header.paragraphs)
    assert "Заголовки разделов не меняйте" in header
    assert "за 2024 год" in header
    body = " ".join(p.text for p in document.paragraphs)
    assert "Заголовки разделов не меняйте" not in body
    assert document.paragraphs[0].text == MUNICIPALITY_PLACEHOLDER


def test_the_empty_template_parses_with_nothing_skipped():
    parsed = parse_bytes(build_template("Саяногорск", 2024), filename="шаблон.docx")
    assert (parsed.municipality, parsed.year) == ("Саяногорск", 2024)
    assert not parsed.skipped
    assert all(not getattr(parsed, section.key) for section in SECTIONS)


@pytest.mark.parametrize("year", [2019, 2024, 2031])
def test_a_filled_template_imports_into_the_right_sections(year):
    data = fill_template(build_template("Саяногорск", year), year, FILLED)

    parsed = parse_bytes(data, filename="отчёт.docx")

    assert (parsed.municipality, parsed.year) == ("Саяногорск", year)
    for section in SECTIONS:
        assert [item.text for item in getattr(parsed, section.key)] == FILLED[section.key], section.key
    assert {item.year for item in parsed.tasks} == {year + 1}
    assert [item.kind for item in parsed.proposals] == ["methodology"]
    assert not parsed.skipped
    assert not parsed.warnings
