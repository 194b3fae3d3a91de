"""DOCX of the compendium with python-docx: the same book as the PDF (compendium/content.py).

Real heading styles (Heading 1: regions and chapters, Heading 2: cities, Heading 3: sections),
so Word's navigation pane lists them; a TOC field over them and PAGEREF fields in the index of
cities, which Word fills in when it opens the file (the document asks it to update its fields);
the year in the header and a PAGE field in the footer; Russian as the text's language, with
automatic hyphenation and widow control. Text arrives cleaned of what XML cannot carry
(content.clean), which python-docx would refuse."""

import io

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from . import charts
from .content import Book, CityReport

BODY_FONT, HEADING_FONT = "Times New Roman", "Arial"
ACCENT = RGBColor(0x2F, 0x5D, 0x8A)


class _Body:
    """Appends paragraphs and tables before the body's last section properties directly.

    python-docx's Document.add_paragraph looks for that element among all the body's children on
    every call, which is quadratic: 40 minutes for the 56,000 paragraphs of 350 reports. Here each
    paragraph costs the same whatever the document's length, and styles are set by their ids."""

    STYLE_IDS = {
        "Heading 1": "Heading1",
        "Heading 2": "Heading2",
        "Heading 3": "Heading3",
        "Title": "Title",
        "Subtitle": "Subtitle",
        "TOC Heading": "TOCHeading",
    }

    def __init__(self, document):
        self.document = document
        self.body = document._body
        self.end = document.element.body.sectPr

    def paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        element = OxmlElement("w:p")
        self.end.addprevious(element)
        paragraph = Paragraph(element, self.body)
        if style:
            element.style = self.STYLE_IDS[style]
        if text:
            paragraph.add_run(text)
        return paragraph

    def heading(self, text: str, level: int) -> Paragraph:
        return self.paragraph(text, f"Heading {level}")

    def table(self, rows: int, cols: int):
        # python-docx's own (one search of the body per table: a few hundred at most).
        return self.document.add_table(rows=rows, cols=cols)


def _set_language(style, lang="ru-RU"):
    rpr = style.element.get_or_add_rPr()
    element = rpr.find(qn("w:lang"))
    if element is None:
        element = OxmlElement("w:lang")
        rpr.append(element)
    element.set(qn("w:val"), lang)
    element.set(qn("w:eastAsia"), lang)


def _setup(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:cs"), BODY_FONT)
    normal.paragraph_format.widow_control = True
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _set_language(normal)
    for level, size in ((1, 18), (2, 15), (3, 12.5)):
        style = styles[f"Heading {level}"]
        style.font.name, style.font.size, style.font.color.rgb = HEADING_FONT, Pt(size), ACCENT if level < 3 else None
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    document.settings.element.append(_element("w:autoHyphenation", {"w:val": "true"}))
    # Word asks to update the fields on opening: the contents and the index get their page numbers.
    document.settings.element.append(_element("w:updateFields", {"w:val": "true"}))
    section = document.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(22)
    section.left_margin, section.right_margin = Mm(22), Mm(18)


def _element(tag: str, attributes: dict | None = None):
    element = OxmlElement(tag)
    for name, value in (attributes or {}).items():
        element.set(qn(name), value)
    return element


def _field(paragraph, instruction: str, result: str = "") -> None:
    """A complex field (begin, instruction, separate, its current result, end)."""
    paragraph.add_run()._r.append(_element("w:fldChar", {"w:fldCharType": "begin"}))
    instr = _element("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(_element("w:fldChar", {"w:fldCharType": "separate"}))
    paragraph.add_run(result)
    paragraph.add_run()._r.append(_element("w:fldChar", {"w:fldCharType": "end"}))


def _bookmark(paragraph, name: str, number: int) -> None:
    paragraph._p.insert(
        1 if paragraph._p.pPr is not None else 0, _element("w:bookmarkStart", {"w:id": str(number), "w:name": name})
    )
    paragraph._p.append(_element("w:bookmarkEnd", {"w:id": str(number)}))


def _bookmark_name(anchor: str) -> str:
    return anchor.replace("-", "_")  # Word's bookmark names: letters, digits, underscores


def _page_break_before(paragraph) -> None:
    paragraph.paragraph_format.page_break_before = True


def _header_footer(document, year: int) -> None:
    section = document.sections[-1]
    section.different_first_page_header_footer = False
    header = section.header.paragraphs[0]
    header.text = _("АСДГ · Сборник отчётов за %(year)s год") % {"year": year}
    header.style.font.size = Pt(8)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(footer, "PAGE", "1")


def _cover(body: _Body, book: Book) -> None:
    cover = body.document.sections[0]
    cover.different_first_page_header_footer = True  # no header, footer or number on the cover
    for _n in range(6):
        body.paragraph()
    org = body.paragraph()
    run = org.add_run(_("Ассоциация сибирских и дальневосточных городов"))
    run.bold, run.font.color.rgb, run.font.name = True, ACCENT, HEADING_FONT
    for _n in range(4):
        body.paragraph()
    body.paragraph(_("Взаимодействие с общественностью"), style="Title")
    sub = body.paragraph(style="Subtitle")
    sub.add_run(_("Сборник отчётов городов за %(year)s год") % {"year": book.year})
    cities, regions = len(book.cities), len({c.region for c in book.cities})
    body.paragraph(
        ngettext("%(n)d город", "%(n)d городов", cities) % {"n": cities}
        + ", "
        + ngettext("%(n)d субъект РФ", "%(n)d субъектов РФ", regions) % {"n": regions}
    )
    body.paragraph(_("Собран") + " " + date_format(book.built_at, "j E Y"))


def _chapter(body: _Body, title: str):
    heading = body.heading(title, level=1)
    _page_break_before(heading)
    return heading


def _contents(body: _Body, book: Book, new_page: bool) -> None:
    heading = body.paragraph(_("Содержание"), style="TOC Heading")
    if new_page:
        _page_break_before(heading)
    paragraph = body.paragraph()
    paragraph.add_run()._r.append(_element("w:fldChar", {"w:fldCharType": "begin"}))
    instr = _element("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = ' TOC \\o "1-2" \\h \\z \\u '
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(_element("w:fldChar", {"w:fldCharType": "separate"}))
    # Until Word updates the field: the headings it will list, and how to get the page numbers.
    paragraph.add_run(_("Оглавление заполнится номерами страниц при открытии файла (или по F9)."))
    for region in book.regions:
        body.paragraph(region.name).runs[0].bold = True
        for city in region.cities:
            body.paragraph(city.name).paragraph_format.left_indent = Cm(0.7)
    end = body.paragraph()
    end.add_run()._r.append(_element("w:fldChar", {"w:fldCharType": "end"}))


def _statistics(body: _Body, book: Book) -> None:
    _chapter(body, _("Год в цифрах"))
    table = body.table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in book.statistics.figures:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for chart in book.statistics.charts:
        caption = body.paragraph(chart.title, "Heading 2")
        caption.paragraph_format.page_break_before = False
        if chart.bars:
            body.document.add_picture(io.BytesIO(charts.bar_chart_png(chart)), width=Cm(16))
        table = body.table(rows=1, cols=1 + len(chart.series))
        table.style = "Table Grid"
        for cell, title in zip(table.rows[0].cells, [chart.axis or "", *chart.series]):
            cell.text = title
            if cell.paragraphs[0].runs:
                cell.paragraphs[0].runs[0].bold = True
        for label, values in chart.rows:
            cells = table.add_row().cells
            cells[0].text = label
            for cell, value in zip(cells[1:], values):
                cell.text = value
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if chart.description:
            body.paragraph(chart.description).runs[0].font.size = Pt(9)


def _city(body: _Body, city: CityReport, number: int, first_in_region: bool) -> None:
    heading = body.heading(city.name, level=2)
    if not first_in_region:
        _page_break_before(heading)
    _bookmark(heading, _bookmark_name(city.anchor), number)
    meta = body.paragraph()
    meta.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    published = date_format(city.published_at, "j E Y")
    run = meta.add_run(
        f"{city.region + ' · ' if city.region else ''}{_('опубликован')} {published} · {settings.PORTAL_BASE_URL}{city.url}"
    )
    run.font.size, run.font.color.rgb = Pt(9), RGBColor(0x44, 0x44, 0x44)
    for section in city.sections:
        body.heading(section.title, level=3)
        if section.groups:
            for kind, items in section.groups:
                label = body.paragraph()
                label.add_run(kind).italic = True
                label.paragraph_format.keep_with_next = True
                _items(body, items, with_notes=False)
        elif section.items:
            _items(body, section.items)
        else:
            body.paragraph(_("В отчёте этого раздела нет.")).runs[0].italic = True
    if city.outcomes:
        body.heading(_("Итоги задач прошлого года"), level=3)
        table = body.table(rows=1, cols=3)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        for cell, title in zip(table.rows[0].cells, (_("Задача"), _("Итог"), _("Пояснение"))):
            cell.text = title
            cell.paragraphs[0].runs[0].bold = True
        for row in city.outcomes:
            cells = table.add_row().cells
            cells[0].text, cells[1].text, cells[2].text = row.task, row.outcome or "—", row.comment


def _items(body: _Body, items, with_notes=True) -> None:
    for n, item in enumerate(items, 1):
        paragraph = body.paragraph()
        paragraph.paragraph_format.left_indent = Cm(0.8)
        paragraph.paragraph_format.first_line_indent = Cm(-0.8)
        paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(0.8))
        paragraph.add_run(f"{n}.\t{item.text[:1].upper()}{item.text[1:]}")
        if with_notes and item.note:
            paragraph.add_run(f" ({item.note})").italic = True


def _annexes(body: _Body, book: Book) -> None:
    _chapter(body, _("Приложение 1. Запросы городов к Ассоциации"))
    if book.needs.intro:
        body.paragraph(book.needs.intro)
    for group in book.needs.groups:
        body.heading(f"{group.title} ({group.count})", level=2)
        for theme in group.themes:
            body.heading(theme.title + (" — " + _("новая тема") if theme.is_new else ""), level=3)
            for city, text, is_new in theme.entries:
                paragraph = body.paragraph()
                paragraph.add_run(city + (" (" + _("впервые") + ")" if is_new else "") + ". ").bold = True
                paragraph.add_run(text[:1].upper() + text[1:])
    if not book.needs.groups:
        body.paragraph(_("В отчётах этого года запросов к Ассоциации нет."))
    _chapter(body, _("Приложение 2. Указатель городов"))
    for city in book.index:
        paragraph = body.paragraph()
        paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(16.5), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        paragraph.add_run(city.name)
        if city.region:
            paragraph.add_run(f" ({city.region})").font.color.rgb = RGBColor(0x55, 0x55, 0x55)
        paragraph.add_run("\t")
        _field(paragraph, f"PAGEREF {_bookmark_name(city.anchor)} \\h", "—")


def write_book(book: Book, out) -> None:
    """The whole book as DOCX into the binary file `out`."""
    document = Document()
    _setup(document)
    body = _Body(document)
    core = document.core_properties
    core.title = _("Сборник отчётов городов АСДГ за %(year)s год") % {"year": book.year}
    core.author = _("Ассоциация сибирских и дальневосточных городов")
    core.language = "ru-RU"
    _cover(body, book)
    document.add_section(WD_SECTION.NEW_PAGE)
    _header_footer(document, book.year)
    if book.foreword:
        body.heading(book.foreword.title, level=1)  # the new section starts its page
        for text in book.foreword_paragraphs:
            body.paragraph(text).paragraph_format.first_line_indent = Cm(0.7)
        if book.foreword.signature:
            signature = body.paragraph(book.foreword.signature)
            signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            signature.runs[0].italic = True
    _contents(body, book, new_page=book.foreword is not None)
    _statistics(body, book)
    number = 0
    for region in book.regions:
        _chapter(body, region.name)
        for n, city in enumerate(region.cities):
            number += 1
            _city(body, city, number, first_in_region=n == 0)
    _annexes(body, book)
    document.save(out)
