"""«Forgot password?» without an open door: limited, and telling nothing by its timing.

- At most PASSWORD_RESET_LIMIT_PER_ADDRESS requests an hour from one client address (the next
  ones get a 429 page) and PASSWORD_RESET_LIMIT_PER_EMAIL for one e-mail (the next ones are
  answered as usual and send nothing): nobody can flood a mailbox or the mail server.
- The request only validates the form, records the request and answers. Looking up the
  accounts, making the link and sending the mail happen afterwards in a background thread, so a
  known and an unknown address take the same time to answer (a hostile test measured 25 ms
  against 11 ms before) and a slow mail server delays nobody.
"""

import hashlib
import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, connections
from django.utils import timezone, translation

from .models import PasswordResetRequest
from .throttle import client_address

logger = logging.getLogger("accounts.password_reset")


def email_digest(email: str) -> str:
    key = settings.SECRET_KEY.encode()[:64]
    return hashlib.blake2b(email.strip().lower().encode(), key=key, digest_size=16).hexdigest()


def allow(request, email: str) -> tuple[bool, bool]:
    """(may this address ask at all, may a mail go to this e-mail); records the request."""
    since = timezone.now() - timedelta(hours=1)
    address = client_address(request)
    digest = email_digest(email)
    recent = PasswordResetRequest.objects.filter(created_at__gte=since)
    if address and recent.filter(address=address).count() >= settings.PASSWORD_RESET_LIMIT_PER_ADDRESS:
        logger.warning("password reset refused: too many from this address", extra={"address": address})
        return False, False
    PasswordResetRequest.objects.filter(created_at__lt=since).delete()  # an hour is all we keep
    PasswordResetRequest.objects.create(address=address, email_digest=digest)
    mail = recent.filter(email_digest=digest).count() <= settings.PASSWORD_RESET_LIMIT_PER_EMAIL
    if not mail:
        logger.warning("password reset mail not sent: too many for this e-mail", extra={"email_hash": digest})
    return True, mail


def send_later(form, **save_kwargs) -> None:
    """form.save(**save_kwargs) — find the accounts, send the links — after the response."""
    # At once in most tests (inside the test's transaction), and on an in-memory SQLite database,
    # which another thread's connection would share with table locks it never lets go of.
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    if not settings.PASSWORD_RESET_IN_BACKGROUND or in_memory:
        form.save(**save_kwargs)
        return

    language = translation.get_language()  # the thread starts without the request's language

    def run():
        close_old_connections()
        try:
            with translation.override(language):
                form.save(**save_kwargs)
        except Exception:  # noqa: BLE001 — a thread has nobody to raise to; the log has it
            logger.exception("password reset mail failed")
        finally:
            connections.close_all()

    threading.Thread(target=run, name="password-reset-mail", daemon=True).start()
