"""The Word template of a report (.docx): the headings the importer recognises, in the order of
reports.models.SECTIONS, and short instructions.

The headings are in Russian whatever the language of the page: they are what the parser reads
(docs/importing.md). The instructions are in the first page's header, which the importer does not
read (reports/importer/docx_reader.py walks the document body only), so a filled template imports
without a note about them. Under each heading there is one empty bulleted paragraph to write in.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from ..models import SECTIONS

# The first line of a template made for nobody in particular; the upload refuses a document that
# still starts with it (unless a municipality is chosen in the form).
MUNICIPALITY_PLACEHOLDER = "НАЗВАНИЕ МУНИЦИПАЛИТЕТА"

# One heading per section key of SECTIONS, as the importer recognises it ({year}: the report's
# year, {next_year}: the year of the tasks). A section without a heading here fails the tests.
HEADINGS = {
    "achievements": "Что наиболее значительное удалось сделать в области взаимодействия с общественностью в {year} году",
    "problems": "Какие проблемы возникли",
    "tasks": "Какие задачи стоят в {next_year} году",
    "proposals": "Запросы к Ассоциации",
}


def section_headings(year: int) -> list[tuple[object, str]]:
    """[(section, heading)] in the order of SECTIONS, numbered «1. …»."""
    return [
        (section, "%d. %s" % (number, HEADINGS[section.key].format(year=year, next_year=year + 1)))
        for number, section in enumerate(SECTIONS, 1)
    ]


def instructions(year: int) -> list[str]:
    return [
        _("Шаблон отчёта о взаимодействии с общественностью за %(year)s год для загрузки в кабинет портала АСДГ.")
        % {"year": year},
        _(
            "Первая строка — название муниципалитета. Заголовки разделов не меняйте: по ним портал "
            "раскладывает текст по разделам. Если отчёт за другой год, исправьте год в заголовках."
        ),
        _(
            "Под каждым заголовком пишите пункты: каждый абзац или пункт списка станет отдельным пунктом "
            "раздела. Раздел, которому нечего сказать, оставьте пустым."
        ),
        _(
            "Сохраните документ как .docx и загрузите его в кабинете: «Отчёты» → «Загрузить из файла Word». "
            "Портал покажет, что распознано; проверьте черновик и отправьте его на проверку."
        ),
        _("Этот текст (верхний колонтитул первой страницы) в отчёт не попадает."),
    ]


def build_template(municipality: str | None, year: int) -> bytes:
    """The .docx template for `municipality` (its name, or the placeholder) and the report `year`."""
    import docx  # python-docx, as the importer's reader

    document = docx.Document()
    section = document.sections[0]
    section.different_first_page_header_footer = True
    header = section.first_page_header
    lines = instructions(year)
    header.paragraphs[0].text = lines[0]
    header.paragraphs[0].runs[0].bold = True
    for line in lines[1:]:
        header.add_paragraph(line)

    document.add_paragraph((municipality or MUNICIPALITY_PLACEHOLDER).upper(), style="Title")
    for _section, heading in section_headings(year):
        document.add_paragraph(heading, style="Heading 1")
        document.add_paragraph("", style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
