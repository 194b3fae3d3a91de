"""Two to four cities side by side: their sections (of one year, or of all years), their themes
and their plan → fact shares, from PUBLISHED reports only.

`read_choice(params)` turns the page's GET parameters (?city=a&city=b&year=2024) into a choice
and the messages about what is wrong with it (a city twice, one city, more than four, an address
that is no city with published reports, a year that is not a year); `compare(choice)` gathers
the columns. A fixed number of queries whatever the number of reports or cities.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from reports.models import SECTIONS, Municipality, Report, published_q
from reports.outcomes.models import Outcome, TaskOutcome

MIN_CITIES, MAX_CITIES = 2, 4
TOP_THEMES = 6


@dataclass
class Choice:
    slugs: list[str]
    year: int | None
    municipalities: list[Municipality] = field(default_factory=list)
    # What keeps the comparison from being shown (a city twice, one city, …).
    messages: list[str] = field(default_factory=list)
    # What was set right and said (a year that is not a year: all years are shown).
    notes: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.messages and MIN_CITIES <= len(self.municipalities) <= MAX_CITIES


@dataclass
class Column:
    municipality: Municipality
    # {year: report} of its published reports (of the chosen year, or all).
    reports: dict
    # [(section, [item texts] for one year | {year: count} for all years)] in SECTIONS order.
    sections: list = field(default_factory=list)
    themes: list = field(default_factory=list)  # [(theme name, items)], most first
    outcomes: list = field(default_factory=list)  # [(label, n, share %)] of marked and unmarked outcomes
    outcome_total: int = 0


def read_choice(params) -> Choice:
    slugs = [slug.strip() for slug in params.getlist("city") if slug.strip()]
    raw_year = params.get("year", "").strip()
    year = None
    notes, messages = [], []
    if raw_year:
        if raw_year.isdigit() and 1000 <= int(raw_year) <= 9999:
            year = int(raw_year)
        else:
            notes.append(_("«%(year)s» — не год. Показаны все годы.") % {"year": raw_year[:20]})
    choice = Choice(slugs=slugs, year=year, notes=notes)
    if not slugs:
        return choice
    known = {
        m.slug: m for m in Municipality.objects.with_published_reports().filter(slug__in=set(slugs[: MAX_CITIES * 2]))
    }
    seen = set()
    for slug in slugs[: MAX_CITIES * 2]:
        if slug in seen:
            name = known[slug].name if slug in known else slug
            messages.append(_("Город «%(name)s» выбран дважды: выберите разные города.") % {"name": name})
            continue
        seen.add(slug)
        if slug not in known:
            messages.append(
                _("Города с адресом «%(slug)s» нет среди городов с опубликованными отчётами.") % {"slug": slug[:60]}
            )
            continue
        choice.municipalities.append(known[slug])
    if len(slugs) > MAX_CITIES:
        messages.append(_("Сравнить можно не больше %(n)s городов за раз.") % {"n": MAX_CITIES})
    elif len(seen) < MIN_CITIES:
        messages.append(_("Выберите хотя бы два разных города."))
    choice.messages = messages
    return choice


def compare(choice: Choice) -> list[Column]:
    """The columns of the chosen cities (none unless the choice is ready)."""
    if not choice.ready:
        return []
    ids = [m.pk for m in choice.municipalities]
    reports = Report.objects.for_public_list().filter(municipality__in=ids)
    if choice.year is not None:
        reports = reports.filter(year=choice.year)
    by_city: dict[int, dict] = defaultdict(dict)
    for report in reports.order_by("-year"):
        by_city[report.municipality_id][report.year] = report
    columns = {m.pk: Column(municipality=m, reports=by_city.get(m.pk, {})) for m in choice.municipalities}

    condition = published_q("report__") & Q(report__municipality__in=ids)
    if choice.year is not None:
        condition &= Q(report__year=choice.year)
    for section in SECTIONS:
        if choice.year is not None:
            texts = defaultdict(list)
            for city_id, text in (
                section.model.objects.filter(condition)
                .order_by("position", "id")
                .values_list("report__municipality_id", "text")
            ):
                texts[city_id].append(text)
            for city_id, column in columns.items():
                column.sections.append((section, texts.get(city_id, [])))
        else:
            for column in columns.values():
                counts = {year: getattr(report, section.count_name) for year, report in column.reports.items()}
                column.sections.append((section, counts))

    themes: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for section in SECTIONS:
        item = section.model._meta.model_name
        through = section.model.themes.through.objects.filter(
            **{f"{item}__in": section.model.objects.filter(condition)}
        )
        for row in through.values("theme__name", city=F(f"{item}__report__municipality_id")).annotate(n=Count("id")):
            themes[row["city"]][row["theme__name"]] += row["n"]
    for city_id, column in columns.items():
        counted = themes.get(city_id, {})
        column.themes = sorted(counted.items(), key=lambda pair: (-pair[1], pair[0]))[:TOP_THEMES]

    outcome_condition = published_q("report__") & Q(report__municipality__in=ids)
    outcome_condition &= Q(task__isnull=True) | published_q("task__report__")
    if choice.year is not None:
        outcome_condition &= Q(report__year=choice.year)
    outcomes: dict[int, dict] = defaultdict(dict)
    for row in (
        TaskOutcome.objects.filter(outcome_condition)
        .values("outcome", city=F("report__municipality_id"))
        .annotate(n=Count("id"))
        .order_by()
    ):
        outcomes[row["city"]][row["outcome"]] = row["n"]
    labels = [*Outcome.choices, ("", _("не отмечено"))]
    for city_id, column in columns.items():
        counted = outcomes.get(city_id, {})
        column.outcome_total = total = sum(counted.values())
        column.outcomes = [
            (label, counted.get(value, 0), round(100 * counted.get(value, 0) / total) if total else 0)
            for value, label in labels
            if counted.get(value)
        ]
    return [columns[m.pk] for m in choice.municipalities]
