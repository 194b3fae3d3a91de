"""What a year's compendium holds, gathered once and shared by the PDF and the DOCX.

Only published reports (Report.objects.published()) of the year; their cities grouped by region,
regions and cities in alphabetical order (Russian order: «ё» sorts as «е», case ignored)."""

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.text import fold, plain_text
from reports.models import SECTIONS, Report

from . import sections
from .models import Foreword

# Characters XML 1.0 cannot carry (python-docx refuses them; WeasyPrint's parser would mangle them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean(text: str) -> str:
    """Text as it is printed: plain (portal.text.plain_text: control and invisible characters
    gone, every space a space), and nothing XML cannot hold."""
    return _NOT_XML.sub("", plain_text(text or "")).strip()


def sort_key(name: str) -> tuple:
    return (fold(name), name)


@dataclass
class Item:
    text: str
    note: str = ""  # "на 2026 год" for a task set for another year


@dataclass
class Section:
    key: str
    title: str
    items: list[Item]
    # Requests to the Association: items grouped by what is needed, [(kind label, [Item])].
    groups: list[tuple[str, list[Item]]] = field(default_factory=list)


@dataclass
class OutcomeRow:
    task: str
    outcome: str
    comment: str


@dataclass
class CityReport:
    report_id: int
    anchor: str
    name: str
    slug: str
    region: str
    website: str
    published_at: datetime
    url: str
    sections: list[Section]
    outcomes: list[OutcomeRow]
    # {report id: published_at} of the earlier reports whose tasks the outcome rows quote: the
    # book shows their words too, so it is handed out only while they stay published.
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def item_count(self) -> int:
        return sum(len(s.items) for s in self.sections)


@dataclass
class Region:
    anchor: str
    name: str
    cities: list[CityReport]


@dataclass
class Book:
    year: int
    regions: list[Region]
    foreword: Foreword | None
    foreword_paragraphs: list[str]
    built_at: datetime
    statistics: sections.Statistics
    needs: sections.NeedsDigest

    @property
    def cities(self) -> list[CityReport]:
        return [city for region in self.regions for city in region.cities]

    @property
    def index(self) -> list[CityReport]:
        """Every city in alphabetical order (the annex «Указатель городов»)."""
        return sorted(self.cities, key=lambda c: sort_key(c.name))

    @property
    def stamps(self) -> dict[str, str]:
        """{report id: published_at} of the reports inside, and of the earlier reports whose tasks
        they quote (CompendiumFile.reports; compendium.build.published_stamps)."""
        stamps = {}
        for city in self.cities:
            stamps.update(city.sources)
            stamps[str(city.report_id)] = city.published_at.isoformat()
        return stamps


def published_reports(year: int):
    return (
        Report.objects.published()
        .filter(year=year)
        .select_related("municipality")
        # The sections and the outcomes the public may see (of tasks of published reports).
        .prefetch_related(*Report.objects.section_prefetches())
    )


def report_sections(report: Report) -> list[Section]:
    """A report's sections in the order of SECTIONS (items prefetched), texts cleaned."""
    result = []
    for section in SECTIONS:
        items, groups = [], {}
        for item in getattr(report, section.key).all():
            note = ""
            if section.key == "tasks" and item.year and item.year != report.year + 1:
                note = _("на %(year)s год") % {"year": item.year}
            entry = Item(clean(item.text), note)
            items.append(entry)
            if section.key == "proposals":
                groups.setdefault(str(item.get_kind_display()), []).append(entry)
        result.append(Section(section.key, str(section.title), items, list(groups.items())))
    return result


def city_report(report: Report) -> CityReport:
    m = report.municipality
    outcomes, sources = [], {}
    for o in report.outcomes.all():  # the publishable ones (Report.objects.section_prefetches)
        outcomes.append(
            OutcomeRow(clean(o.task_text), str(o.get_outcome_display()) if o.outcome else "", clean(o.comment))
        )
        if o.task is not None:
            sources[str(o.task.report_id)] = o.task.report.published_at.isoformat()
    return CityReport(
        report_id=report.pk,
        anchor=f"city-{report.pk}",
        name=clean(m.name),
        slug=m.slug,
        region=clean(m.region),
        website=m.website,
        published_at=report.published_at,
        url=report.get_absolute_url(),
        sections=report_sections(report),
        outcomes=outcomes,
        sources=sources,
    )


def collect(year: int) -> Book:
    """The whole book of `year` (empty `regions` when nothing of the year is published)."""
    by_region: dict[str, list[CityReport]] = {}
    for report in published_reports(year):
        city = city_report(report)
        by_region.setdefault(city.region, []).append(city)
    no_region = _("Субъект РФ не указан")
    # Cities without a region last, under their own heading.
    names = sorted((r for r in by_region if r), key=sort_key) + ([""] if "" in by_region else [])
    regions = [
        Region(f"region-{n}", name or no_region, sorted(by_region[name], key=lambda c: sort_key(c.name)))
        for n, name in enumerate(names, 1)
    ]
    foreword = Foreword.objects.filter(year=year).first()
    if foreword is not None:
        foreword.title, foreword.signature = clean(foreword.title), clean(foreword.signature)
    book = Book(
        year=year,
        regions=regions,
        foreword=foreword,
        foreword_paragraphs=[clean(p) for p in foreword.paragraphs()] if foreword else [],
        built_at=timezone.now(),
        statistics=sections.Statistics(),
        needs=sections.NeedsDigest(),
    )
    book.statistics = sections.statistics(book)
    book.needs = sections.needs_digest(book)
    return book
