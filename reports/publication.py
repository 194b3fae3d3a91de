"""The one way what the public sees changes.

Every write that can change the public site — a workflow transition into or out of
"published", an edit of a published report or of its items, an edit of a municipality that
has published reports, a restore, the bulk generators — calls one of the functions below
inside the transaction of that write, after making it. They, and nothing else:

- re-index the reports for search (reports.search);
- store the public renderings of the reports and of their cities' pages, or delete them
  (reports.public.renderings);
- move the publication generation on, so that every cached page rendered before is never
  served again (portal/page_cache.py keys pages by it);
- ask for the rebuild of the yearly compendiums the change touches (compendium.schedule: after
  publications settle, in the background).

All of them are rows in the same database, written in the same transaction: they commit
together with the change or not at all, and every process sees them at once, whether or not
a cache is reachable. An edit of a report that is not (and was not) published changes
nothing public and costs nothing here.
"""

import time

from django.db import transaction
from django.db.models import BigIntegerField, F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from portal.db import fetch_all_checking, prepared

from . import search
from .models import Report
from .outcomes.plan import answering_reports
from .public import renderings
from .public.models import MunicipalityRendering, PublicGeneration, ReportRendering
from .status import Status

# The scopes of what the public sees (reports.public.models.PublicGeneration).
ALL, LISTS = "all", "lists"


def city_scope(slug: str) -> str:
    return f"city:{slug}"


def year_scope(year: int) -> str:
    return f"year:{year}"


def report_changed(report: Report, *, was_published: bool = False) -> None:
    """A report's row or items changed. `was_published`: it was public before this change (a
    withdrawal, say). Nothing happens for a report that is public neither before nor after."""
    if report.status != Status.PUBLISHED and not was_published:
        return
    _require_transaction()
    search.index_report(report.pk)
    # And the later reports that answer for its tasks (their outcomes show the tasks' texts only
    # while this report is published: reports.outcomes.plan.public_outcomes_q). Same city: the
    # scopes below cover their pages.
    answering = answering_reports(report)
    renderings.refresh_reports([report.pk, *answering])
    # Its page and its city's pages; the lists; the pages of its year, which link it as a neighbour.
    advance(LISTS, city_scope(report.municipality.slug), year_scope(report.year))
    # Its year's compendium, and those of the years whose outcome rows quote its tasks.
    _compendiums(report.year, *Report.objects.filter(pk__in=answering).values_list("year", flat=True))


def municipality_changed(municipality_id: int) -> None:
    """A municipality's name, address, region or website changed: its published reports show them,
    and so do the lists and its neighbours' pages."""
    if not Report.objects.published().filter(municipality_id=municipality_id).exists():
        return
    _require_transaction()
    search.index_municipality(municipality_id)
    ids = Report.objects.published().filter(municipality_id=municipality_id).values_list("pk", flat=True)
    renderings.refresh_reports(list(ids))
    advance(ALL)
    _compendiums(*Report.objects.published().filter(municipality_id=municipality_id).values_list("year", flat=True))


def themes_changed(report_ids=None) -> None:
    """Themes changed (themes.services: a theme edited, merged or deleted; the rules suggested
    other themes for items): store again the renderings of these published reports (None: of
    every published one), whose items show their themes, and start a new generation of every
    page — the theme pages list items across cities and years, and a theme's name is on reports
    of every city — and ask for those years' compendiums again. Cities' pages do not show themes:
    their renderings are kept."""
    _require_transaction()
    published = Report.objects.published().order_by("pk")
    if report_ids is not None:
        published = published.filter(pk__in=sorted(set(report_ids)))
    rows = list(published.values_list("pk", "year"))
    if rows:
        renderings.refresh_reports([pk for pk, _year in rows], municipalities=False)
    advance(ALL)
    # The compendium's annex groups the year's requests by theme.
    _compendiums(*{year for _pk, year in rows})


def reports_loaded(report_ids) -> None:
    """Many published reports were written at once and indexed in bulk (the national-scale
    generator): store their renderings and their cities' and start a new generation of everything."""
    _require_transaction()
    renderings.refresh_reports(report_ids)
    advance(ALL)
    _compendiums(*_compendium_years())


def reports_deleted() -> None:
    """Reports were deleted in bulk with their renderings and index rows (the generator's --clear)."""
    _require_transaction()
    advance(ALL)
    _compendiums(*_compendium_years())


def everything_changed() -> int:
    """Any of the data may have changed (a restore): rebuild the search index and every rendering.
    Returns the number of search documents."""
    _require_transaction()
    documents = search.rebuild_index()
    ReportRendering.objects.all().delete()
    MunicipalityRendering.objects.all().delete()
    renderings.refresh_reports(Report.objects.published().order_by("pk").values_list("pk", flat=True))
    advance(ALL)
    _compendiums(*_compendium_years())
    return documents


def _compendiums(*years: int) -> None:
    """The yearly compendiums of these years are rebuilt once publications settle; until then a
    compendium holding a withdrawn report is not handed out (compendium.build.servable)."""
    from compendium.schedule import request_rebuild

    request_rebuild(*years)


def _compendium_years() -> set[int]:
    from compendium.models import CompendiumFile

    published = Report.objects.published().order_by().values_list("year", flat=True).distinct()
    return {*published, *CompendiumFile.objects.values_list("year", flat=True)}


# --- generations ----------------------------------------------------------------------------------

_table = PublicGeneration._meta.db_table
# Read on every anonymous request to a cacheable page: plain SQL, one statement per number of
# scopes (each prepared once per connection, see DATABASES in settings).
_READ = {
    n: prepared(f"SELECT scope, number FROM {_table} WHERE scope IN ({', '.join(['%s'] * n)})") for n in range(1, 5)
}


def generations(scopes) -> tuple[int, ...]:
    """The current numbers of these scopes, in their order (0 for a scope never changed)."""
    rows = fetch_all_checking(_READ[len(scopes)], list(scopes))
    found = dict(rows)
    return tuple(found.get(scope, 0) for scope in scopes)


def current_generation(scopes=(ALL, LISTS)) -> int:
    """The newest number among these scopes (by default: what the pages that list reports show)."""
    return max(generations(scopes))


def advance(*scopes: str) -> None:
    """Start a new generation of these scopes when the current transaction commits (with it, or
    not at all); "all" starts one for every page.

    Numbers are microseconds since the epoch and only grow, so a number is never reused — not
    even after a restore — and a cache that outlives the database never holds a page under a
    number that means something else now. The row locks order concurrent publications."""
    _require_transaction()
    now = timezone.now()
    number = time.time_ns() // 1000
    scopes = sorted(set(scopes))
    PublicGeneration.objects.bulk_create(
        [PublicGeneration(scope=scope, number=number, changed_at=now) for scope in scopes], ignore_conflicts=True
    )
    PublicGeneration.objects.filter(scope__in=scopes).update(
        # BigIntegerField said out loud: a bare Value(int) is sent as int4 with server-side
        # binding (settings) and a number of microseconds does not fit.
        number=Greatest(F("number") + 1, Value(number, output_field=BigIntegerField())),
        changed_at=now,
    )


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reports.publication must be called inside the transaction of the change")
