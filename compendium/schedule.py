"""When the compendium is rebuilt: after publications settle, once per year at a time.

reports.publication asks for a rebuild of a year (`request_rebuild`) in the transaction of every
change the public sees; that stamps the year's BuildState.requested_at and, once the transaction
commits, queues a job COMPENDIUM_DEBOUNCE_SECONDS ahead carrying that stamp. When the job runs
it builds only if no later request came meanwhile (the later one's job will), so a morning of
forty publications is one build. Two jobs never build one year at once (compendium.locks); a
job that finds the year busy tries again later, and the periodic `rebuild_pending` picks up
requests whose job was lost.

Without a job queue (CELERY_BROKER_URL empty: `make run`, the tests) nothing waits in the
background: the request is only stamped, and the download builds the file when it finds it
out of date (compendium.views)."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import build, locks
from .models import BuildState, CompendiumFile

logger = logging.getLogger(__name__)

SUPERSEDED, BUSY, BUILT, FRESH = "superseded", "busy", "built", "fresh"


def background() -> bool:
    """A worker runs the jobs (a broker is configured), rather than the job running in-process."""
    return not settings.CELERY_TASK_ALWAYS_EAGER


def request_rebuild(*years: int) -> None:
    """The public content of these years changed (called inside the change's transaction)."""
    now = timezone.now()
    for year in sorted(set(years)):
        locks.state(year)
        BuildState.objects.filter(year=year).update(requested_at=now)
        if background():
            transaction.on_commit(lambda year=year: dispatch(year, now), robust=True)


def dispatch(year: int, requested_at: datetime | None, countdown: int | None = None) -> None:
    from .tasks import rebuild_compendium

    try:
        rebuild_compendium.apply_async(
            (year, requested_at.isoformat() if requested_at else None),
            countdown=settings.COMPENDIUM_DEBOUNCE_SECONDS if countdown is None else countdown,
        )
    except Exception:  # noqa: BLE001 — a broker that is down: rebuild_pending finds the request later
        logger.warning("Could not queue the compendium build of %s", year, exc_info=True)


def needs_build(year: int) -> bool:
    """A request not yet served, or a format missing or not servable (compendium.build.servable)."""
    state = locks.state(year)
    if state.pending:
        return True
    published = build.published_stamps(year)
    records = {r.format: r for r in CompendiumFile.objects.filter(year=year)}
    if not published:
        return bool(records)
    return any(fmt not in records or not build.servable(records[fmt], published) for fmt in build.FORMATS)


def debounced_build(year: int, requested_at: datetime | None) -> str:
    """What a queued job does: SUPERSEDED if a later request came (its own job builds), FRESH if
    there is nothing to do, BUSY if another build holds the year, else builds (BUILT)."""
    state = locks.state(year)
    if requested_at is not None and state.requested_at and state.requested_at > requested_at:
        return SUPERSEDED
    if not needs_build(year):
        return FRESH
    try:
        build.build_now(year)
    except locks.Busy:
        return BUSY
    return BUILT


def pending_years() -> list[int]:
    """Years with a request older than the debounce delay that no build has served."""
    settled = timezone.now() - timedelta(seconds=settings.COMPENDIUM_DEBOUNCE_SECONDS)
    states = BuildState.objects.filter(requested_at__lt=settled)
    return [s.year for s in states if s.pending]
