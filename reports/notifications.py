"""E-mails about workflow transitions, sent after the transaction commits.

Association editors hear about submissions; the city's editors hear about
their report being returned, published, withdrawn or reopened. The person
who acted is not mailed about their own action.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.roles import ASSOCIATION_EDITORS, MUNICIPAL_EDITORS

from . import review_notes
from .status import Status

logger = logging.getLogger(__name__)

TO_ASSOCIATION = {"submit"}
TO_MUNICIPALITY = {"request_changes", "publish", "approve", "release", "withdraw"}
TO_NOBODY = {"publish_archive"}  # archives were published long ago


def association_editors():
    return get_user_model().objects.filter(is_active=True, groups__name=ASSOCIATION_EDITORS)


def municipality_editors(municipality_id):
    return get_user_model().objects.filter(
        is_active=True, groups__name=MUNICIPAL_EDITORS, municipalities__id=municipality_id
    )


def recipients_for(event):
    """The addresses the e-mail about `event` goes to."""
    return sorted({u.email for u in recipient_users(event)})


def recipient_users(event) -> list:
    """The people told about `event`, each once, those with an e-mail address only."""
    from accounts.roles import is_association_editor

    if event.transition in TO_NOBODY:
        return []
    if event.transition in TO_ASSOCIATION:
        users = association_editors()
    elif event.transition in TO_MUNICIPALITY:
        users = municipality_editors(event.report.municipality_id)
    elif event.actor is not None and not is_association_editor(event.actor):
        users = association_editors()
    else:
        users = municipality_editors(event.report.municipality_id)
    if event.actor_id:
        users = users.exclude(pk=event.actor_id)
    by_address = {}
    for user in users.distinct().order_by("pk"):
        if user.email:
            by_address.setdefault(user.email, user)
    return list(by_address.values())


def notify_transition(event_id: int) -> int:
    """Write the e-mails about one ReportEvent into the outbox (delivered by the job queue, retried
    while the mail server is down); return how many. Each in its recipient's language.

    Runs from transaction.on_commit: the transition is already saved, so a failure here must not
    turn it into an error page; it is logged.
    """
    from outbox.services import enqueue

    from .models import ReportEvent

    try:
        event = ReportEvent.objects.select_related("report__municipality", "actor").get(pk=event_id)
        users = recipient_users(event)
        for user in users:
            with translation.override(user.language or settings.LANGUAGE_CODE):
                context = {
                    "event": event,
                    "notes": review_notes.labelled(event.notes),
                    "report": event.report,
                    "url": settings.PORTAL_BASE_URL + reverse("admin:reports_report_change", args=[event.report_id]),
                    # The address the city will want to share, once the report is public.
                    "public_url": (
                        settings.PORTAL_BASE_URL + event.report.get_absolute_url()
                        if event.to_status == Status.PUBLISHED
                        else ""
                    ),
                }
                subject = render_to_string("reports/email/transition_subject.txt", context)
                body = render_to_string("reports/email/transition_body.txt", context)
            enqueue(user.email, subject, body, kind=f"transition:{event.transition}")
        return len(users)
    except Exception:  # noqa: BLE001 — logged; the transition itself stands
        logger.exception("Could not send workflow e-mail for event %s", event_id)
        return 0
