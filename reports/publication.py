"""The one way what the public sees changes.

Every write that can change the public site — a workflow transition into or out of
"published", an edit of a published report or of its items, an edit of a municipality that
has published reports, a restore, the bulk generators — calls one of the functions below
inside the transaction of that write, after making it. They, and nothing else:

- re-index the reports for search (reports.search);
- store the public renderings of the reports and of their cities' pages, or delete them
  (reports.public.renderings);
- move the publication generation on, so that every cached page rendered before is never
  served again (portal/page_cache.py keys pages by it).

All three are rows in the same database, written in the same transaction: they commit
together with the change or not at all, and every process sees them at once, whether or not
a cache is reachable. An edit of a report that is not (and was not) published changes
nothing public and costs nothing here.
"""

import time

from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from . import search
from .models import Report
from .public import renderings
from .public.models import PublicGeneration
from .status import Status


def report_changed(report: Report, *, was_published: bool = False) -> None:
    """A report's row or items changed. `was_published`: it was public before this change (a
    withdrawal, say). Nothing happens for a report that is public neither before nor after."""
    if report.status != Status.PUBLISHED and not was_published:
        return
    _require_transaction()
    search.index_report(report.pk)
    renderings.refresh_reports([report.pk])
    advance_generation()


def municipality_changed(municipality_id: int) -> None:
    """A municipality's name, address, region or website changed: its published reports show them."""
    if not Report.objects.published().filter(municipality_id=municipality_id).exists():
        return
    _require_transaction()
    search.index_municipality(municipality_id)
    ids = Report.objects.published().filter(municipality_id=municipality_id).values_list("pk", flat=True)
    renderings.refresh_reports(list(ids))
    advance_generation()


def reports_loaded(report_ids) -> None:
    """Many published reports were written at once and indexed in bulk (the national-scale
    generator): store their renderings and their cities' and start a new generation."""
    _require_transaction()
    renderings.refresh_reports(report_ids)
    advance_generation()


def reports_deleted() -> None:
    """Reports were deleted in bulk with their renderings and index rows (the generator's --clear)."""
    _require_transaction()
    advance_generation()


def everything_changed() -> int:
    """Any of the data may have changed (a restore): rebuild the search index and every rendering.
    Returns the number of search documents."""
    _require_transaction()
    documents = search.rebuild_index()
    from .public.models import MunicipalityRendering, ReportRendering

    ReportRendering.objects.all().delete()
    MunicipalityRendering.objects.all().delete()
    renderings.refresh_reports(Report.objects.published().order_by("pk").values_list("pk", flat=True))
    advance_generation()
    return documents


# --- the generation -----------------------------------------------------------------------------

# Read on every anonymous request to a cacheable page, so with the least machinery there is.
_CURRENT = f"SELECT number FROM {PublicGeneration._meta.db_table} WHERE id = 1"


def current_generation() -> int:
    """The number of the current generation of published content (0 before the first one)."""
    with connection.cursor() as cursor:
        cursor.execute(_CURRENT)
        row = cursor.fetchone()
    return row[0] if row else 0


def advance_generation() -> None:
    """Start a new generation when the current transaction commits (with it, or not at all).

    Numbers are microseconds since the epoch and only grow, so a number is never reused — not
    even after a restore — and a cache that outlives the database never holds a page under a
    number that means something else now. The row lock orders concurrent publications."""
    _require_transaction()
    now = timezone.now()
    number = time.time_ns() // 1000
    updated = PublicGeneration.objects.filter(pk=1).update(
        number=Greatest(F("number") + 1, Value(number)), changed_at=now
    )
    if not updated:  # a database emptied by a test's flush
        PublicGeneration.objects.get_or_create(pk=1, defaults={"number": number, "changed_at": now})


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reports.publication must be called inside the transaction of the change")
