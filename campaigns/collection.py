"""Opening a campaign: an empty draft for every member city without a report for the year, and the
invitation to its editors. Idempotent — run twice, it creates and sends nothing new — and safe to
run twice at once: each city's invitation is claimed by a unique row (SentNotice) before anything
is sent, in the same transaction as its draft."""

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from reports.models import Report
from reports.outcomes.plan import sync as sync_outcomes

from . import letters
from .models import ReportingCampaign, SentNotice, members_on
from .progress import HANDED_IN
from .recipients import city_contacts

INVITATION = "invitation"


@dataclass
class Opening:
    drafts: list = field(default_factory=list)  # municipalities that got an empty draft
    invited: list = field(default_factory=list)  # municipalities whose editors got the invitation
    no_contact: list = field(default_factory=list)  # members nobody could be written to


def notice_key(campaign, rule: str, municipality_id) -> str:
    return f"campaign:{campaign.pk}:{rule}:{municipality_id}"


def open_campaign(campaign: ReportingCampaign, today: date | None = None) -> Opening:
    """Invite every member city (on `today`) that has not been invited yet. Before the opening date
    nothing happens; the daily job (reminders.run) invites on that day, and later joiners too."""
    today = today or timezone.localdate()
    result = Opening()
    if not campaign.is_open_on(today):
        return result
    if campaign.opened_at is None:
        ReportingCampaign.objects.filter(pk=campaign.pk, opened_at__isnull=True).update(opened_at=timezone.now())
    for municipality in members_on(today).order_by("name"):
        _invite(campaign, municipality, today, result)
    return result


def _invite(campaign, municipality, today, result: Opening) -> None:
    key = notice_key(campaign, INVITATION, municipality.pk)
    if SentNotice.objects.filter(key=key).exists():
        return
    contacts = city_contacts(municipality.pk)
    try:
        with transaction.atomic():
            report, created = _draft_for(campaign, municipality)
            if report.status in HANDED_IN:
                return  # it sent its report before the campaign opened: nothing to ask
            if not contacts:
                # Not logged: once the city has an editor with an address, the next run invites it.
                result.no_contact.append(municipality)
                if created:
                    result.drafts.append(municipality)
                return
            SentNotice.objects.create(
                key=key,
                campaign=campaign,
                municipality=municipality,
                rule=INVITATION,
                day=today,
                recipients=", ".join(u.email for u in contacts),
            )
            letters.send(
                contacts,
                "invitation",
                {
                    "campaign": campaign,
                    "municipality": municipality,
                    "report": report,
                    "url": letters.admin_url("admin:reports_report_change", report.pk),
                },
                kind="campaign:invitation",
            )
    except IntegrityError:
        return  # another run claimed this invitation (or created the draft) at the same moment
    if created:
        result.drafts.append(municipality)
    result.invited.append(municipality)


def _draft_for(campaign, municipality) -> tuple[Report, bool]:
    """The city's report for the year: the one it has, or a new empty draft (never a second)."""
    report = Report.objects.filter(municipality=municipality, year=campaign.year).first()
    if report is not None:
        return report, False
    with transaction.atomic():  # a savepoint: a concurrent creation is an IntegrityError here
        report = Report.objects.create(municipality=municipality, year=campaign.year)
    sync_outcomes(report)  # the tasks the city set for this year, to be marked in it
    return report, True
