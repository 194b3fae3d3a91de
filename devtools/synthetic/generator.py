"""Synthetic municipalities and reports for performance testing (`manage.py generate_demo_data`).

Pure generation, no database: devtools/synthetic/bulk.py writes what this produces.

Deterministic: the same seed gives the same names, texts, statuses and dates, whatever the
clock, the hash seed or the order of dicts. The names come from one `random.Random(seed)`;
the reports of the municipality number i from their own `random.Random(f"{seed}:{i}")`, so a
municipality's reports do not depend on how many others are generated (and chunks can be
generated one at a time). Dates derive from the report year: published in February–April of
the next year.
"""

import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from portal.text import fold, slugify_ru
from reports.models import MAX_YEAR, MIN_YEAR, ProposalKind
from reports.status import Status

from . import vocabulary as V

# Section sizes per report (inclusive ranges).
ACHIEVEMENTS = (2, 12)
PROBLEMS = (0, 8)
TASKS = (1, 10)
PROPOSALS = (0, 6)
# Numbers in templates: {n:…} and {m:…}.
NUMBERS = {"n": (2, 12), "m": (15, 480)}
# The name parts give about 35,000 distinct names; Russia has about 17,500 municipalities.
MAX_MUNICIPALITIES = 30_000
# Status shares: the last year is still being written and reviewed; older years are mostly out.
LAST_YEAR_STATUSES = ((Status.PUBLISHED, 70), (Status.DRAFT, 12), (Status.SUBMITTED, 10), (Status.CHANGES_REQUESTED, 8))
PAST_STATUSES = ((Status.PUBLISHED, 97), (Status.DRAFT, 1), (Status.SUBMITTED, 1), (Status.CHANGES_REQUESTED, 1))
# Report.version as the workflow would leave it (created 1, each transition +1).
VERSIONS = {Status.DRAFT: 1, Status.SUBMITTED: 2, Status.CHANGES_REQUESTED: 3, Status.PUBLISHED: 2}
PROPOSAL_KINDS = tuple(ProposalKind.values)
VOWELS = set("аеёиоуыэюя")
_SLOT = re.compile(r"\{(\w+)(?::([^{}]*))?\}")


class GenerationError(ValueError):
    """The arguments cannot be satisfied (e.g. more municipalities than distinct names)."""


@dataclass(frozen=True)
class GeneratedMunicipality:
    index: int
    name: str
    slug: str
    region: str
    website: str


@dataclass
class GeneratedReport:
    year: int
    status: str
    version: int
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    published_at: datetime | None
    achievements: list[str]
    problems: list[str]
    tasks: list[str]  # each for year + 1
    proposals: list[tuple[str, str]]  # (ProposalKind value, text)

    @property
    def item_count(self) -> int:
        return len(self.achievements) + len(self.problems) + len(self.tasks) + len(self.proposals)


def check_years(first_year: int, years: int) -> None:
    if years < 1:
        raise GenerationError("Число лет должно быть не меньше 1.")
    # Tasks are for the next year, which must also be a valid year.
    if first_year < MIN_YEAR or first_year + years > MAX_YEAR:
        raise GenerationError(f"Годы отчётов должны лежать между {MIN_YEAR} и {MAX_YEAR - 1}.")


# --- helpers -------------------------------------------------------------------------------


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian noun form for a number: 1 форум, 2 форума, 5 форумов, 21 форум."""
    if 11 <= n % 100 <= 14:
        return many
    if n % 10 == 1:
        return one
    if 2 <= n % 10 <= 4:
        return few
    return many


class _Weighted:
    """random.choices over fixed (value, weight) pairs, with the cumulative weights computed once."""

    def __init__(self, pairs):
        self.values = [value for value, _weight in pairs]
        self.cumulative = list(accumulate(weight for _value, weight in pairs))

    def pick(self, rng: random.Random):
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


_NAME_KINDS = _Weighted(V.NAME_KINDS)
_TOWN_SUFFIXES = _Weighted(V.TOWN_SUFFIXES)
_REGIONS = _Weighted(V.REGIONS)
_LAST_YEAR = _Weighted(LAST_YEAR_STATUSES)
_PAST = _Weighted(PAST_STATUSES)


def _fold(name: str) -> str:
    """How names are compared (as reports/importer/loader.find_municipality does)."""
    return fold(name.strip())


# --- municipalities ------------------------------------------------------------------------


def _short_suffix_ok(root: str) -> bool:
    """«Камен» + «ск» → «Каменск», «Нарым» + «ск»; but not «Кедр» + «ск»."""
    return root[-1] in "нм" and root[-2] in VOWELS


def _name(rng: random.Random) -> str:
    kind = _NAME_KINDS.pick(rng)
    root = rng.choice(V.NAME_ROOTS)
    prefix = rng.choice(V.TOWN_PREFIXES) if rng.random() < 0.35 else ""
    stem = prefix + root if not prefix or prefix.endswith("-") else prefix + root.lower()
    if kind == "town":
        suffix = _TOWN_SUFFIXES.pick(rng)
        if suffix == "ск" and not _short_suffix_ok(root):
            suffix = "овск"
        name = stem + suffix
        if name.endswith("ск") and rng.random() < 0.12:
            name += "-" + rng.choice(V.SECOND_PARTS)
        return name
    if kind == "district":
        suffix = rng.choice(V.DISTRICT_SUFFIXES)
        if suffix == "ский" and not _short_suffix_ok(root):
            suffix = "овский"
        return f"{stem}{suffix} {rng.choice(V.DISTRICT_KINDS)}"
    return f"{stem}{rng.choice(V.SETTLEMENT_SUFFIXES)} {rng.choice(V.SETTLEMENT_KINDS)}"


def municipalities(count: int, seed, taken_names=(), taken_slugs=()) -> list[GeneratedMunicipality]:
    """`count` municipalities with distinct names and slugs, none of them among the taken ones
    (compared as the importer compares names: case- and «ё»-insensitively)."""
    if count > MAX_MUNICIPALITIES:
        raise GenerationError(
            f"Муниципалитетов может быть не больше {MAX_MUNICIPALITIES}: больше различных названий генератор не придумает."
        )
    rng = random.Random(seed)
    names = {_fold(name) for name in taken_names}
    slugs = set(taken_slugs)
    result = []
    attempts, limit = 0, 60 * count + 10_000
    while len(result) < count:
        attempts += 1
        if attempts > limit:
            raise GenerationError(
                f"Не удалось придумать {count} различных названий муниципалитетов (получилось {len(result)})."
            )
        name = _name(rng)
        slug = slugify_ru(name)
        if _fold(name) in names or slug in slugs:
            continue
        names.add(_fold(name))
        slugs.add(slug)
        region = _REGIONS.pick(rng)
        website = f"https://{slug}.example.org" if rng.random() < 0.4 else ""
        result.append(GeneratedMunicipality(len(result), name, slug, region, website))
    return result


# --- texts ---------------------------------------------------------------------------------


def render(template: str, rng: random.Random, context: dict) -> str:
    """Fill the slots of a template (see devtools/synthetic/vocabulary.py), left to right."""

    def fill(match):
        key, forms = match.group(1), match.group(2)
        if key in NUMBERS:
            n = rng.randint(*NUMBERS[key])
            return f"{n} {plural(n, *forms.split('|'))}" if forms else str(n)
        if key in context:
            return context[key]
        return render(rng.choice(V.SLOTS[key]), rng, context)

    return _SLOT.sub(fill, template)


def _sentence(template: str, rng: random.Random, context: dict) -> str:
    text = render(template, rng, context)
    return text[:1].upper() + text[1:]


def _paragraph(rng, context, main, details, extra) -> str:
    """One item: a main sentence and 0..len(extra)-1 details (`extra` weights the count)."""
    parts = [_sentence(rng.choice(main), rng, context)]
    for _n in range(rng.choice(extra)):
        detail = _sentence(rng.choice(details), rng, context)
        if detail not in parts:
            parts.append(detail)
    return " ".join(parts)


def _items(rng, size, make) -> list:
    """`size` items from make(), without repeating one within a section (a few retries)."""
    items, seen = [], set()
    for _n in range(size):
        for _attempt in range(5):
            item = make()
            key = item if isinstance(item, str) else item[1]
            if key not in seen:
                break
        seen.add(key)
        items.append(item)
    return items


# --- reports -------------------------------------------------------------------------------


def _dates(rng: random.Random, year: int, status: str):
    """(created, updated, submitted, published) in the months after the year, in that order."""
    spring = datetime(year + 1, 2, 1, 9, 0, tzinfo=UTC)
    submitted = spring + timedelta(days=rng.randrange(89), minutes=rng.randrange(9 * 60))
    created = submitted - timedelta(days=rng.randint(3, 30), minutes=rng.randrange(8 * 60))
    if status == Status.DRAFT:
        return created, created + timedelta(days=rng.randint(0, 10)), None, None
    if status == Status.PUBLISHED:
        published = submitted + timedelta(days=rng.randint(1, 20), minutes=rng.randrange(8 * 60))
        return created, published, submitted, published
    return created, submitted + timedelta(days=rng.randint(0, 5)), submitted, None


def municipality_reports(seed, municipality: GeneratedMunicipality, first_year: int, years: int):
    """The reports of one municipality, one per year from first_year (oldest first)."""
    rng = random.Random(f"{seed}:{municipality.index}")
    last_year = first_year + years - 1
    reports = []
    for year in range(first_year, last_year + 1):
        status = (_LAST_YEAR if year == last_year else _PAST).pick(rng)
        created, updated, submitted, published = _dates(rng, year, status)
        context = {
            "year": str(year),
            "next": str(year + 1),
            "next3": str(year + 3),
            "town": municipality.name,
            "town_gen": f"муниципального образования «{municipality.name}»",
        }
        achievements = _items(
            rng,
            rng.randint(*ACHIEVEMENTS),
            lambda context=context: _paragraph(rng, context, V.ACHIEVEMENTS, V.ACHIEVEMENT_DETAILS, (0, 0, 1, 1, 2, 3)),
        )
        problems = _items(
            rng,
            rng.randint(*PROBLEMS),
            lambda context=context: _paragraph(rng, context, V.PROBLEMS, V.PROBLEM_DETAILS, (0, 0, 0, 1, 2)),
        )
        tasks = _items(
            rng,
            rng.randint(*TASKS),
            lambda context=context: _paragraph(rng, context, V.TASKS, V.TASK_DETAILS, (0, 0, 0, 0, 1)),
        )

        def proposal(context=context):
            kind = rng.choice(PROPOSAL_KINDS)
            return kind, _sentence(rng.choice(V.PROPOSALS[kind]), rng, context)

        proposals = _items(rng, rng.randint(*PROPOSALS), proposal)
        reports.append(
            GeneratedReport(
                year=year,
                status=status,
                version=VERSIONS[status],
                created_at=created,
                updated_at=updated,
                submitted_at=submitted,
                published_at=published,
                achievements=achievements,
                problems=problems,
                tasks=tasks,
                proposals=proposals,
            )
        )
    return reports
