"""Downloads: the needs digest as a spreadsheet (.xlsx) and a document (.docx) for the
Association's board, and the figures of each chart as CSV.

Pure: a digest or a chart in, bytes out (no request; the compendium may reuse them). Texts that a
spreadsheet would run as formulas are neutralised (reports.public.exports.safe_cell); the CSV is
the portal's usual one for Excel in Russia (UTF-8 with a BOM, «;»).
"""

import csv
import io

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reports.public.exports import safe_cell

from .charts import SHARES, Chart
from .needs import NeedsDigest


def needs_title(digest: NeedsDigest) -> str:
    return _("Запросы городов к Ассоциации за %(year)s год") % {"year": digest.year}


def needs_summary(digest: NeedsDigest) -> str:
    parts = [
        _("Запросов: %(n)s") % {"n": digest.total},
        _("городов: %(n)s") % {"n": digest.cities},
        _("опубликованных отчётов за год: %(n)s") % {"n": digest.reports},
    ]
    if digest.has_previous:
        parts.append(
            _("за %(year)s год запросов было %(n)s") % {"year": digest.previous_year, "n": digest.previous_total}
        )
    return "; ".join(parts) + "."


def new_rule(digest: NeedsDigest) -> str:
    """What «новое» means, said in the downloads as on the page."""
    if not digest.has_previous:
        return _("За %(year)s год опубликованных отчётов нет, поэтому новое не отмечено.") % {
            "year": digest.previous_year
        }
    return _(
        "«Новая тема» — о таком (тот же вид запроса и та же тема) в %(year)s году не просил ни один город; "
        "«новое для города» — этот город в %(year)s году о таком не просил."
    ) % {"year": digest.previous_year}


def _generated() -> str:
    return _("Составлено %(date)s по опубликованным отчётам портала.") % {
        "date": date_format(timezone.localdate(), "j E Y")
    }


# --- xlsx ------------------------------------------------------------------------------------


def needs_xlsx(digest: NeedsDigest) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = _("Запросы %(year)s") % {"year": digest.year}
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet["A1"] = needs_title(digest)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = _generated()
    sheet["A3"] = needs_summary(digest)
    sheet["A4"] = new_rule(digest)
    header = [_("Вид запроса"), _("Тема"), _("Город"), _("Субъект РФ"), _("Запрос (слова города)"), _("Новое")]
    widths = [30, 24, 22, 28, 70, 20]
    header_row = 6
    fill = PatternFill("solid", fgColor="DCE6F0")
    for col, (title, width) in enumerate(zip(header, widths), start=1):
        cell = sheet.cell(row=header_row, column=col, value=title)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = wrap
        sheet.column_dimensions[get_column_letter(col)].width = width
    row = header_row + 1
    for kind in digest.kinds:
        for group in kind.themes:
            for request in group.requests:
                new = []
                if group.is_new:
                    new.append(_("новая тема"))
                elif request.is_new:
                    new.append(_("новое для города"))
                values = [
                    str(kind.label),
                    str(group.theme),
                    request.municipality,
                    request.region,
                    request.text,
                    ", ".join(new),
                ]
                for col, value in enumerate(values, start=1):
                    cell = sheet.cell(row=row, column=col, value=safe_cell(value))
                    cell.alignment = wrap
                row += 1
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    if row > header_row + 1:
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(header))}{row - 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    summary = book.create_sheet(_("Сводка"))
    summary_header = [
        _("Вид запроса"),
        _("Тема"),
        _("Запросов"),
        _("Городов"),
        _("Запросов за %(year)s") % {"year": digest.previous_year},
        _("Новая тема"),
    ]
    for col, (title, width) in enumerate(zip(summary_header, [34, 28, 12, 12, 16, 14]), start=1):
        cell = summary.cell(row=1, column=col, value=title)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = wrap
        summary.column_dimensions[get_column_letter(col)].width = width
    row = 2
    for kind in digest.kinds:
        for group in kind.themes:
            values = [
                str(kind.label),
                str(group.theme),
                group.count,
                group.cities,
                group.previous_count if digest.has_previous else "—",
                _("да") if group.is_new else "",
            ]
            for col, value in enumerate(values, start=1):
                cell = summary.cell(row=row, column=col, value=safe_cell(value) if isinstance(value, str) else value)
                cell.alignment = wrap
            row += 1
    summary.freeze_panes = "A2"
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


# --- docx ------------------------------------------------------------------------------------


def needs_docx(digest: NeedsDigest) -> bytes:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.core_properties.title = needs_title(digest)
    document.core_properties.language = "ru-RU"
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(needs_title(digest), level=0)
    document.add_paragraph(_generated())
    document.add_paragraph(needs_summary(digest))
    document.add_paragraph(new_rule(digest))
    if digest.is_empty:
        document.add_paragraph(_("В опубликованных отчётах этого года запросов к Ассоциации нет."))
    for kind in digest.kinds:
        if not kind.count:
            continue
        document.add_heading(str(kind.label), level=1)
        line = _("Запросов: %(n)s, городов: %(cities)s.") % {"n": kind.count, "cities": kind.cities}
        if digest.has_previous:
            line += " " + _("За %(year)s год: %(n)s.") % {"year": digest.previous_year, "n": kind.previous_count}
        document.add_paragraph(line)
        for group in kind.themes:
            heading = str(group.theme)
            if group.is_new:
                heading += " — " + _("новая тема")
            document.add_heading(heading, level=2)
            for request in group.requests:
                paragraph = document.add_paragraph(style="List Bullet")
                paragraph.add_run(request.municipality).bold = True
                if request.region:
                    paragraph.add_run(f" ({request.region})")
                if request.is_new and not group.is_new:
                    paragraph.add_run(" — " + _("новое для города")).italic = True
                paragraph.add_run(": «" + request.text + "»")
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


# --- csv -------------------------------------------------------------------------------------


def chart_rows(chart: Chart) -> tuple[list[str], list[list]]:
    """(header, rows) of a chart's figures: a row per label, a column per series (for SHARES also
    each series' share in %). The page's table and the CSV say the same."""
    header = [str(chart.axis or _("Показатель")), *[str(s.name) for s in chart.series]]
    rows = [[label, *[s.values[i] for s in chart.series]] for i, label in enumerate(chart.labels)]
    if chart.kind == SHARES:
        header += [_("%(name)s, %%") % {"name": s.name} for s in chart.series]
        for row, shares in zip(rows, zip(*chart.shares())):
            row += [round(share, 1) for share in shares]
    return header, rows


def chart_csv(chart: Chart) -> str:
    header, rows = chart_rows(chart)
    stream = io.StringIO()
    stream.write("\ufeff")
    writer = csv.writer(stream, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow(
            [safe_cell(str(cell).replace(".", ",")) if isinstance(cell, float) else safe_cell(cell) for cell in row]
        )
    return stream.getvalue()
