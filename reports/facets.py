"""What the filters of the public list and the API offer: the years, regions and cities that
have published reports. Each is a read over every published report (or city), so it is kept
per generation of the published lists (portal.page_cache.per_generation): it changes only
when they do."""

import hashlib

from portal.page_cache import per_generation

from .models import Municipality, Report

# Up to this many cities with published reports, the city select lists them all (the
# Association's seventy fit); past it (every municipality of the country) only those of the
# chosen region: a select of 17,500 options would weigh a megabyte on every list page.
FULL_CITY_LIST = 300


def published_years():
    # DISTINCT over every published report: a whole-table read at national scale.
    return per_generation(
        "facet:years",
        lambda: list(Report.objects.published().order_by("-year").values_list("year", flat=True).distinct()),
    )


def published_regions():
    return per_generation(
        "facet:regions",
        lambda: list(
            Municipality.objects.with_published_reports()
            .exclude(region="")
            .order_by("region")
            .values_list("region", flat=True)
            .distinct()
        ),
    )


def published_municipality_count() -> int:
    return per_generation(
        "facet:municipality-count",
        lambda: Municipality.objects.with_published_reports().count(),
    )


def municipality_choices(region: str | None, everything: bool) -> list[tuple[str, str]]:
    """(slug, name) of the cities with published reports: all of them (`everything`: there are
    at most FULL_CITY_LIST), or else those of `region` (none without a region)."""
    if not everything and not region:
        return []
    name = "facet:cities" if everything else f"facet:cities:{hashlib.sha1(region.encode()).hexdigest()}"

    def compute():
        rows = Municipality.objects.with_published_reports()
        if not everything:
            rows = rows.filter(region=region)
        return list(rows.order_by("name").values_list("slug", "name"))

    return per_generation(name, compute)
