"""Downloads of the filtered report list: CSV (one row per item) and JSON (whole reports).

CSV is for Excel users in Russia: UTF-8 with a byte-order mark (so Excel sees
Cyrillic), «;» as the separator (the list separator of the Russian locale),
and every cell that a spreadsheet would run as a formula is neutralised.
"""

import csv

from django.http import JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import SECTIONS, ProposalKind, Report
from .filters import ReportFilter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value) -> str:
    """Text a spreadsheet shows as text: a leading formula character gets a "'" in front."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def filtered_reports(request):
    return ReportFilter(request.GET or None, queryset=Report.objects.published().select_related("municipality")).qs


class _Echo:
    def write(self, value):
        return value


def _csv_rows(report_ids):
    yield "\ufeff"
    writer = csv.writer(_Echo(), delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    yield writer.writerow(
        [_("Муниципалитет"), _("Субъект РФ"), _("Год"), _("Раздел"), _("Вид"), _("На какой год"), _("Текст")]
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
                    )
                ]
            )


def export_csv(request):
    ids = filtered_reports(request).values("pk")
    # One small query before the response starts: a database that is down makes this the 503
    # page, not a 200 cut after the header row. (Not the first rows themselves: a generator
    # started here would hold a server-side cursor until it is closed or collected.)
    ids.exists()
    response = StreamingHttpResponse(_csv_rows(ids), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="reports-{stamp}.csv"'
    return response


def export_json(request):
    from ..api.serializers import ReportDetailSerializer

    reports = (
        Report.objects.published_with_sections()
        .filter(pk__in=filtered_reports(request).values("pk"))
        .order_by("-year", "municipality__name")
    )
    data = ReportDetailSerializer(reports, many=True, context={"request": request}).data
    response = JsonResponse(
        {"count": len(data), "results": data}, json_dumps_params={"ensure_ascii": False, "indent": 1}
    )
    response["Content-Disposition"] = f'attachment; filename="reports-{timezone.localdate().isoformat()}.json"'
    return response
