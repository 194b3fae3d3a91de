"""The compendium's statistics section and its needs digest annex, from the insights app.

The charts are those of /stats/ for the year (insights.stats.year_figures, drawn as SVG by
insights.charts.render_svg for the PDF); the DOCX gets each chart's figures as a table and, for a
chart of one series, the same bars as a picture (compendium/charts.py). The annex is the needs
digest of the year (insights.needs.needs_digest), grouped by kind of request and theme. Both
come here as plain structures that the PDF template and the DOCX writer read, with text cleaned
for print (content.clean)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from insights import charts as insight_charts
from insights import needs as insight_needs
from insights import stats as insight_stats
from reports.models import SECTIONS


@dataclass
class Chart:
    title: str
    description: str
    axis: str
    # Column headings of the chart's table (after the label column) and its rows (label, values).
    series: list[str]
    rows: list[tuple[str, list[str]]]
    # (label, value) of a one-series chart: the bars of the DOCX picture; empty otherwise.
    bars: list[tuple[str, float]]
    svg: str = ""


@dataclass
class Statistics:
    figures: list[tuple[str, str]] = field(default_factory=list)  # (what, how many)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class NeedsTheme:
    title: str
    is_new: bool
    entries: list[tuple[str, str, bool]]  # (city, its request, new for the city)


@dataclass
class NeedsGroup:
    title: str
    count: int
    themes: list[NeedsTheme]


@dataclass
class NeedsDigest:
    intro: str = ""
    groups: list[NeedsGroup] = field(default_factory=list)


def _chart(chart) -> Chart:
    from .content import clean

    labels = [clean(str(label)) for label in chart.labels]
    series = [clean(str(s.name)) for s in chart.series]
    rows = [(label, [insight_charts.number(s.values[i]) for s in chart.series]) for i, label in enumerate(labels)]
    bars = list(zip(labels, chart.series[0].values)) if len(chart.series) == 1 else []
    return Chart(
        title=clean(str(chart.title)),
        description=clean(str(chart.description)),
        axis=clean(str(chart.axis)),
        series=series,
        rows=rows,
        bars=bars,
        svg=insight_charts.render_svg(chart, id_prefix=f"compendium-{chart.key}"),
    )


def statistics(book) -> Statistics:
    cities = book.cities
    figures = [
        (_("Городов, опубликовавших отчёт"), str(len(cities))),
        (_("Субъектов РФ"), str(len({c.region for c in cities}))),
        *(
            (str(section.title), str(sum(len(c.sections[i].items) for c in cities)))
            for i, section in enumerate(SECTIONS)
        ),
    ]
    return Statistics(figures, [_chart(chart) for chart in insight_stats.year_figures(book.year)])


def needs_digest(book) -> NeedsDigest:
    """The year's needs digest (what the cities ask of the Association, by kind and theme)."""
    from .content import clean

    digest = insight_needs.needs_digest(book.year)
    if digest is None or digest.is_empty:
        return NeedsDigest()
    intro = _("Запросы городов к Ассоциации из отчётов этого года: по видам помощи и темам.")
    if digest.has_previous:
        intro += " " + _("«Впервые» — город не просил об этом в %(year)s году.") % {"year": digest.previous_year}
    groups = []
    for kind in digest.kinds:
        if not kind.count:
            continue  # a kind nobody asked for: the statistics' chart shows its zero
        themes = [
            NeedsTheme(
                clean(str(group.theme)),
                group.is_new,
                [(clean(r.municipality), clean(r.text), r.is_new and digest.has_previous) for r in group.requests],
            )
            for group in kind.themes
        ]
        groups.append(NeedsGroup(clean(str(kind.label)), kind.count, themes))
    return NeedsDigest(intro, groups)
