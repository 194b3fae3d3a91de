"""Where each member city stands in a campaign: one row per city, for the campaign page, the
reminders and the city's start page."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from reports.models import SECTIONS, Municipality, Report, ReportEvent
from reports.status import Status

from .models import ReportingCampaign, members_on
from .recipients import city_contacts

NOT_STARTED = "not_started"
# The campaign page's states: the report's status, plus «не начат» (no report, or the empty
# draft the campaign created and nobody has touched).
STATE_LABELS = {
    NOT_STARTED: _("не начат"),
    Status.DRAFT.value: _("черновик"),
    Status.SUBMITTED.value: _("на проверке"),
    Status.APPROVED.value: _("одобрен, ждёт дня публикации"),
    Status.CHANGES_REQUESTED.value: _("возвращён на доработку"),
    Status.PUBLISHED.value: _("опубликован"),
    Status.WITHDRAWN.value: _("снят с публикации"),
}
# Done, as far as the city is concerned: it has sent the report (or it is out already).
HANDED_IN = {Status.SUBMITTED, Status.APPROVED, Status.PUBLISHED}
ASSOCIATION_DECISIONS = ("request_changes", "approve", "publish", "withdraw")


@dataclass
class CityRow:
    municipality: Municipality
    report: Report | None
    state: str
    contacts: list = field(default_factory=list)
    empty_sections: list = field(default_factory=list)
    reviewer: str = ""  # who at the Association last decided on the report

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    @property
    def handed_in(self) -> bool:
        return self.report is not None and self.report.status in HANDED_IN

    @property
    def last_activity(self):
        return self.report.updated_at if self.report is not None and self.state != NOT_STARTED else None


def state_of(report: Report | None, items: int = 0) -> str:
    if report is None:
        return NOT_STARTED
    if report.status == Status.DRAFT and report.version == 1 and items == 0:
        return NOT_STARTED
    return str(report.status)


def rows(campaign: ReportingCampaign, today: date, *, with_contacts: bool = True) -> list[CityRow]:
    """Every member city on `today` with its report for the campaign's year (by region, name)."""
    municipalities = list(members_on(today).order_by("region", "name"))
    counts = {section.count_name: Count(section.key, distinct=True) for section in SECTIONS}
    reports = {
        r.municipality_id: r
        for r in Report.objects.filter(year=campaign.year, municipality__in=[m.pk for m in municipalities])
        .annotate(**counts)
        .select_related("submitted_by")
    }
    reviewers = {}
    decisions = ReportEvent.objects.filter(
        report__in=[r.pk for r in reports.values()], transition__in=ASSOCIATION_DECISIONS
    ).order_by("created_at", "id")
    for report_id, name in decisions.values_list("report_id", "actor_name"):
        reviewers[report_id] = name  # the latest wins
    found = []
    for municipality in municipalities:
        report = reports.get(municipality.pk)
        sizes = [getattr(report, s.count_name) for s in SECTIONS] if report else [0] * len(SECTIONS)
        row = CityRow(municipality, report, state_of(report, sum(sizes)))
        row.empty_sections = [s.title for s, n in zip(SECTIONS, sizes, strict=True) if n == 0]
        row.reviewer = reviewers.get(report.pk, "") if report else ""
        if with_contacts:
            row.contacts = city_contacts(municipality.pk)
        found.append(row)
    return found


def days_left(campaign: ReportingCampaign, today: date) -> int:
    """Days to the deadline (0 on the day, negative when overdue)."""
    return (campaign.deadline - today).days


@dataclass
class CityTask:
    """What a city editor should do now in an open campaign (their start page)."""

    campaign: ReportingCampaign
    row: CityRow
    days: int
    comment: str = ""  # the moderator's comment, when the report was returned

    @property
    def overdue(self) -> int:
        return -self.days


def for_city_editor(municipalities, today: date) -> list[CityTask]:
    """For each of these municipalities that is a member, its report in every open campaign."""
    ids = set(members_on(today).filter(pk__in=[m.pk for m in municipalities]).values_list("pk", flat=True))
    if not ids:
        return []
    tasks = []
    for campaign in ReportingCampaign.objects.filter(opens_on__lte=today).order_by("-year"):
        if not campaign.is_open_on(today):
            continue
        for row in rows(campaign, today, with_contacts=False):
            if row.municipality.pk not in ids:
                continue
            comment = ""
            if row.report is not None and row.report.status == Status.CHANGES_REQUESTED:
                last = row.report.events.order_by("-created_at", "-id").first()
                comment = last.comment if last is not None else ""
            tasks.append(CityTask(campaign, row, days_left(campaign, today), comment))
    return tasks
