"""Pages of the public site. Each starts from Report.objects.published() (via its named querysets)."""

import functools
from dataclasses import replace
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal.db import prepared
from portal.page_cache import per_generation
from themes.public import has_theme_q, theme_choices

from ..facets import FULL_CITY_LIST, published_municipality_count
from ..models import Municipality, Report
from ..status import Status
from . import renderings
from .filters import ReportFilter
from .gone import withdrawn_report_response
from .links import municipality_url, report_url

PAGE_SIZE = 20


def _home_facts() -> dict:
    """The home page's counts by year and region and its totals: each a pass over every published
    report (tens of milliseconds at national scale), so once per generation of the lists."""
    published = Report.objects.published()
    return {
        "years": list(published.values("year").annotate(n=Count("id")).order_by("-year")),
        "regions": list(
            published.exclude(municipality__region="")
            .values("municipality__region")
            .annotate(n=Count("id"))
            .order_by("municipality__region")
        ),
        "totals": published.aggregate(reports=Count("id"), municipalities=Count("municipality", distinct=True)),
    }


def home(request):
    from insights.stats import home_charts

    context = {
        "latest": list(Report.objects.for_public_list().order_by("-published_at", "-id")[:6]),
        **per_generation("facts:home", _home_facts),
        # Two of the statistics page's charts (insights/stats.py), counted once per generation.
        "charts": per_generation("insights:home-charts", home_charts),
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
        {
            "filter": report_filter,
            "page": page,
            "reports": page.object_list,
            "query_string": params.urlencode(),
            "ignored": report_filter.ignored_fields(),
            "described": " — ".join(report_filter.description()),
        },
    )


SAME_YEAR_LINKS = 12


@functools.cache
def _links_sql() -> str:
    """The city's other published years, and up to SAME_YEAR_LINKS published reports of the same
    year from the same region by name, in one statement. Written as SQL because the ORM can only
    say "the first twelve by name" inside a UNION as an IN-subquery that joins everything again:
    0.59 ms a page instead of 0.18 (PostgreSQL, prepared). A derived table with ORDER BY and
    LIMIT works in a UNION on both PostgreSQL and SQLite. "Published" is written into the text
    (it is our constant): as a parameter, PostgreSQL would plan the prepared statement for any
    status and run it twice as slowly."""
    report, municipality = (connection.ops.quote_name(m._meta.db_table) for m in (Report, Municipality))
    published = Status.PUBLISHED.value
    assert published.isidentifier()  # safe to write into SQL
    return prepared(f"""
        SELECT 0, r.year, '', '' FROM {report} r
        WHERE r.municipality_id = %s AND r.status = '{published}' AND r.id <> %s
        UNION ALL
        SELECT 1, n.year, n.slug, n.name FROM (
            SELECT r.year, m.slug, m.name FROM {report} r JOIN {municipality} m ON m.id = r.municipality_id
            WHERE m.region = %s AND r.year = %s AND r.status = '{published}' AND r.id <> %s
            ORDER BY m.name LIMIT {SAME_YEAR_LINKS}
        ) n
        ORDER BY 1, 2 DESC, 4
    """)


def report_links(page: renderings.ReportPage) -> tuple[list, list]:
    """The links around a report's page, as (address, label) pairs from one query: the city's
    other published years, newest first, and up to SAME_YEAR_LINKS published reports of the same
    year from the same region, by name (with every municipality of the country on the portal,
    all of a year's cities would be thousands of links on every report). Only published
    reports: the same condition as Report.objects.published()."""
    params = [page.municipality_id, page.id, page.region, page.year, page.id]
    with connection.cursor() as cursor:
        cursor.execute(_links_sql(), params)
        rows = cursor.fetchall()
    other_years, same_year = [], []
    for neighbour, year, slug, name in rows:
        if neighbour:
            same_year.append((report_url(slug, year), name))
        else:
            other_years.append((report_url(page.slug, year), year))
    return other_years, same_year


def report_detail(request, slug, year):
    """Two queries: the report with its stored body in the page's language, and the links."""
    page = renderings.report_page(slug, year, get_language())
    if page is None:
        return withdrawn_report_response(request, slug, year)  # 410 if it was withdrawn, else 404
    query = request.GET.get("q", "").strip()
    if query:  # the words of a search marked: rendered for this visitor, never stored
        report = Report.objects.published_with_sections().get(pk=page.id)
        page = replace(page, body=renderings.report_body_html(report, query))
    other_years, same_year = report_links(page)
    context = {
        "page": page,
        "body": mark_safe(page.body),  # rendered by our own template, escaped there  # noqa: S308
        "municipality_url": municipality_url(page.slug),
        "other_years": other_years,
        "same_year": same_year,
    }
    return render(request, "public/report_detail.html", context)


def _region_counts():
    """[{"region", "n"}]: how many cities with published reports each region has."""
    return list(
        Municipality.objects.with_published_reports().values("region").annotate(n=Count("id")).order_by("region")
    )


def municipality_list(request):
    """Every city with published reports, by region; past FULL_CITY_LIST cities, the regions
    first and the cities of one region (?region=…) — not 17,500 links on one page."""
    municipalities = Municipality.objects.with_published_count().order_by("region", "name")
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
    """One query: the city with its stored page body (its reports by year, plans and outcomes)."""
    page = renderings.municipality_page(slug, get_language())
    if page is None:
        raise Http404(_("У этого города пока нет опубликованных отчётов."))
    context = {"page": page, "body": mark_safe(page.body)}  # our own template, escaped there  # noqa: S308
    return render(request, "public/municipality_detail.html", context)


class _RankedHits:
    """A sequence of search hits for the Paginator that ranks only as far as the page shown.

    Its length is what can be paged through: the ranked candidates (search.CANDIDATES, the
    newest matching reports); `more` says that more reports match than that."""

    def __init__(self, engine, query, reports=None):
        self.engine, self.query, self.reports = engine, query, reports
        self._total = None
        self.more = False

    def __len__(self):
        if self._total is None:
            cap = self.engine.CANDIDATES
            found = self.engine.count(self.query, reports=self.reports, cap=cap)
            self.more = found > cap
            self._total = min(found, cap)
        return self._total

    count = __len__

    def __getitem__(self, window):
        return self.engine.search(self.query, reports=self.reports, limit=window.stop)[window]


def search(request):
    """The search page: ranked hits, «Возможно, вы искали …» (a query with a misspelt word or
    letters of both alphabets in a word) and what a query of stop words only gets. A query that
    finds something costs the count and two queries for the page of hits; one that finds
    nothing, the count and at most four for the suggestion; one of stop words only, none."""
    from .. import search as search_engine

    query = request.GET.get("q", "").strip()[:200]
    stop_words_only = search_engine.only_stop_words(query)
    # ?theme=<slug>: only reports with an item of that theme (an unknown theme: all of them).
    themes = dict(theme_choices())
    theme = request.GET.get("theme", "")
    theme = theme if theme in themes else ""
    reports = Report.objects.published().filter(has_theme_q(theme)) if theme else None
    hits = _RankedHits(search_engine, query, reports) if query and not stop_words_only else []
    page = Paginator(hits, PAGE_SIZE).get_page(request.GET.get("page"))
    total = page.paginator.count
    suggestion = search_engine.suggest(query, found=total) if query and not stop_words_only else None
    return render(
        request,
        "public/search.html",
        {
            "query": query,
            "page": page,
            "hits": list(page.object_list),
            "total": total,
            "more": getattr(hits, "more", False),
            "query_string": urlencode({"q": query, **({"theme": theme} if theme else {})}),
            "themes": themes,
            "theme": theme,
            "theme_name": themes.get(theme, ""),
            "without_theme_url": f"?{urlencode({'q': query})}",
            "stop_words_only": stop_words_only,
            "suggestion": suggestion,
            "suggestion_url": f"?{urlencode({'q': suggestion.query})}" if suggestion else "",
        },
    )
