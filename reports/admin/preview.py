"""The preview of a report's public page from the back office: how the report will look on the
site, before it is published — to the city writing it and to the Association reviewing it.

It is a page of the admin (login, staff, the report admin's queryset: another city's report is a
404), marked on screen as not published, `noindex`, and never cached (admin_view sends
`Cache-Control: no-store, private`); its body is rendered for the request and never stored.
"""

from django.template.response import TemplateResponse

from ..models import Report
from ..public import renderings
from ..public.links import municipality_url


class PreviewPage:
    """ReportAdmin's preview page (a mixin of it, next to ReportPages)."""

    def preview_view(self, request, object_id):
        report = self.report_or_404(request, object_id)
        report = (
            Report.objects.select_related("municipality")
            .prefetch_related(*Report.objects.section_prefetches())
            .get(pk=report.pk)
        )
        response = TemplateResponse(
            request,
            "public/report_preview.html",
            {
                "report": report,
                "body": renderings.report_body_html(report, preview=True),
                "municipality_url": municipality_url(report.municipality.slug),
            },
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
