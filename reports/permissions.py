"""Who may see and do what with reports — the only place that decides it.

Every caller (admin querysets and select boxes, history pages, workflow,
exports, views) asks here, both "may this user do X to this report?" and
"which reports/municipalities may this user see or edit?".

Rules:
- association editors (and superusers) see every report and municipality;
  they may edit any report that is not withdrawn;
- municipal editors see only the reports of their own municipalities, and
  edit them only while they are drafts or returned for changes;
- only drafts can be deleted;
- a report's content is replaced from an uploaded file only by someone who may edit it, and only
  while the city may edit it too (a draft or a report returned for changes) — never a submitted,
  published or withdrawn one, whose content the workflow has moved past the city's hands;
- anyone else sees nothing in the back office.
"""

from django.db.models import Q

from accounts.roles import is_association_editor, is_municipal_editor

from .models import Municipality, Report
from .status import Status

MUNICIPAL_EDITABLE = (Status.DRAFT, Status.CHANGES_REQUESTED)
REPLACEABLE_FROM_FILE = MUNICIPAL_EDITABLE
ASSOCIATION_EDITABLE = (Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.CHANGES_REQUESTED, Status.PUBLISHED)


def municipality_ids(user) -> set[int]:
    """Ids of the municipalities a municipal editor is bound to (cached per user object)."""
    ids = getattr(user, "_report_municipality_ids", None)
    if ids is None:
        ids = set(user.municipalities.values_list("id", flat=True)) if user.pk else set()
        user._report_municipality_ids = ids
    return ids


# --- "which ones?" -------------------------------------------------------------------------


def visible_municipalities(user):
    if is_association_editor(user):
        return Municipality.objects.all()
    if is_municipal_editor(user):
        return Municipality.objects.filter(id__in=municipality_ids(user))
    return Municipality.objects.none()


def visible_reports(user, queryset=None):
    qs = Report.objects.all() if queryset is None else queryset
    if is_association_editor(user):
        return qs
    if is_municipal_editor(user):
        return qs.filter(municipality_id__in=municipality_ids(user))
    return qs.none()


def visible_report_q(user, prefix: str = "") -> Q | None:
    """A Q for querysets of related models (items, events); None means "everything"."""
    if is_association_editor(user):
        return None
    if is_municipal_editor(user):
        return Q(**{f"{prefix}municipality_id__in": municipality_ids(user)})
    return Q(pk__in=[])


def editable_municipalities(user):
    """Municipalities a user may create reports for."""
    return visible_municipalities(user)


# --- "may this user…?" -----------------------------------------------------------------------


def owns_municipality(user, municipality_id) -> bool:
    return is_municipal_editor(user) and municipality_id in municipality_ids(user)


def can_view_report(user, report) -> bool:
    if report is None:
        return is_association_editor(user) or is_municipal_editor(user)
    return is_association_editor(user) or owns_municipality(user, report.municipality_id)


def can_add_report(user) -> bool:
    return is_association_editor(user) or (is_municipal_editor(user) and bool(municipality_ids(user)))


def can_edit_report(user, report) -> bool:
    """Edit the report's fields and its items (achievements, problems, tasks, proposals)."""
    if report is None:
        return can_add_report(user)
    if is_association_editor(user):
        return report.status in ASSOCIATION_EDITABLE
    if owns_municipality(user, report.municipality_id):
        return report.status in MUNICIPAL_EDITABLE
    return False


def can_replace_from_file(user, report) -> bool:
    """Replace the whole content of an existing report with an uploaded document (the upload page)."""
    return report.status in REPLACEABLE_FROM_FILE and can_edit_report(user, report)


def can_delete_report(user, report) -> bool:
    if report is None:
        return is_association_editor(user) or is_municipal_editor(user)
    return report.status == Status.DRAFT and can_edit_report(user, report)


def can_manage_municipalities(user) -> bool:
    return is_association_editor(user)


def can_manage_users(user) -> bool:
    return is_association_editor(user)
