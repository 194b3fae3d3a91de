"""Jobs of the outbox (Celery; in-process when no broker is configured, as under `make run`)."""

from celery import shared_task

from . import services


@shared_task(bind=True, max_retries=services.MAX_ATTEMPTS, acks_late=True)
def deliver_email(self, pk: int):
    result = services.deliver(pk)
    if result is None and not self.request.is_eager:
        # The mail server is down: again in 1, 2, 4, … minutes (capped at 6 hours).
        raise self.retry(countdown=min(60 * 2**self.request.retries, 6 * 3600))
    return result


@shared_task
def retry_pending_emails():
    """Queue again the letters whose job was lost (scheduled every 10 minutes by celery beat)."""
    ids = services.pending_ids()
    for pk in ids:
        deliver_email.delay(pk)
    return len(ids)
