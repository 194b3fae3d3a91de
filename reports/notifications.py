"""E-mails about workflow transitions, sent after the transaction commits.

Association editors hear about submissions; the city's editors hear about
their report being returned, published, withdrawn or reopened. The person
who acted is not mailed about their own action.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.roles import ASSOCIATION_EDITORS, MUNICIPAL_EDITORS

from . import review_notes
from .status import Status

logger = logging.getLogger(__name__)

TO_ASSOCIATION = {"submit"}
TO_MUNICIPALITY = {"request_changes", "publish", "withdraw"}
TO_NOBODY = {"publish_archive"}  # archives were published long ago


def association_editors():
    return get_user_model().objects.filter(is_active=True, groups__name=ASSOCIATION_EDITORS)


def municipality_editors(municipality_id):
    return get_user_model().objects.filter(
        is_active=True, groups__name=MUNICIPAL_EDITORS, municipalities__id=municipality_id
    )


def recipients_for(event):
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
    return sorted({u.email for u in users.distinct() if u.email})


def notify_transition(event_id: int) -> int:
    """Send the e-mails for one ReportEvent; return how many were sent.

    Runs from transaction.on_commit: the transition is already saved, so a
    broken mail server must not turn it into an error page; it is logged.
    """
    from .models import ReportEvent

    try:
        event = ReportEvent.objects.select_related("report__municipality", "actor").get(pk=event_id)
        emails = recipients_for(event)
        if not emails:
            return 0
        with translation.override(settings.LANGUAGE_CODE):
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
            subject = " ".join(render_to_string("reports/email/transition_subject.txt", context).split())
            body = render_to_string("reports/email/transition_body.txt", context)
        messages = [EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in emails]
        return get_connection().send_messages(messages) or 0
    except Exception:  # noqa: BLE001 — the mail server's failures are many and all mean the same here
        logger.exception("Could not send workflow e-mail for event %s", event_id)
        return 0
