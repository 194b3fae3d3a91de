"""The needs digest: what the cities asked of the Association in one year's published reports.

Every request (reports.models.Proposal) of year N's PUBLISHED reports, grouped by kind
(ProposalKind, in its order) and within a kind by theme (themes.Theme, in the themes' order; a
request with several themes is listed under each, one without a theme under «Без темы», last).

What is "new" compared with year N−1 (only when N−1 has published reports at all — otherwise
there is nothing to compare with and nothing is marked):
- a *group* (kind + theme) is new when no city asked for that kind on that theme in N−1;
- a *request* is new for its city when that city did not ask for that kind on that theme in N−1
  (also when the city did not report in N−1, or its N−1 report is not published).

Usable without a request (the compendium calls `needs_digest(year)`). Four queries whatever the
number of reports: the year's reports exist, the requests of N and N−1 with their cities, their
themes.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from reports.models import Proposal, ProposalKind, Report, published_q

NO_THEME = _("Без темы")


@dataclass(frozen=True)
class CityRequest:
    """One city's request, in its own words."""

    municipality: str
    slug: str
    region: str
    text: str
    # The city did not ask for this kind on this theme the year before (see the module's docstring).
    is_new: bool


@dataclass
class ThemeGroup:
    """The requests of one kind on one theme (theme None: requests without a theme)."""

    # The theme's name (NO_THEME, a lazy translation, for requests without one).
    theme: str
    theme_slug: str | None
    requests: list[CityRequest] = field(default_factory=list)
    # Requests of this kind on this theme in N−1 (0 when nobody asked, or N−1 has nothing published).
    previous_count: int = 0
    # No city asked for this kind on this theme in N−1.
    is_new: bool = False

    @property
    def count(self) -> int:
        return len(self.requests)

    @property
    def cities(self) -> int:
        return len({r.slug for r in self.requests})


@dataclass
class KindGroup:
    kind: str
    label: str  # ProposalKind's label, a lazy translation: str() it in the language wanted
    themes: list[ThemeGroup] = field(default_factory=list)
    # Requests of this kind (each once, whatever its number of themes) in N and in N−1.
    count: int = 0
    previous_count: int = 0
    cities: int = 0


@dataclass
class NeedsDigest:
    year: int
    previous_year: int
    # Whether N−1 has published reports: without them nothing is called new.
    has_previous: bool
    kinds: list[KindGroup]
    total: int
    previous_total: int
    cities: int
    # Published reports of the year (also those without requests).
    reports: int

    @property
    def new_groups(self) -> int:
        return sum(1 for kind in self.kinds for group in kind.themes if group.is_new)

    @property
    def is_empty(self) -> bool:
        return self.total == 0


def needs_years() -> list[int]:
    """The years whose published reports hold requests to the Association, newest first."""
    return list(
        Proposal.objects.filter(published_q("report__"))
        .order_by("-report__year")
        .values_list("report__year", flat=True)
        .distinct()
    )


def needs_digest(year: int) -> NeedsDigest | None:
    """The digest of `year`, or None when the year has no published reports."""
    reports = Report.objects.published().filter(year=year).count()
    if not reports:
        return None
    previous_year = year - 1
    has_previous = Report.objects.published().filter(year=previous_year).exists()
    rows = list(
        Proposal.objects.filter(published_q("report__"), report__year__in=(year, previous_year))
        .order_by("report__municipality__name", "report__year", "position", "id")
        .values(
            "id",
            "kind",
            "text",
            "report__year",
            "report__municipality__name",
            "report__municipality__slug",
            "report__municipality__region",
        )
    )
    themes_of: dict[int, list[tuple]] = defaultdict(list)
    for proposal_id, theme_id, name, slug, position in (
        Proposal.themes.through.objects.filter(
            published_q("proposal__report__"), proposal__report__year__in=(year, previous_year)
        )
        .order_by("theme__position", "theme__name")
        .values_list("proposal_id", "theme_id", "theme__name", "theme__slug", "theme__position")
    ):
        themes_of[proposal_id].append((position, name, theme_id, slug))

    def theme_keys(row):
        return themes_of.get(row["id"]) or [None]

    # What was asked in N−1: (kind, theme) → count, and the cities that asked it.
    before: dict[tuple, int] = defaultdict(int)
    before_cities: dict[tuple, set] = defaultdict(set)
    before_kinds: dict[str, int] = defaultdict(int)
    for row in rows:
        if row["report__year"] != previous_year:
            continue
        before_kinds[row["kind"]] += 1
        for theme in theme_keys(row):
            key = (row["kind"], theme[2] if theme else None)
            before[key] += 1
            before_cities[key].add(row["report__municipality__slug"])

    kinds = []
    total, all_cities = 0, set()
    for kind in ProposalKind:
        of_kind = [row for row in rows if row["report__year"] == year and row["kind"] == kind.value]
        group_of: dict[tuple, ThemeGroup] = {}
        order: dict[tuple, tuple] = {}
        for row in of_kind:
            slug = row["report__municipality__slug"]
            for theme in theme_keys(row):
                key = (kind.value, theme[2] if theme else None)
                group = group_of.get(key)
                if group is None:
                    group = group_of[key] = ThemeGroup(
                        theme=theme[1] if theme else NO_THEME,
                        theme_slug=theme[3] if theme else None,
                        previous_count=before.get(key, 0),
                        is_new=has_previous and key not in before,
                    )
                    order[key] = (0, theme[0], theme[1]) if theme else (1, 0, "")
                group.requests.append(
                    CityRequest(
                        municipality=row["report__municipality__name"],
                        slug=slug,
                        region=row["report__municipality__region"],
                        text=row["text"],
                        is_new=has_previous and slug not in before_cities.get(key, ()),
                    )
                )
        groups = [group_of[key] for key in sorted(group_of, key=order.__getitem__)]
        cities = {row["report__municipality__slug"] for row in of_kind}
        all_cities |= cities
        total += len(of_kind)
        kinds.append(
            KindGroup(
                kind=kind.value,
                label=kind.label,
                themes=groups,
                count=len(of_kind),
                previous_count=before_kinds.get(kind.value, 0),
                cities=len(cities),
            )
        )
    return NeedsDigest(
        year=year,
        previous_year=previous_year,
        has_previous=has_previous,
        kinds=kinds,
        total=total,
        previous_total=sum(before_kinds.values()),
        cities=len(all_cities),
        reports=reports,
    )
