"""«История правок» of a report: every change of the report and of its items, in words.

simple-history keeps one row per saved object. The report's own rows hold only its municipality,
year and status; what people actually edit are the items. This page puts both together, newest
first, one line per change: «Статус: На проверке → Возвращён на доработку», «Достижение 2: текст
изменён», «Задача 1: год изменён (2025 → 2026)», «Итог задачи 2: итог не указан → выполнена». Saves by one person within a few seconds (one
press of «Сохранить») are one entry.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from ..models import SECTIONS, Municipality, ProposalKind
from ..outcomes.models import NOT_MARKED, Outcome, TaskOutcome
from ..status import Status

SAME_SAVE = timedelta(seconds=5)  # records of one save are milliseconds apart
PER_PAGE = 50


@dataclass
class Change:
    text: str
    quote: str = ""  # the item's text, shortened, for context
    url: str = ""  # the item's record (view, or revert for those who may edit)
    workflow: bool = False


@dataclass
class Entry:
    when: object
    who: str
    user_id: int | None
    changes: list = field(default_factory=list)
    workflow: bool = False  # a change of status: each is an entry of its own


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return _("система")
    return user.get_full_name() or user.get_username()


def _status(value) -> str:
    return Status(value).label if value in Status.values else str(value or "—")


def _kind(value) -> str:
    return ProposalKind(value).label if value in ProposalKind.values else str(value or "—")


def _report_changes(record, previous) -> list[Change]:
    if record.history_type == "+":
        return [Change(_("Отчёт создан"))]
    if record.history_type == "-":
        return [Change(_("Отчёт удалён"))]
    if previous is None:
        return []
    changes = []
    if record.status != previous.status:
        changes.append(
            Change(
                _("Статус: %(old)s → %(new)s") % {"old": _status(previous.status), "new": _status(record.status)},
                workflow=True,
            )
        )
    if record.year != previous.year:
        changes.append(Change(_("Отчётный год: %(old)s → %(new)s") % {"old": previous.year, "new": record.year}))
    if record.municipality_id != previous.municipality_id:
        names = dict(
            Municipality.objects.filter(pk__in=[record.municipality_id, previous.municipality_id]).values_list(
                "pk", "name"
            )
        )
        changes.append(
            Change(
                _("Муниципалитет: %(old)s → %(new)s")
                % {"old": names.get(previous.municipality_id, "—"), "new": names.get(record.municipality_id, "—")}
            )
        )
    return changes  # a save that only moved the version counter says nothing


def _item_changes(section, record, previous, url) -> list[Change]:
    item = "%s %s" % (capfirst(section.model._meta.verbose_name), record.position)
    quote = Truncator(record.text).chars(90)
    if record.history_type == "+":
        return [Change(_("%(item)s: новый пункт") % {"item": item}, quote, url)]
    if record.history_type == "-":
        return [Change(_("%(item)s: пункт удалён") % {"item": item}, quote, url)]
    if previous is None:
        return []
    said = []
    if record.text != previous.text:
        said.append(_("%(item)s: текст изменён") % {"item": item})
    if record.position != previous.position:
        said.append(_("%(item)s: номер изменён (был %(old)s)") % {"item": item, "old": previous.position})
    if "year" in section.fields and record.year != previous.year:
        said.append(
            _("%(item)s: год изменён (%(old)s → %(new)s)") % {"item": item, "old": previous.year, "new": record.year}
        )
    if "kind" in section.fields and record.kind != previous.kind:
        said.append(
            _("%(item)s: вид изменён (%(old)s → %(new)s)")
            % {"item": item, "old": _kind(previous.kind), "new": _kind(record.kind)}
        )
    return [Change(text, quote, url) for text in said]


def _outcome(value) -> str:
    return Outcome(value).label if value in Outcome.values else str(NOT_MARKED)


def _outcome_changes(record, previous) -> list[Change]:
    """A row of «Как выполнены задачи, поставленные на этот год» (reports.outcomes)."""
    item = _("Итог задачи %(number)s") % {"number": record.position}
    quote = Truncator(record.task_text).chars(90)
    if record.history_type == "+":
        return [Change(_("%(item)s: задача из прошлого отчёта добавлена в список") % {"item": item}, quote)]
    if record.history_type == "-":
        return [Change(_("%(item)s: задача убрана из списка") % {"item": item}, quote)]
    if previous is None:
        return []
    said = []
    if record.outcome != previous.outcome:
        said.append(
            _("%(item)s: %(old)s → %(new)s")
            % {"item": item, "old": _outcome(previous.outcome), "new": _outcome(record.outcome)}
        )
    if record.comment != previous.comment:
        said.append(_("%(item)s: пояснение изменено") % {"item": item})
    if record.task_text != previous.task_text:
        said.append(_("%(item)s: текст задачи обновлён по прошлому отчёту") % {"item": item})
    return [Change(text, quote) for text in said]


def report_history(report) -> list[Entry]:
    """The report's changes and its items', grouped per save, newest first."""
    lines = []  # (when, record id for a stable order, who, user id, changes)
    previous = None
    for record in report.history.select_related("history_user").order_by("history_date", "history_id"):
        lines.append((record.history_date, record.history_id, record, _report_changes(record, previous)))
        previous = record
    for section in SECTIONS:
        history = section.model.history.filter(report_id=report.pk).select_related("history_user")
        name = section.model._meta.model_name
        previous = None
        for record in history.order_by("id", "history_date", "history_id"):
            if previous is not None and previous.id != record.id:
                previous = None
            url = reverse(f"admin:reports_{name}_simple_history", args=[record.id, record.history_id])
            lines.append(
                (record.history_date, record.history_id, record, _item_changes(section, record, previous, url))
            )
            previous = record
    previous = None
    outcomes = TaskOutcome.history.filter(report_id=report.pk).select_related("history_user")
    for record in outcomes.order_by("id", "history_date", "history_id"):
        if previous is not None and previous.id != record.id:
            previous = None
        lines.append((record.history_date, record.history_id, record, _outcome_changes(record, previous)))
        previous = record
    lines.sort(key=lambda line: (line[0], line[1]))

    entries: list[Entry] = []
    for when, _id, record, changes in lines:
        if not changes:
            continue
        workflow = any(change.workflow for change in changes)
        last = entries[-1] if entries else None
        if (
            last is not None
            and not (workflow or last.workflow)
            and last.user_id == record.history_user_id
            and when - last.when <= SAME_SAVE
        ):
            last.changes.extend(changes)
            last.when = when
            continue
        entries.append(Entry(when, _who(record), record.history_user_id, list(changes), workflow))
    return entries[::-1]


class ReportHistoryPage:
    """ReportAdmin's «История правок» (through ReportPages): this page for a report the person may
    see; a deleted report's stored history stays simple-history's page (ScopedHistoryAdmin)."""

    def history_view(self, request, object_id, extra_context=None):
        self._object_id_or_404(object_id)
        if not self.has_view_permission(request):
            return super().history_view(request, object_id, extra_context)  # 403 without a role
        report = self.get_object(request, object_id)
        if report is None:  # deleted (or someone else's: 404 there, as for an id that never was)
            return super().history_view(request, object_id, extra_context)
        paginator = Paginator(report_history(report), PER_PAGE)
        page = paginator.get_page(request.GET.get("p"))
        return TemplateResponse(
            request,
            "admin/reports/report/history.html",
            self.page_context(
                request,
                report,
                title=_("История правок: %s") % report,
                page_obj=page,
                paginator=paginator,
                **(extra_context or {}),
            ),
        )
