"""«Never two builds of one year at a time», across processes: a lease on the year's BuildState row.

Taken by one conditional UPDATE (… WHERE the lease is free or expired), which the database
applies to one row atomically — on PostgreSQL a concurrent UPDATE waits for the first to commit
and then finds the lease taken; on SQLite writes are serialised. No transaction stays open
while a build runs (a build takes minutes; a held row lock would block the publications that
ask for the next one). A build that dies leaves its lease to expire (COMPENDIUM_BUILD_TIMEOUT)."""

import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import BuildState


class Busy(Exception):
    """Another process is building this year's compendium now."""


def state(year: int) -> BuildState:
    BuildState.objects.bulk_create([BuildState(year=year)], ignore_conflicts=True)
    return BuildState.objects.get(year=year)


def acquire(year: int, seconds: int | None = None) -> str | None:
    """Take the year's lease; its token, or None if another build holds it."""
    state(year)
    now = timezone.now()
    token = uuid.uuid4().hex
    taken = (
        BuildState.objects.filter(year=year)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_token=token, lease_until=now + timedelta(seconds=seconds or settings.COMPENDIUM_BUILD_TIMEOUT))
    )
    return token if taken else None


def release(year: int, token: str) -> None:
    BuildState.objects.filter(year=year, lease_token=token).update(lease_token="", lease_until=None)


def is_building(year: int) -> bool:
    return BuildState.objects.filter(year=year, lease_until__gte=timezone.now()).exists()


@contextmanager
def lease(year: int):
    token = acquire(year)
    if token is None:
        raise Busy(year)
    try:
        yield token
    finally:
        release(year, token)
