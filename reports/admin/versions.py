"""The report's versions (a snapshot at each workflow event) and what to compare first.

A reviewer opening «Версии и сравнение» wants one of two questions answered: what the city changed
since the report was returned to it, or what changed since it was last published. The page opens
on that comparison — the most recent of them that has differences — rather than on two versions
that are the same. Versions are numbered 1, 2, 3… in the order they were saved; that number is
the one the pages show.
"""

from dataclasses import dataclass

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..snapshots import SectionDiff, diff_snapshots, report_snapshot
from ..status import Status

CURRENT = "current"


def when(moment) -> str:
    """A version's time as every page of the back office shows it: local, to the second."""
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M:%S")


def numbered(report) -> list:
    """The report's versions, oldest first, each with .number (1, 2, 3…)."""
    events = list(report.events.select_related("actor").order_by("created_at", "id"))
    for number, event in enumerate(events, 1):
        event.number = number
    return events


def version_label(event) -> str:
    return _("версия %(number)s — %(status)s, %(when)s") % {
        "number": event.number,
        "status": event.get_to_status_display(),
        "when": when(event.created_at),
    }


@dataclass
class Comparison:
    key: str
    title: str
    old: object  # a numbered ReportEvent
    new: object | None  # a later one, or None: the report as it is now
    sections: list[SectionDiff]

    @property
    def changed(self) -> bool:
        return any(s.changed for s in self.sections)

    @property
    def to_key(self):
        return self.new.pk if self.new is not None else CURRENT


def _compare(report, key, title, old, new, current) -> Comparison:
    sections = diff_snapshots(old.snapshot, new.snapshot if new is not None else current)
    return Comparison(key, title, old, new, sections)


def comparisons(report, events) -> list[Comparison]:
    """The comparisons a reviewer asks for, the most recent starting point first."""
    if not events:
        return []
    current = report_snapshot(report)
    found = []
    returns = [e for e in events if e.to_status == Status.CHANGES_REQUESTED]
    if returns:
        returned = returns[-1]
        # What the city changed: up to its next submission, or up to now while it is still working.
        resubmitted = next((e for e in events if e.number > returned.number and e.to_status == Status.SUBMITTED), None)
        found.append(
            _compare(
                report, "returned", _("Что изменилось после возврата на доработку"), returned, resubmitted, current
            )
        )
    published = [e for e in events if e.to_status == Status.PUBLISHED]
    if published:
        found.append(
            _compare(report, "published", _("Что изменилось после последней публикации"), published[-1], None, current)
        )
    latest = events[-1]
    if all(c.old.pk != latest.pk or c.new is not None for c in found):
        found.append(_compare(report, "latest", _("Что изменилось после последней версии"), latest, None, current))
    found.sort(key=lambda c: c.old.number, reverse=True)
    return found


def preselected(found: list[Comparison]) -> Comparison | None:
    """The most recent comparison with differences (or, if none has any, the most recent one)."""
    return next((c for c in found if c.changed), found[0] if found else None)


class VersionPages:
    """«Версии и сравнение»: the list of versions opened on the comparison a reviewer needs, one
    version, and any two compared. Mixed into ReportAdmin through ReportPages (report_or_404)."""

    def versions_view(self, request, object_id):
        report = self.report_or_404(request, object_id)
        events = numbered(report)
        found = comparisons(report, events)
        chosen = next((c for c in found if c.key == request.GET.get("compare")), None) or preselected(found)
        return TemplateResponse(
            request,
            "admin/reports/report/versions.html",
            self.page_context(
                request,
                report,
                title=_("Версии отчёта: %s") % report,
                events=events[::-1],  # newest first
                comparisons=found,
                chosen=chosen,
                current_key=CURRENT,
            ),
        )

    def version_detail_view(self, request, object_id, event_id):
        report = self.report_or_404(request, object_id)
        events = numbered(report)
        event = next((e for e in events if e.pk == event_id), None)
        if event is None:
            raise Http404
        return TemplateResponse(
            request,
            "admin/reports/report/version_detail.html",
            self.page_context(
                request,
                report,
                title=_("Отчёт в версии %(number)s от %(when)s")
                % {"number": event.number, "when": when(event.created_at)},
                event=event,
                sections=diff_snapshots(event.snapshot, event.snapshot),
            ),
        )

    def version_diff_view(self, request, object_id):
        report = self.report_or_404(request, object_id)
        events = numbered(report)
        by_key = {str(e.pk): e for e in events}
        wanted_from, wanted_to = request.GET.get("from"), request.GET.get("to")
        if wanted_from or wanted_to:
            old_key = wanted_from or (str(events[-1].pk) if events else CURRENT)
            new_key = wanted_to or CURRENT
        elif (chosen := preselected(comparisons(report, events))) is not None:
            old_key, new_key = str(chosen.old.pk), str(chosen.to_key)
        else:
            old_key = new_key = CURRENT
        current = report_snapshot(report)

        def side(key):
            if key == CURRENT:
                return _("сейчас (текущее состояние)"), current
            if key not in by_key:  # not a version of this report
                raise Http404
            return version_label(by_key[key]), by_key[key].snapshot

        old_label, old = side(old_key)
        new_label, new = side(new_key)
        sections = diff_snapshots(old, new)
        return TemplateResponse(
            request,
            "admin/reports/report/version_diff.html",
            self.page_context(
                request,
                report,
                title=_("Сравнение версий: %s") % report,
                old_label=old_label,
                new_label=new_label,
                sections=sections,
                changed=any(s.changed for s in sections),
            ),
        )
