"""Downloads of the filtered report list: CSV (one row per item, then one per outcome of a task set
for the report's year) and JSON (whole reports).

CSV is for Excel users in Russia: UTF-8 with a byte-order mark (so Excel sees
Cyrillic), «;» as the separator (the list separator of the Russian locale),
and every cell that a spreadsheet would run as a formula is neutralised.

Both name the licence of the texts and data (reports/public/sharing.py): a `Link: <…>;
rel="license"` header, and in the JSON a `license` field beside `count` and `results`.
"""

import csv

from django.http import HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.text import slugify_ru

from ..models import SECTIONS, ProposalKind, Report
from ..outcomes.models import TaskOutcome
from ..outcomes.plan import public_outcomes_q
from .filters import ReportFilter
from .sharing import licence_document, with_licence_link

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value) -> str:
    """Text a spreadsheet shows as text: a leading formula character gets a "'" in front."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def report_filter(request) -> ReportFilter:
    return ReportFilter(request.GET or None, queryset=Report.objects.published().select_related("municipality"))


def refused(report_filter: ReportFilter, as_json: bool):
    """400 for conditions that do not exist (`?year=abc`): an export says what is wrong rather
    than give everything under a name that promises a part (as the API does)."""
    errors = {name: [str(e) for e in errs] for name, errs in report_filter.form.errors.items()}
    if as_json:
        return JsonResponse({"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False})
    lines = [_("Выгрузка не сделана: в условиях есть значения, которых нет.")]
    lines += [f"{report_filter.form.fields[name].label}: {' '.join(errs)}" for name, errs in errors.items()]
    return HttpResponseBadRequest("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def file_name(report_filter: ReportFilter, extension: str) -> str:
    """reports-<what is in it>-<date>.<ext>, in Latin letters: «reports-2024-krasnoyarskiy-kray-2026-12-01.csv»."""
    described = "-".join(slugify_ru(part) for part in report_filter.description() if slugify_ru(part) != "municipality")
    stamp = timezone.localdate().isoformat()
    return f"reports-{described[:80].strip('-') + '-' if described else ''}{stamp}.{extension}"


class _Echo:
    def write(self, value):
        return value


def _csv_rows(report_ids):
    yield "\ufeff"
    writer = csv.writer(_Echo(), delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    yield writer.writerow(
        [
            _("Муниципалитет"),
            _("Субъект РФ"),
            _("Год"),
            _("Раздел"),
            _("Вид"),
            _("На какой год"),
            _("Текст"),
            _("Пояснение"),
        ]
    )
    # One query per section, whatever the number of reports (ids are a subquery, not a list).
    for section in SECTIONS:
        label = str(section.title)
        items = (
            section.model.objects.filter(report__in=report_ids)
            .select_related("report__municipality")
            .order_by("-report__year", "report__municipality__name", "position", "id")
        )
        for item in items.iterator(chunk_size=2000):
            report = item.report
            kind = ProposalKind(item.kind).label if "kind" in section.fields else ""
            year = item.year if "year" in section.fields else ""
            yield writer.writerow(
                [
                    safe_cell(v)
                    for v in (
                        report.municipality.name,
                        report.municipality.region,
                        report.year,
                        label,
                        kind,
                        year,
                        item.text,
                        "",
                    )
                ]
            )
    yield from _outcome_rows(writer, report_ids)


def _outcome_rows(writer, report_ids):
    """Plan → fact (reports.outcomes): a row per task set for the report's year, after the items.
    «Вид» is the outcome («выполнена», … or «итог не указан»), «На какой год» the report's year,
    «Текст» the task, «Пояснение» the city's comment. Only what the public may see of them."""
    label = _("Выполнение задач на отчётный год")
    rows = (
        TaskOutcome.objects.filter(public_outcomes_q(), report__in=report_ids)
        .select_related("report__municipality")
        .order_by("-report__year", "report__municipality__name", "position", "id")
    )
    for row in rows.iterator(chunk_size=2000):
        report = row.report
        yield writer.writerow(
            [
                safe_cell(v)
                for v in (
                    report.municipality.name,
                    report.municipality.region,
                    report.year,
                    label,
                    row.label,
                    report.year,
                    row.task_text,
                    row.comment,
                )
            ]
        )


def export_csv(request):
    chosen = report_filter(request)
    if chosen.ignored_fields():
        return refused(chosen, as_json=False)
    ids = chosen.qs.values("pk")
    # One small query before the response starts: a database that is down makes this the 503
    # page, not a 200 cut after the header row. (Not the first rows themselves: a generator
    # started here would hold a server-side cursor until it is closed or collected.)
    ids.exists()
    response = StreamingHttpResponse(_csv_rows(ids), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name(chosen, "csv")}"'
    return with_licence_link(response)  # a CSV has no place of its own to name it


def export_json(request):
    from ..api.serializers import ReportDetailSerializer

    chosen = report_filter(request)
    if chosen.ignored_fields():
        return refused(chosen, as_json=True)
    reports = (
        Report.objects.published_with_sections()
        .filter(pk__in=chosen.qs.values("pk"))
        .order_by("-year", "municipality__name")
    )
    data = ReportDetailSerializer(reports, many=True, context={"request": request}).data
    response = JsonResponse(
        {"count": len(data), "license": licence_document(), "results": data},
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
    response["Content-Disposition"] = f'attachment; filename="{file_name(chosen, "json")}"'
    return with_licence_link(response)
