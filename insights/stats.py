"""The figures of the statistics page (and of the home page and the compendium), from PUBLISHED
reports only, as Chart values (insights.charts) ready to draw, tabulate and download.

`figures()`: every chart over all years; `year_figures(year)`: the charts of one year (the
compendium). Each chart is a few grouped queries, whatever the number of reports; the pages keep
them per generation of the published lists (portal.page_cache.per_generation). Usable without a
request. Titles and series names are lazy translations: a kept Chart shows in the language of
the page that draws it.
"""

from collections import defaultdict

from django.db.models import Count, F
from django.utils.translation import gettext_lazy as _

from reports.models import SECTIONS, Municipality, Proposal, ProposalKind, Report, published_q
from reports.outcomes.models import Outcome, TaskOutcome
from reports.outcomes.plan import public_outcomes_q
from themes.counts import theme_rows

from .charts import BARS, HBARS, LINES, SHARES, STACKED, Chart, Series

# Lines of more themes than this are a tangle: the top ones are drawn, the table and CSV of the
# chart hold them all.
THEME_LINES = 6
NOT_MARKED = _("не отмечено")
NO_REGION = _("Регион не указан")
# Outcomes in the order of the stack, each with a colour that says it (and the table says it in words).
OUTCOME_COLORS = {
    Outcome.DONE: "#2e7d32",
    Outcome.PARTLY: "#7cb342",
    Outcome.CARRIED_OVER: "#c77c00",
    Outcome.NOT_DONE: "#a33b3b",
    Outcome.DROPPED: "#5f7482",
    "": "#b0bec5",
}
KIND_COLORS = {
    ProposalKind.METHODOLOGY: "#1f4e79",
    ProposalKind.CONFERENCE: "#c77c00",
    ProposalKind.TRAINING: "#2e7d32",
    ProposalKind.OTHER: "#6a4c93",
}


# --- over all years ---------------------------------------------------------------------------


def reports_per_year() -> Chart:
    rows = Report.objects.published().values("year").annotate(n=Count("id")).order_by("year")
    return Chart(
        key="reports-per-year",
        title=_("Опубликованные отчёты по годам"),
        labels=tuple(str(row["year"]) for row in rows),
        series=(Series(_("Отчётов"), tuple(row["n"] for row in rows)),),
        unit=_("отчётов"),
        kind=BARS,
        axis=_("Год"),
        description=_("Столбцы: сколько отчётов о каждом годе опубликовано на портале."),
    )


def cities_by_region(year: int | None = None) -> Chart:
    """Cities with published reports (of `year`, or of any year) by region, most first."""
    reports = Report.objects.published()
    if year is not None:
        reports = reports.filter(year=year)
    rows = (
        Municipality.objects.filter(pk__in=reports.values("municipality"))
        .values("region")
        .annotate(n=Count("id"))
        .order_by("-n", "region")
    )
    return Chart(
        key="cities-by-region",
        title=_("Города с опубликованными отчётами по регионам"),
        labels=tuple(row["region"] or str(NO_REGION) for row in rows),
        series=(Series(_("Городов"), tuple(row["n"] for row in rows)),),
        unit=_("городов"),
        kind=HBARS,
        axis=_("Субъект РФ"),
        description=_("Полосы: сколько городов каждого региона опубликовали хотя бы один отчёт."),
    )


def _theme_counts(year: int | None = None) -> dict[tuple[str, int], int]:
    """{(theme name, year): items of published reports with the theme}: one grouped query per section."""
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for section in SECTIONS:
        item = section.model._meta.model_name
        rows = theme_rows(section)
        if year is not None:
            rows = rows.filter(**{f"{item}__report__year": year})
        for row in rows.values("theme__name", "theme__position", year=F(f"{item}__report__year")).annotate(
            n=Count("id")
        ):
            counts[(row["theme__position"], row["theme__name"], row["year"])] += row["n"]
    return counts


def themes_by_year() -> Chart:
    """Items (paragraphs of every section) on each theme per year: the THEME_LINES most frequent
    themes (the table and the CSV: all of them)."""
    counts = _theme_counts()
    years = sorted({key[2] for key in counts})
    totals: dict[tuple, int] = defaultdict(int)
    for (position, name, _year), n in counts.items():
        totals[(position, name)] += n
    themes = sorted(totals, key=lambda theme: (-totals[theme], theme))
    return Chart(
        key="themes-by-year",
        title=_("Темы отчётов по годам"),
        labels=tuple(str(year) for year in years),
        series=tuple(Series(name, tuple(counts.get((pos, name, y), 0) for y in years)) for pos, name in themes),
        unit=_("пунктов"),
        kind=LINES,
        axis=_("Год"),
        description=_("Линии: сколько пунктов опубликованных отчётов каждого года относится к самым частым темам."),
    )


def drawn(chart: Chart) -> Chart:
    """The chart as drawn: a LINES chart with its THEME_LINES biggest series (the others stay in
    the table and the CSV)."""
    if chart.kind != LINES or len(chart.series) <= THEME_LINES:
        return chart
    from dataclasses import replace

    return replace(chart, series=chart.series[:THEME_LINES])


def _outcome_rows(year: int | None = None):
    """(report year, outcome, n): outcomes marked in published reports, of tasks that are not
    part of a report gone from the public (a task of a withdrawn report is not counted)."""
    rows = TaskOutcome.objects.filter(public_outcomes_q())
    if year is not None:
        rows = rows.filter(report__year=year)
    return rows.values("report__year", "outcome").annotate(n=Count("id")).order_by("report__year")


def _outcome_series():
    return [(value, label) for value, label in Outcome.choices] + [("", NOT_MARKED)]


def plan_fulfilment() -> Chart:
    """What became of the tasks set for each year, as the reports about that year say: shares."""
    counts = {(row["report__year"], row["outcome"]): row["n"] for row in _outcome_rows()}
    years = sorted({year for year, _outcome in counts})
    order = sorted(_outcome_series(), key=lambda pair: list(OUTCOME_COLORS).index(pair[0]))
    return Chart(
        key="plan-fulfilment",
        title=_("План → факт: что стало с задачами года"),
        labels=tuple(str(year) for year in years),
        series=tuple(
            Series(label, tuple(counts.get((year, value), 0) for year in years), OUTCOME_COLORS[value])
            for value, label in order
        ),
        unit=_("задач"),
        kind=SHARES,
        axis=_("Год"),
        description=_(
            "Столбцы по 100 %: доли задач, поставленных на год, которые в отчёте об этом годе отмечены "
            "выполненными, выполненными частично, перенесёнными, невыполненными, снятыми или не отмечены."
        ),
    )


def request_kinds() -> Chart:
    rows = (
        Proposal.objects.filter(published_q("report__"))
        .values("report__year", "kind")
        .annotate(n=Count("id"))
        .order_by("report__year")
    )
    counts = {(row["report__year"], row["kind"]): row["n"] for row in rows}
    years = sorted({year for year, _kind in counts})
    return Chart(
        key="request-kinds",
        title=_("Запросы к Ассоциации по видам"),
        labels=tuple(str(year) for year in years),
        series=tuple(
            Series(kind.label, tuple(counts.get((year, kind.value), 0) for year in years), KIND_COLORS[kind])
            for kind in ProposalKind
        ),
        unit=_("запросов"),
        kind=STACKED,
        axis=_("Год"),
        description=_("Столбцы по годам: сколько запросов к Ассоциации каждого вида в опубликованных отчётах."),
    )


CHARTS = {
    "reports-per-year": reports_per_year,
    "cities-by-region": cities_by_region,
    "themes-by-year": themes_by_year,
    "plan-fulfilment": plan_fulfilment,
    "request-kinds": request_kinds,
}
# The home page shows these (a glance; the statistics page has them all).
HOME_CHARTS = ("reports-per-year", "plan-fulfilment")


def home_charts() -> list[Chart]:
    """The home page's charts that have something to show."""
    return [chart for chart in (CHARTS[key]() for key in HOME_CHARTS) if not chart.is_empty]


def figures() -> list[Chart]:
    """Every chart of the statistics page, over all years."""
    return [make() for make in CHARTS.values()]


# --- one year (the compendium) -----------------------------------------------------------------


def year_figures(year: int) -> list[Chart]:
    """The charts of one year's published reports: cities by region, themes, plan → fact and the
    kinds of requests (HBARS, each with its figures). Empty charts are left out."""
    themes = _theme_counts(year)
    theme_rows = sorted(((n, pos, name) for (pos, name, _y), n in themes.items()), key=lambda t: (-t[0], t[1], t[2]))
    outcomes = {row["outcome"]: row["n"] for row in _outcome_rows(year)}
    kinds = dict(
        Proposal.objects.filter(published_q("report__"), report__year=year)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    charts = [
        cities_by_region(year),
        Chart(
            key="themes",
            title=_("Темы отчётов"),
            labels=tuple(name for _n, _pos, name in theme_rows),
            series=(Series(_("Пунктов"), tuple(n for n, _pos, _name in theme_rows)),),
            unit=_("пунктов"),
            kind=HBARS,
            axis=_("Тема"),
            description=_("Полосы: сколько пунктов отчётов года относится к каждой теме."),
        ),
        Chart(
            key="plan-fulfilment",
            title=_("План → факт: что стало с задачами года"),
            labels=tuple(str(label) for value, label in _outcome_series()),
            series=(Series(_("Задач"), tuple(outcomes.get(value, 0) for value, _label in _outcome_series())),),
            unit=_("задач"),
            kind=HBARS,
            axis=_("Итог"),
            description=_("Полосы: сколько задач, поставленных на год, отмечено в отчётах каждым итогом."),
        ),
        Chart(
            key="request-kinds",
            title=_("Запросы к Ассоциации по видам"),
            labels=tuple(str(kind.label) for kind in ProposalKind),
            series=(Series(_("Запросов"), tuple(kinds.get(kind.value, 0) for kind in ProposalKind)),),
            unit=_("запросов"),
            kind=HBARS,
            axis=_("Вид запроса"),
            description=_("Полосы: сколько запросов к Ассоциации каждого вида в отчётах года."),
        ),
    ]
    return [chart for chart in charts if not chart.is_empty]
