"""The reminders of the yearly collection, for one day (`run(today)`), by the daily job or by hand.

- To the editors of every member city whose report for an open campaign is not handed in yet:
  N days before the deadline (settings.CAMPAIGN_REMINDER_DAYS), on the deadline, and weekly after
  it. Of the reminders due on a day only the latest is sent (a run missed for a week sends one
  letter, not three); the earlier ones are logged as superseded, so they never follow.
- A report returned to the city and left untouched for CAMPAIGN_RETURNED_REMINDER_DAYS: a reminder
  of the moderator's comment (once per return).
- The Association's editors: a digest of the reports waiting for review longer than
  CAMPAIGN_REVIEW_WAIT_DAYS (once a day).

Every notice is claimed by a unique key (SentNotice) in the transaction that queues its letters:
never the same reminder twice, and of two runs at the same moment one sends. Moving a deadline
later sends no rule again that was already sent. Dates are the portal's local dates (TIME_ZONE).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from reports.models import Report
from reports.status import Status

from . import collection, letters
from .models import ReportingCampaign, SentNotice
from .progress import rows

DEADLINE = "deadline"
RETURNED = "returned"
DIGEST = "digest"


@dataclass
class Run:
    invited: list = field(default_factory=list)
    sent: list = field(default_factory=list)  # (key, addresses)
    superseded: list = field(default_factory=list)
    no_contact: list = field(default_factory=list)


def deadline_rules(campaign: ReportingCampaign, today: date) -> list[tuple[date, str]]:
    """The deadline reminders of a campaign that are due by `today`, earliest first: (from when, rule)."""
    rules = [(campaign.deadline - timedelta(days=n), f"before{n}") for n in settings.CAMPAIGN_REMINDER_DAYS if n > 0]
    rules.append((campaign.deadline, DEADLINE))
    weeks = (today - campaign.deadline).days // 7
    rules += [(campaign.deadline + timedelta(weeks=k), f"overdue{k}") for k in range(1, max(weeks, 0) + 1)]
    return sorted(r for r in rules if r[0] <= today)


def open_campaigns(today: date):
    return [c for c in ReportingCampaign.objects.filter(opens_on__lte=today) if c.is_open_on(today)]


def run(today: date | None = None) -> Run:
    today = today or timezone.localdate()
    result = Run()
    for campaign in open_campaigns(today):
        result.invited += collection.open_campaign(campaign, today).invited  # cities that joined since
        _deadline_reminders(campaign, today, result)
        _returned_reminders(campaign, today, result)
    _digest(today, result)
    return result


def _claim(key, *, campaign=None, municipality=None, rule, day, recipients, sent=True) -> bool:
    """Write the notice's row; False if it exists (sent before, or by a run at the same moment)."""
    if SentNotice.objects.filter(key=key).exists():
        return False
    try:
        with transaction.atomic():
            SentNotice.objects.create(
                key=key,
                campaign=campaign,
                municipality=municipality,
                rule=rule,
                day=day,
                recipients=", ".join(u.email for u in recipients),
                sent=sent,
            )
    except IntegrityError:
        return False
    return True


def _deadline_reminders(campaign, today, result: Run) -> None:
    due = deadline_rules(campaign, today)
    if not due:
        return
    *earlier, (since, latest) = due
    days = (campaign.deadline - today).days
    for row in rows(campaign, today):
        if row.handed_in or row.report is None:
            continue
        municipality = row.municipality
        key = collection.notice_key(campaign, latest, municipality.pk)
        if SentNotice.objects.filter(key=key).exists():
            continue
        if not row.contacts:
            result.no_contact.append(municipality)
            continue
        with transaction.atomic():
            if not _claim(
                key, campaign=campaign, municipality=municipality, rule=latest, day=today, recipients=row.contacts
            ):
                continue
            _send_reminder(campaign, row, days, kind=f"campaign:{latest}")
            # Reminders that were due too but are overtaken by this one: never sent later.
            for _day, rule in earlier:
                old = collection.notice_key(campaign, rule, municipality.pk)
                if _claim(
                    old, campaign=campaign, municipality=municipality, rule=rule, day=today, recipients=[], sent=False
                ):
                    result.superseded.append(old)
        result.sent.append((key, [u.email for u in row.contacts]))


def _send_reminder(campaign, row, days: int, kind: str) -> None:
    """The deadline reminder to a city's contacts: its state, the days left (or overdue), the
    sections still empty, the link to its report."""
    letters.send(
        row.contacts,
        "reminder",
        {
            "campaign": campaign,
            "municipality": row.municipality,
            "report": row.report,
            "state": row.state_label,
            "days": days,
            "overdue": -days,
            "empty_sections": row.empty_sections,
            "url": letters.admin_url("admin:reports_report_change", row.report.pk),
        },
        kind=kind,
    )


def _returned_reminders(campaign, today, result: Run) -> None:
    wait = settings.CAMPAIGN_RETURNED_REMINDER_DAYS
    returned = Report.objects.filter(year=campaign.year, status=Status.CHANGES_REQUESTED).select_related("municipality")
    for report in returned:
        event = report.events.order_by("-created_at", "-id").first()
        if event is None or event.to_status != Status.CHANGES_REQUESTED:
            continue
        if timezone.localdate(event.created_at) + timedelta(days=wait) > today:
            continue
        # «Without action»: nothing saved since the return (the transition itself wrote updated_at).
        if report.updated_at > event.created_at + timedelta(seconds=5):
            continue
        from .recipients import city_contacts

        contacts = city_contacts(report.municipality_id)
        key = f"campaign:{campaign.pk}:{RETURNED}:{event.pk}"
        if not contacts:
            result.no_contact.append(report.municipality)
            continue
        with transaction.atomic():
            if not _claim(
                key, campaign=campaign, municipality=report.municipality, rule=RETURNED, day=today, recipients=contacts
            ):
                continue
            letters.send(
                contacts,
                "returned",
                {
                    "campaign": campaign,
                    "municipality": report.municipality,
                    "report": report,
                    "event": event,
                    "days": (today - timezone.localdate(event.created_at)).days,
                    "url": letters.admin_url("admin:reports_report_change", report.pk),
                },
                kind="campaign:returned",
            )
        result.sent.append((key, [u.email for u in contacts]))


def _digest(today, result: Run) -> None:
    from .recipients import moderators

    cutoff = timezone.now() - timedelta(days=settings.CAMPAIGN_REVIEW_WAIT_DAYS)
    waiting = list(
        Report.objects.filter(status=Status.SUBMITTED, submitted_at__lte=cutoff)
        .select_related("municipality")
        .order_by("submitted_at")
    )
    if not waiting:
        return
    people = moderators()
    key = f"{DIGEST}:{today.isoformat()}"
    if not people:
        return
    with transaction.atomic():
        if not _claim(key, rule=DIGEST, day=today, recipients=people):
            return
        now = timezone.now()
        letters.send(
            people,
            "digest",
            {
                "reports": [
                    {
                        "report": r,
                        "days": (now - r.submitted_at).days,
                        "url": letters.admin_url("admin:reports_report_change", r.pk),
                    }
                    for r in waiting
                ],
                "wait": settings.CAMPAIGN_REVIEW_WAIT_DAYS,
                "today": today,
            },
            kind="campaign:digest",
        )
    result.sent.append((key, [u.email for u in people]))


def remind_now(campaign, municipality_ids, today: date) -> tuple[list, list]:
    """«Напомнить выбранным» on the campaign page: the deadline reminder, now, to the chosen cities
    that have not handed in their report (at most once a day each). Returns (reminded, skipped)."""
    reminded, skipped = [], []
    days = (campaign.deadline - today).days
    rule = f"manual{today.isoformat()}"
    for row in rows(campaign, today):
        if row.municipality.pk not in municipality_ids:
            continue
        municipality = row.municipality
        key = collection.notice_key(campaign, rule, municipality.pk)
        if row.handed_in or row.report is None or not row.contacts:
            skipped.append(municipality)
            continue
        with transaction.atomic():
            if not _claim(
                key, campaign=campaign, municipality=municipality, rule="manual", day=today, recipients=row.contacts
            ):
                skipped.append(municipality)
                continue
            _send_reminder(campaign, row, days, kind="campaign:manual")
        reminded.append(municipality)
    return reminded, skipped


def publish_due(today: date | None = None) -> list:
    """On (or after) a campaign's common publication date, publish every approved report of its
    year — the job queue's daily run; a report is released once (then it is no longer approved)."""
    from reports import workflow

    today = today or timezone.localdate()
    released = []
    years = ReportingCampaign.objects.filter(publication_date__lte=today).values_list("year", flat=True)
    for report in Report.objects.filter(year__in=list(years), status=Status.APPROVED).order_by("pk"):
        try:
            released.append(workflow.release(report))
        except workflow.TransitionNotAllowed:
            continue  # acted on meanwhile (returned or published by hand)
    return released
