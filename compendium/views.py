"""Public downloads: the yearly compendiums (/compendium/…) and single reports as PDF.

Every one starts from Report.objects.published(). A compendium file is handed out only while
every report inside it is still published as it was when the file was built
(compendium.build.servable): after a withdrawal the year's file is not served — 503 «готовится»
with Retry-After while the worker rebuilds it — so a withdrawn report never leaves the portal in
a download, even in the minutes before the rebuild. Without a job queue (`make run`, tests) an
outdated or missing file is built during the download itself."""

from urllib.parse import quote

from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_etags
from django.utils.translation import gettext as _

from reports.models import MAX_YEAR, MIN_YEAR, Report

from . import build, content, locks, pdf, schedule
from .models import CompendiumFile, FileFormat

CONTENT_TYPES = {
    FileFormat.PDF: "application/pdf",
    FileFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
RETRY_AFTER = 60


def compendium_list(request):
    """The years with published reports, newest first, with their files. Three queries whatever
    the number of years. Not kept in the page cache: a build finishing changes it."""
    years = list(Report.objects.published().order_by().values("year").annotate(n=Count("id")).order_by("-year"))
    files = {(f.year, f.format): f for f in CompendiumFile.objects.all()}
    for year in years:
        year["files"] = [(fmt, files.get((year["year"], fmt))) for fmt in build.FORMATS]
    return render(request, "compendium/list.html", {"years": years})


def attachment(ascii_name: str, name: str) -> str:
    """Content-Disposition with a plain name for old clients and the Russian one (RFC 6266)."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def _servable_file(year: int, fmt: str, published: dict[str, str]):
    record = CompendiumFile.objects.filter(year=year, format=fmt).first()
    if record is not None and build.servable(record, published) and build.path_of(record).is_file():
        return record
    return None


def download(request, year: int, fmt: str):
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404(_("Такого года нет."))
    published = build.published_stamps(year)
    if not published:
        raise Http404(_("За этот год опубликованных отчётов нет."))
    record = _servable_file(year, fmt, published)
    if not schedule.background() and (record is None or locks.state(year).pending):
        # No worker to wait for: build now (one at a time; a concurrent request finds it busy).
        try:
            build.build_now(year)
        except locks.Busy:
            pass
        published = build.published_stamps(year)
        record = _servable_file(year, fmt, published)
    if record is None:
        if schedule.background() and not locks.is_building(year):
            schedule.dispatch(year, None, countdown=0)
        response = render(request, "compendium/preparing.html", {"year": year}, status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        patch_cache_control(response, no_store=True)
        return response
    etag = f'"{record.sha256[:32]}"'
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    response = FileResponse(open(build.path_of(record), "rb"), content_type=CONTENT_TYPES[fmt])  # noqa: SIM115
    response["Content-Disposition"] = attachment(
        f"ASDG-compendium-{year}.{fmt}", _("Сборник отчётов АСДГ за %(year)s год.%(ext)s") % {"year": year, "ext": fmt}
    )
    response["ETag"] = etag
    response["Last-Modified"] = http_date(record.built_at.timestamp())
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    return response


def download_pdf(request, year):
    return download(request, year, FileFormat.PDF)


def download_docx(request, year):
    return download(request, year, FileFormat.DOCX)


def report_pdf(request, slug, year):
    """One published report as PDF (rendered on request; the page cache keeps it per generation
    of its city and year, see compendium/urls.py)."""
    report = content.published_reports(year).filter(municipality__slug=slug).first()
    if report is None:
        raise Http404(_("Такого опубликованного отчёта нет."))
    city = content.city_report(report)
    response = HttpResponse(pdf.report_pdf(city, year), content_type="application/pdf")
    response["Content-Disposition"] = attachment(f"ASDG-report-{slug}-{year}.pdf", f"{city.name} — {year}.pdf")
    return response
