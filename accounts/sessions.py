"""How long a back-office session may last, and what a failed login leaves in the log.

A session ends after SESSION_COOKIE_AGE of inactivity (Django's own rule, renewed on each
request) and, whatever the activity, SESSION_ABSOLUTE_AGE after the login: a stolen session
cookie stops working by the next morning even if it is used all night.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.contrib.auth import logout

from . import throttle

logger = logging.getLogger("accounts.login")

STARTED = "_portal_session_started"  # seconds since the epoch, set at the first authenticated request


class AbsoluteSessionLifetimeMiddleware:
    """After AuthenticationMiddleware: signs out a session older than SESSION_ABSOLUTE_AGE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.get(STARTED)
            if not isinstance(started, int):
                request.session[STARTED] = now
            elif now - started > settings.SESSION_ABSOLUTE_AGE:
                logout(request)  # the admin then asks for the password again, with ?next=
        return self.get_response(request)


def username_digest(username) -> str:
    """A short keyed hash of a typed user name: the same name gives the same digest in every
    log line (so failures can be grouped and matched to an account by whoever holds the secret
    key), but the log itself never holds what was typed — often a password in the wrong field."""
    key = settings.SECRET_KEY.encode()
    return hashlib.blake2b(str(username or "").encode(), key=key[:64], digest_size=8).hexdigest()


def log_failed_login(sender, credentials, request=None, **kwargs):
    """Receiver of django.contrib.auth's user_login_failed (connected in AccountsConfig.ready):
    a log line, and a failure counted against the name and the address (accounts/throttle.py)."""
    username = credentials.get("username")
    address = throttle.client_address(request) if request is not None else None
    logger.warning("login failed", extra={"username_hash": username_digest(username), "address": address or ""})
    if request is not None:
        throttle.record_failure(username, address)


def forget_failures_on_login(sender, request, user, **kwargs):
    """Receiver of user_logged_in: the right password clears the failures of that name there."""
    if request is not None:
        throttle.forget(user.get_username(), throttle.client_address(request))
