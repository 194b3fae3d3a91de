"""Sending e-mail through the outbox: `enqueue()` writes the letter and asks the job queue to
deliver it once the surrounding transaction commits; `deliver()` is what the job does."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

# Attempts before a letter is given up on (about a day and a half with the backoff of tasks.py).
MAX_ATTEMPTS = 8


def enqueue(to: str, subject: str, body: str, kind: str = "") -> OutgoingEmail:
    """Write one letter; it is delivered after the current transaction commits (at once outside one)."""
    from .tasks import deliver_email

    email = OutgoingEmail.objects.create(to=to, subject=" ".join(subject.split())[:300], body=body, kind=kind)
    transaction.on_commit(lambda: _dispatch(deliver_email, email.pk), robust=True)
    return email


def _dispatch(task, pk):
    try:
        task.delay(pk)
    except Exception:  # noqa: BLE001 — a broker that is down: the letter stays pending, retry_pending() finds it
        logger.warning("Could not queue e-mail %s; it stays pending", pk, exc_info=True)


def deliver(pk: int) -> bool | None:
    """Send one pending letter. True: sent (or already sent); None: failed for now, try again;
    False: failed for good (state «не доставлено»)."""
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=pk).first()
        if email is None or email.state != OutgoingEmail.State.PENDING:
            return True
        try:
            EmailMessage(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.to]).send()
        except Exception as error:  # noqa: BLE001 — SMTP's failures are many; each one is recorded
            email.attempts += 1
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            if email.attempts >= MAX_ATTEMPTS:
                email.state = OutgoingEmail.State.FAILED
                logger.error("E-mail %s to %s failed for good: %s", pk, email.to, email.last_error)
            email.save(update_fields=["attempts", "last_error", "state"])
            return False if email.state == OutgoingEmail.State.FAILED else None
        email.attempts += 1
        email.state, email.sent_at, email.last_error = OutgoingEmail.State.SENT, timezone.now(), ""
        email.save(update_fields=["attempts", "state", "sent_at", "last_error"])
        return True


def pending_ids(older_than_seconds: int = 600) -> list[int]:
    """Letters still pending after a while: their job was lost (a broker that was down, a worker
    killed mid-way); the periodic job queues them again."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return list(
        OutgoingEmail.objects.filter(state=OutgoingEmail.State.PENDING, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
