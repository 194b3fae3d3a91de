"""The compendium's statistics section and its needs digest annex.

Both are the insights app's (the figures of /stats/ for the year, insights.stats.year_figures,
drawn by insights.charts.render_svg; the needs digest, insights.needs.needs_digest) when it is
installed; until then they are made here from the book itself, so the compendium is whole either
way. Each returns a plain structure both the PDF template and the DOCX writer read."""

from dataclasses import dataclass, field
from html import escape

from django.utils.translation import gettext as _


@dataclass
class Chart:
    """A bar chart: its title and (label, value) bars; `svg` drawn for the PDF."""

    title: str
    bars: list[tuple[str, int]]
    svg: str = ""


@dataclass
class Statistics:
    figures: list[tuple[str, str]] = field(default_factory=list)  # (what, how many)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class NeedsGroup:
    title: str
    entries: list[tuple[str, str]]  # (city, what it asks for)


@dataclass
class NeedsDigest:
    intro: str = ""
    groups: list[NeedsGroup] = field(default_factory=list)


def statistics(book) -> Statistics:
    cities = book.cities
    regions = {c.region for c in cities}
    from reports.models import SECTIONS

    per_section = [
        (str(section.title), sum(len(c.sections[i].items) for c in cities)) for i, section in enumerate(SECTIONS)
    ]
    figures = [
        (_("Городов, опубликовавших отчёт"), str(len(cities))),
        (_("Субъектов РФ"), str(len(regions))),
        *((title, str(n)) for title, n in per_section),
    ]
    by_region = sorted(
        ((book_region.name, len(book_region.cities)) for book_region in book.regions), key=lambda r: (-r[1], r[0])
    )
    charts = [
        Chart(_("Пункты отчётов по разделам"), per_section),
        Chart(_("Города по субъектам РФ (первые 12)"), by_region[:12]),
    ]
    for chart in charts:
        chart.svg = bar_chart_svg(chart)
    return Statistics(figures, charts)


def needs_digest(book) -> NeedsDigest:
    """What the cities ask of the Association, grouped by what is needed (the requests' kinds)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for city in book.index:
        for section in city.sections:
            for kind, items in section.groups:
                groups.setdefault(kind, []).extend((city.name, item.text) for item in items)
    return NeedsDigest(
        intro=_("Запросы городов к Ассоциации из отчётов этого года, по видам помощи; города — по алфавиту."),
        groups=[NeedsGroup(title, entries) for title, entries in groups.items()],
    )


# --- a plain bar chart (SVG) -----------------------------------------------------------------

BAR, GAP, LABEL_WIDTH, CHART_WIDTH = 18, 6, 230, 620


def bar_chart_svg(chart: Chart) -> str:
    """Horizontal bars with their values written at their ends (the value is read, not guessed
    from the length), labels on the left; escaped text, fixed size in CSS pixels."""
    top = max((value for _label, value in chart.bars), default=0) or 1
    room = CHART_WIDTH - LABEL_WIDTH - 60
    height = len(chart.bars) * (BAR + GAP) + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CHART_WIDTH}" height="{height}" '
        f'viewBox="0 0 {CHART_WIDTH} {height}" role="img" aria-label="{escape(chart.title)}">'
    ]
    for n, (label, value) in enumerate(chart.bars):
        y = GAP + n * (BAR + GAP)
        width = max(1, round(room * value / top)) if value else 0
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR - 5}" text-anchor="end" font-size="11" '
            f'font-family="DejaVu Sans" fill="#222">{escape(short)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR}" fill="#2f5d8a"/>'
            f'<text x="{LABEL_WIDTH + width + 6}" y="{y + BAR - 5}" font-size="11" '
            f'font-family="DejaVu Sans" fill="#222">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
