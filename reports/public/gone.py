"""The former address of a report that is no longer published: 410 Gone, saying when it was
withdrawn and what the Association told readers (ReportEvent.public_comment) — never the internal
comment to the city. An address that never showed a published report stays a plain 404, so the
existence of a draft is not given away."""

from django.http import Http404
from django.shortcuts import render

from ..models import Report, ReportEvent, published_q


def withdrawn_report_response(request, slug, year):
    """410 for a report that was published and has been withdrawn since (whatever its status now:
    withdrawn, or back in draft to be corrected); Http404 for anything else."""
    report = (
        Report.objects.filter(municipality__slug=slug, year=year)
        .exclude(published_q())
        .select_related("municipality")
        .first()
    )
    withdrawal = (
        ReportEvent.objects.filter(report=report, transition="withdraw").order_by("-created_at", "-id").first()
        if report is not None
        else None
    )
    if withdrawal is None:
        raise Http404
    context = {
        "municipality": report.municipality,
        "year": report.year,
        "withdrawn_at": withdrawal.created_at,
        "explanation": withdrawal.public_comment,
        "city_has_published": report.municipality.reports.filter(published_q()).exists(),
    }
    response = render(request, "public/report_gone.html", context, status=410)
    response["X-Robots-Tag"] = "noindex"
    return response
