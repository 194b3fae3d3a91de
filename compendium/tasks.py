"""Jobs of the compendium (Celery; see compendium/schedule.py for when they run)."""

from celery import shared_task
from django.conf import settings
from django.utils.dateparse import parse_datetime

from . import locks, schedule


@shared_task(bind=True, acks_late=True, max_retries=None)
def rebuild_compendium(self, year: int, requested_at: str | None = None):
    result = schedule.debounced_build(year, parse_datetime(requested_at) if requested_at else None)
    if result == schedule.BUSY and not self.request.is_eager:
        # The build under way may have read the reports before this request: once it is done.
        raise self.retry(countdown=settings.COMPENDIUM_DEBOUNCE_SECONDS)
    return result


@shared_task
def rebuild_pending():
    """Requests whose job was lost (a broker that was down, a worker killed): every 10 minutes."""
    years = [year for year in schedule.pending_years() if not locks.is_building(year)]
    for year in years:
        rebuild_compendium.delay(year, None)
    return years
