"""Pages of the public site. Each starts from Report.objects.published() (via its named querysets)."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


from ..models import Municipality, Report
from .cache import per_generation
from .report_body import rendered_body
from .filters import FULL_CITY_LIST, ReportFilter, published_municipality_count, with_published_reports

PAGE_SIZE = 20


def home(request):
    published = Report.objects.published()
    context = {
        "latest": list(published.for_public_list().order_by("-published_at", "-id")[:6]),
        "years": list(published.values("year").annotate(n=Count("id")).order_by("-year")),
        "regions": list(
            published.exclude(municipality__region="")
            .values("municipality__region")
            .annotate(n=Count("id"))
            .order_by("municipality__region")
        ),
        "totals": published.aggregate(
            reports=Count("id"), municipalities=Count("municipality", distinct=True)
        ),
    }
    return render(request, "public/home.html", context)


def report_list(request):
    report_filter = ReportFilter(request.GET or None, queryset=Report.objects.for_public_list())
    page = Paginator(report_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "public/report_list.html",
        {"filter": report_filter, "page": page, "reports": page.object_list, "query_string": params.urlencode()},
    )


SAME_YEAR_LINKS = 12


def _report_url(slug: str, year: int) -> str:
    return reverse("public:report_detail", args=[slug, year])


def report_detail(request, slug, year):
    report = get_object_or_404(Report.objects.for_page(), municipality__slug=slug, year=year)
    query = request.GET.get("q", "").strip()
    body, cached = rendered_body(request, report, query)
    # The link lists as plain (address, label) pairs: two narrow queries, no model instances
    # (this part is rendered again after every publication anywhere, the body is not).
    published = Report.objects.published().exclude(pk=report.pk)
    slug = report.municipality.slug
    other_years = published.filter(municipality=report.municipality).order_by("-year").values_list("year", flat=True)
    # Neighbours from the same region, a dozen at most: with every municipality of the
    # country on the portal a full list would be thousands of links on every report.
    same_year = (
        published.filter(year=report.year, municipality__region=report.municipality.region)
        .order_by("municipality__name")
        .values_list("municipality__slug", "municipality__name")[:SAME_YEAR_LINKS]
    )
    context = {
        "report": report,
        "body": mark_safe(body),  # rendered by our own template, escaped there  # noqa: S308
        "query": query,
        "other_years": [(_report_url(slug, y), y) for y in other_years],
        "same_year": [(_report_url(s, report.year), name) for s, name in same_year],
    }
    response = render(request, "public/report_detail.html", context)
    response["X-Report-Body"] = "hit" if cached else "miss"
    return response


def _region_counts():
    """[{"region", "n"}]: how many cities with published reports each region has."""
    return list(with_published_reports().values("region").annotate(n=Count("id")).order_by("region"))


def municipality_list(request):
    """Every city with published reports, by region; past FULL_CITY_LIST cities, the regions
    first and the cities of one region (?region=…) — not 17,500 links on one page."""
    municipalities = (
        Municipality.objects.annotate(n=Count("reports", filter=Q(reports__status="published")))
        .filter(n__gt=0)
        .order_by("region", "name")
    )
    context = {"regions": None, "region": None}
    if published_municipality_count() > FULL_CITY_LIST:
        regions = per_generation("facet:region-counts", _region_counts)
        region = request.GET.get("region")
        known = {r["region"] for r in regions}
        context["regions"] = regions
        if region in known:
            context["region"] = region
            municipalities = municipalities.filter(region=region)
        else:
            municipalities = municipalities.none()
    context["municipalities"] = municipalities
    return render(request, "public/municipality_list.html", context)


def municipality_detail(request, slug):
    municipality = get_object_or_404(Municipality, slug=slug)
    reports = list(Report.objects.for_detail().filter(municipality=municipality).order_by("-year"))
    if not reports:
        raise Http404(_("У этого города пока нет опубликованных отчётов."))
    by_year = {r.year: r for r in reports}
    # "What it planned for year Y" beside "what it reported for year Y".
    plans = []
    for report in sorted(reports, key=lambda r: r.year):
        tasks = list(report.tasks.all())
        if not tasks:
            continue
        target = report.year + 1
        plans.append({"planned_in": report, "year": target, "tasks": tasks, "outcome": by_year.get(target)})
    return render(
        request,
        "public/municipality_detail.html",
        {"municipality": municipality, "reports": reports, "plans": list(reversed(plans))},
    )


class _RankedHits:
    """A sequence of search hits for the Paginator that ranks only as far as the page shown.

    Its length is what can be paged through: the ranked candidates (search.CANDIDATES, the
    newest matching reports); `more` says that more reports match than that."""

    def __init__(self, engine, query):
        self.engine, self.query = engine, query
        self._total = None
        self.more = False

    def __len__(self):
        if self._total is None:
            cap = self.engine.CANDIDATES
            found = self.engine.count(self.query, cap=cap)
            self.more = found > cap
            self._total = min(found, cap)
        return self._total

    count = __len__

    def __getitem__(self, window):
        return self.engine.search(self.query, limit=window.stop)[window]


def search(request):
    from .. import search as search_engine

    query = request.GET.get("q", "").strip()[:200]
    hits = _RankedHits(search_engine, query) if query else []
    page = Paginator(hits, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "public/search.html",
        {
            "query": query,
            "page": page,
            "hits": list(page.object_list),
            "total": page.paginator.count,
            "more": getattr(hits, "more", False),
            "query_string": urlencode({"q": query}),
        },
    )
