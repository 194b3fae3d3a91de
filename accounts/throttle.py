"""Login throttling that a stranger cannot turn against the people who sign in.

The rules (settings LOGIN_*; README «Вход»):

- Failures are counted per pair (the name typed, the client address). After
  LOGIN_FAILURE_LIMIT failures of a pair, that pair waits LOGIN_DELAY before it may try
  again, and each further failure doubles the wait, up to LOGIN_MAX_DELAY. A correct
  password resets the pair. Guessing a known account's password from one address therefore
  locks only that address for that name: the owner still signs in from anywhere else, and
  from the same address after a short, growing delay.
- An address that fails LOGIN_ADDRESS_FAILURE_LIMIT times within an hour, whatever the names
  (someone trying many accounts), waits the same way, for every name.
- While a wait runs the password is not even checked, so trying during it changes nothing.
- The client address is REMOTE_ADDR, or behind DJANGO_TRUSTED_PROXY_COUNT proxies the entry that
  many places from the right of X-Forwarded-For: each proxy appends the address it got the
  request from, so entries further left are whatever the client chose to send.
"""

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from .models import LoginFailure

PAIR_WINDOW = timedelta(days=1)  # failures older than this are forgotten
ADDRESS_WINDOW = timedelta(hours=1)
USERNAME_MAX_LENGTH = 150  # Django's username field; a longer name typed is cut, not an error


def client_address(request) -> str | None:
    """The address of the client as the last trusted proxy saw it (None if not an IP address)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    candidate = request.META.get("REMOTE_ADDR", "")
    if proxies:
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate.strip("[]")))
    except ValueError:
        return None


def typed_username(value) -> str:
    return str(value or "")[:USERNAME_MAX_LENGTH]


def delay(failures: int, limit: int) -> timedelta | None:
    """How long to wait after the last failure, given how many there were (None: no wait)."""
    if failures < limit:
        return None
    doubling = min(failures - limit, 20)
    return min(settings.LOGIN_DELAY * (2**doubling), settings.LOGIN_MAX_DELAY)


@dataclass(frozen=True)
class Wait:
    until: datetime
    whole_address: bool  # every name from this address, not just the one typed

    @property
    def minutes(self) -> int:
        seconds = (self.until - timezone.now()).total_seconds()
        return max(1, int(-(-seconds // 60)))


def _wait(failures: LoginFailure, limit: int, now: datetime) -> datetime | None:
    found = failures.aggregate(n=Count("id"), last=Max("at"))
    wait = delay(found["n"], limit)
    if wait is not None and found["last"] + wait > now:
        return found["last"] + wait
    return None


def current_wait(username: str, address: str | None) -> Wait | None:
    """Must this name from this address wait before its password is checked? (Two queries.)"""
    now = timezone.now()
    pair = LoginFailure.objects.filter(username=typed_username(username), address=address, at__gte=now - PAIR_WINDOW)
    until = _wait(pair, settings.LOGIN_FAILURE_LIMIT, now)
    if until is not None:
        return Wait(until, whole_address=False)
    if address is not None:
        everyone = LoginFailure.objects.filter(address=address, at__gte=now - ADDRESS_WINDOW)
        until = _wait(everyone, settings.LOGIN_ADDRESS_FAILURE_LIMIT, now)
        if until is not None:
            return Wait(until, whole_address=True)
    return None


def record_failure(username: str, address: str | None) -> None:
    LoginFailure.objects.create(username=typed_username(username), address=address)
    # Nothing older than a day counts: keep the table as small as that.
    LoginFailure.objects.filter(at__lt=timezone.now() - PAIR_WINDOW).delete()


def forget(username: str, address: str | None = ...) -> int:
    """Clear the failures of a name (from one address, or from every address)."""
    failures = LoginFailure.objects.filter(username=typed_username(username))
    if address is not ...:
        failures = failures.filter(address=address)
    return failures.delete()[0]


def limited_usernames():
    """Names that have reached the limit from some address within the day (the user list)."""
    since = timezone.now() - PAIR_WINDOW
    return (
        LoginFailure.objects.filter(at__gte=since)
        .values("username", "address")
        .annotate(n=Count("id"))
        .filter(n__gte=settings.LOGIN_FAILURE_LIMIT)
        .values("username")
    )
