"""Pages and downloads of the insights: the needs digest, compare cities, statistics. Everything
from published reports only (insights.needs, .stats, .compare start from published_q)."""

from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from portal.page_cache import per_generation
from reports.facets import FULL_CITY_LIST, municipality_choices, published_municipality_count, published_years
from reports.models import SECTIONS, Proposal, published_q
from reports.public.sharing import with_licence_link

from . import exports
from .compare import MAX_CITIES, compare, read_choice
from .needs import needs_digest
from .stats import CHARTS, figures

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _needs_years() -> list[dict]:
    """[{"year", "n" requests, "cities"}], newest first: the years whose published reports ask something."""
    return list(
        Proposal.objects.filter(published_q("report__"))
        .values("report__year")
        .annotate(n=Count("id"), cities=Count("report__municipality", distinct=True))
        .order_by("-report__year")
    )


def needs_index(request):
    return render(request, "insights/needs_index.html", {"years": per_generation("insights:needs-years", _needs_years)})


def _digest_or_404(year):
    digest = needs_digest(year)
    if digest is None:
        raise Http404(_("За этот год опубликованных отчётов нет."))
    return digest


def needs_year(request, year):
    digest = _digest_or_404(year)
    return render(
        request,
        "insights/needs_year.html",
        {"digest": digest, "summary": exports.needs_summary(digest), "new_rule": exports.new_rule(digest)},
    )


def needs_download(request, year, extension):
    year = int(year)  # four digits, by the URL pattern
    digest = _digest_or_404(year)
    if extension == "xlsx":
        response = HttpResponse(exports.needs_xlsx(digest), content_type=XLSX)
    else:
        response = HttpResponse(exports.needs_docx(digest), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="needs-{year}.{extension}"'
    return with_licence_link(response)


def stats(request):
    return render(request, "insights/stats.html", {"charts": per_generation("insights:figures", figures)})


def stats_csv(request, key):
    make = CHARTS.get(key)
    if make is None:
        raise Http404(_("Такой диаграммы нет."))
    chart = next(chart for chart in per_generation("insights:figures", figures) if chart.key == key)
    response = HttpResponse(exports.chart_csv(chart), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="stats-{key}.csv"'
    return with_licence_link(response)


def compare_page(request):
    choice = read_choice(request.GET)
    columns = compare(choice)
    everything = published_municipality_count() <= FULL_CITY_LIST
    cities = municipality_choices(None, everything=True) if everything else []
    chosen = [m.slug for m in choice.municipalities]
    # The form's rows: what was chosen (also what was refused, to be corrected), then empty ones up to MAX_CITIES.
    rows = (choice.slugs[:MAX_CITIES] + [""] * MAX_CITIES)[: max(MAX_CITIES, 2)]
    return render(
        request,
        "insights/compare.html",
        {
            "choice": choice,
            "columns": columns,
            "cities": cities,
            "city_rows": rows,
            "chosen": chosen,
            "years": published_years(),
            # [(section, [(column, its items or counts)])]: the table's rows.
            "section_rows": [(s, [(c, c.sections[i][1]) for c in columns]) for i, s in enumerate(SECTIONS)],
            "max_cities": MAX_CITIES,
        },
    )
