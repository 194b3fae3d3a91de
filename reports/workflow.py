"""The editorial state machine of a report. Nothing else writes `Report.status`.

    draft ──submit──▶ submitted ──publish──▶ published ──withdraw──▶ withdrawn
      ▲                 │   ▲  │                  ▲                     │
      │      request_changes│  └─approve─▶ approved ─release (the day)──┘ │
      │                 ▼   │       (the campaign's common publication   │
      │         changes_requested    date is still ahead; campaigns/)    │
      └─────────────────────────────── return_to_draft ◀────────────────┘

With a common publication date ahead (`embargo_date`), the Association approves instead of
publishing; the job queue releases every approved report of the year on that date
(campaigns.tasks.publish_due), and a moderator may still publish one at once.

Each transition function runs in a transaction, locks the report row, checks
the state and the user's right, claims the next version (so a stale admin
form can no longer overwrite it), records who/when/comment plus a snapshot of
the whole report, and e-mails the other side once the transaction commits.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_association_editor

from . import notifications, publication
from .concurrency import claim_version
from .models import Report, ReportEvent
from .permissions import can_view_report, owns_municipality
from .snapshots import report_snapshot
from .status import Status

MUNICIPAL = "municipal"
ASSOCIATION = "association"
# The importer of archives, run by an operator from the command line (actor None).
SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    roles: frozenset
    comment_required: bool = False
    comment_label: str = ""
    confirm: str = ""
    button_class: str = "default"
    done: str = ""  # what happened, said after it did (%(report)s)
    # Asks, besides the comment for the other side, for an explanation shown to readers of the site.
    public_comment_label: str = ""
    # Offers remarks on each section and item of the report (reports/review_notes.py).
    takes_notes: bool = False
    # From `submitted`, only while the year's common publication date is ahead (True) or is not
    # (False); None: regardless of it. Other sources are not affected.
    embargo: bool | None = None


TRANSITIONS = {
    t.name: t
    for t in (
        Transition(
            "submit",
            _("Отправить на проверку"),
            frozenset({Status.DRAFT, Status.CHANGES_REQUESTED}),
            Status.SUBMITTED,
            frozenset({MUNICIPAL, ASSOCIATION}),
            comment_label=_("Комментарий для Ассоциации (необязательно)"),
            confirm=_("Отчёт уйдёт на проверку в Ассоциацию. Пока он на проверке, править его нельзя."),
            done=_("Отчёт «%(report)s» отправлен на проверку в Ассоциацию. Пока он на проверке, править его нельзя."),
        ),
        Transition(
            "recall",
            _("Отозвать с проверки"),
            frozenset({Status.SUBMITTED}),
            Status.DRAFT,
            frozenset({MUNICIPAL}),
            comment_label=_("Комментарий для Ассоциации (необязательно)"),
            confirm=_(
                "Отчёт вернётся в черновики, пока Ассоциация его не проверила: его можно будет исправить "
                "и отправить снова."
            ),
            done=_("Отчёт «%(report)s» отозван с проверки и снова черновик: исправьте его и отправьте снова."),
        ),
        Transition(
            "request_changes",
            _("Вернуть на доработку"),
            frozenset({Status.SUBMITTED, Status.APPROVED}),
            Status.CHANGES_REQUESTED,
            frozenset({ASSOCIATION}),
            comment_required=True,
            comment_label=_("Что нужно исправить (это увидит город)"),
            confirm=_("Отчёт вернётся городу с вашим комментарием."),
            button_class="warning",
            takes_notes=True,
            done=_("Отчёт «%(report)s» возвращён городу на доработку с вашим комментарием."),
        ),
        Transition(
            "publish",
            _("Опубликовать"),
            frozenset({Status.SUBMITTED, Status.APPROVED}),
            Status.PUBLISHED,
            frozenset({ASSOCIATION}),
            comment_label=_("Комментарий (необязательно)"),
            confirm=_("Отчёт сразу станет виден всем на сайте."),
            button_class="success",
            done=_("Отчёт «%(report)s» опубликован: он виден всем на сайте."),
            embargo=False,
        ),
        Transition(
            "approve",
            _("Одобрить"),
            frozenset({Status.SUBMITTED}),
            Status.APPROVED,
            frozenset({ASSOCIATION}),
            comment_label=_("Комментарий (необязательно)"),
            confirm=_(
                "Отчёт одобрен и будет опубликован в общий день публикации отчётов этого года, вместе с остальными."
            ),
            button_class="success",
            done=_("Отчёт «%(report)s» одобрен: он появится на сайте в общий день публикации."),
            embargo=True,
        ),
        Transition(
            "release",
            _("Опубликовать в общий день"),
            frozenset({Status.APPROVED}),
            Status.PUBLISHED,
            frozenset({SYSTEM}),
        ),
        Transition(
            "withdraw",
            _("Снять с публикации"),
            frozenset({Status.PUBLISHED}),
            Status.WITHDRAWN,
            frozenset({ASSOCIATION}),
            comment_required=True,
            comment_label=_("Причина (это увидит город)"),
            public_comment_label=_("Пояснение для читателей сайта (необязательно): его покажет прежний адрес отчёта"),
            confirm=_("Отчёт исчезнет с сайта."),
            button_class="danger",
            done=_("Отчёт «%(report)s» снят с публикации: на сайте его больше нет."),
        ),
        Transition(
            "return_to_draft",
            _("Вернуть в черновики"),
            frozenset({Status.WITHDRAWN}),
            Status.DRAFT,
            frozenset({MUNICIPAL, ASSOCIATION}),
            comment_label=_("Комментарий (необязательно)"),
            confirm=_("Отчёт снова станет черновиком, его можно будет исправить и отправить заново."),
            done=_("Отчёт «%(report)s» снова черновик: его можно исправить и отправить заново."),
        ),
        Transition(
            "publish_archive",
            _("Опубликовать архивный отчёт"),
            frozenset({Status.DRAFT}),
            Status.PUBLISHED,
            frozenset({SYSTEM}),
        ),
    )
}


class TransitionNotAllowed(PermissionDenied):
    """The user may not perform this transition on this report in its current state."""


class CommentRequired(ValidationError):
    pass


def user_roles_for(user, report) -> set[str]:
    if user is None:
        return {SYSTEM}
    roles = set()
    if is_association_editor(user):
        roles.add(ASSOCIATION)
    if owns_municipality(user, report.municipality_id):
        roles.add(MUNICIPAL)
    return roles


def embargo_date(report):
    """The common publication date still ahead that the report's year waits for, or None: the
    yearly collection's campaign decides (campaigns/)."""
    from campaigns.models import ReportingCampaign

    day = ReportingCampaign.objects.filter(year=report.year).values_list("publication_date", flat=True).first()
    return day if day is not None and day > timezone.localdate() else None


def _embargo_allows(t: Transition, report) -> bool:
    if t.embargo is None or report.status != Status.SUBMITTED:
        return True
    return (embargo_date(report) is not None) is t.embargo


def can_transition(user, report, name: str) -> bool:
    t = TRANSITIONS.get(name)
    return bool(
        t and report.status in t.sources and user_roles_for(user, report) & t.roles and _embargo_allows(t, report)
    )


def available_transitions(user, report) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if can_transition(user, report, t.name)]


def _apply(report: Report, user, name: str, comment: str = "", public_comment: str = "", notes=()) -> Report:
    t = TRANSITIONS[name]
    comment = (comment or "").strip()
    public_comment = (public_comment or "").strip() if t.public_comment_label else ""
    notes = list(notes) if t.takes_notes else []
    with transaction.atomic():
        locked = Report.objects.select_for_update().select_related("municipality").get(pk=report.pk)
        if user is not None and not can_view_report(user, locked):
            raise TransitionNotAllowed(_("Нет доступа к этому отчёту."))
        if not user_roles_for(user, locked) & t.roles:
            raise TransitionNotAllowed(_("Это действие вам недоступно."))
        if locked.status not in t.sources:
            raise TransitionNotAllowed(
                _("Действие «%(action)s» невозможно: отчёт в статусе «%(status)s».")
                % {"action": t.label, "status": locked.get_status_display()}
            )
        if not _embargo_allows(t, locked):
            raise TransitionNotAllowed(
                _("Действие «%(action)s» невозможно: у отчётов этого года общий день публикации.") % {"action": t.label}
                if t.embargo is False
                else _("Действие «%(action)s» невозможно: общего дня публикации впереди нет.") % {"action": t.label}
            )
        if t.comment_required and not (comment or notes):
            raise CommentRequired(_("Напишите комментарий: без него это действие не выполняется."))

        from_status = locked.status
        # Compare-and-set on the version: works on SQLite too, where SELECT … FOR UPDATE is a no-op.
        locked.version = claim_version(locked.pk, locked.version)
        locked.status = t.target
        now = timezone.now()
        fields = ["status", "version", "updated_at"]
        if t.target == Status.SUBMITTED:
            locked.submitted_at, locked.submitted_by = now, user
            fields += ["submitted_at", "submitted_by"]
        elif t.target == Status.PUBLISHED:
            locked.published_at, locked.published_by = now, user
            fields += ["published_at", "published_by"]
        locked._history_user = user
        locked.save(update_fields=fields)

        event = ReportEvent.objects.create(
            report=locked,
            transition=t.name,
            from_status=from_status,
            to_status=t.target,
            actor=user,
            actor_name=_actor_name(user),
            comment=comment,
            public_comment=public_comment,
            notes=notes,
            snapshot=report_snapshot(locked),
        )
        # Appears on or disappears from the site, in this transaction.
        publication.report_changed(locked, was_published=from_status == Status.PUBLISHED)
        transaction.on_commit(lambda: notifications.notify_transition(event.pk), robust=True)
    return locked


def _actor_name(user) -> str:
    if user is None:
        return str(_("система"))
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username


def submit(report, user, comment=""):
    return _apply(report, user, "submit", comment)


def recall(report, user, comment=""):
    """The city takes its submitted report back before the Association has acted on it."""
    return _apply(report, user, "recall", comment)


def request_changes(report, user, comment, notes=()):
    """`notes`: remarks on sections and items (review_notes.collect()); they count as the comment."""
    return _apply(report, user, "request_changes", comment, notes=notes)


def publish(report, user, comment=""):
    return _apply(report, user, "publish", comment)


def approve(report, user, comment=""):
    """Approved while the year's common publication date is ahead; released on that date."""
    return _apply(report, user, "approve", comment)


def release(report):
    """Publish an approved report on its year's common publication date (the job queue; no user)."""
    return _apply(report, None, "release")


def withdraw(report, user, comment, public_comment=""):
    """`public_comment`: what the report's former address tells readers (the comment is internal)."""
    return _apply(report, user, "withdraw", comment, public_comment=public_comment)


def return_to_draft(report, user, comment=""):
    return _apply(report, user, "return_to_draft", comment)


def publish_archive(report, comment=""):
    """Publish a report imported from an archive of already published reports (no user)."""
    return _apply(report, None, "publish_archive", comment)


def perform(report, user, name: str, comment: str = "", public_comment: str = "", notes=()) -> Report:
    """Dispatch by name (for the admin's workflow buttons); unknown names are refused."""
    if name not in TRANSITIONS or user is None:
        raise TransitionNotAllowed(_("Неизвестное действие."))
    return _apply(report, user, name, comment, public_comment=public_comment, notes=notes)
