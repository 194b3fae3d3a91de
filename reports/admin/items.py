"""Lists of report items across reports — e.g. every request to the Association,
by kind and year, which is what the Association plans its year from.

Items are added in their report's form; here they can be found, read, edited
and reverted from history under exactly the report's rules.
"""

from django.contrib import admin
from django.db.models import F
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_association_editor
from themes import assign as theme_assign

from .. import permissions, publication
from ..concurrency import StaleReportError, claim_version
from ..models import Achievement, Problem, Proposal, Report, Task
from .filters import scoped_filters
from .forms import ItemForm
from .history import ScopedHistoryAdmin
from .report import status_badge


def _report_of(obj):
    if obj is None:
        return None
    try:
        return obj.report
    except Report.DoesNotExist:  # a history record of an item whose report was deleted
        return None


class ItemAdmin(ScopedHistoryAdmin):
    form = ItemForm
    list_display = ("short_text", "report_link", "report_status", "position")
    list_select_related = ("report__municipality",)
    list_filter = scoped_filters("report__")
    search_fields = ("text", "report__municipality__name")
    readonly_fields = ("report_link",)
    fields = ("report_link", "position", "text")
    actions = None
    list_per_page = 50
    ordering = ("-report__year", "report__municipality__name", "position")
    # Both render the form's hidden expected_version, which the admin's fieldsets leave out.
    change_form_template = "admin/reports/item_change_form.html"
    object_history_form_template = "admin/reports/item_history_form.html"

    @admin.display(description=_("текст"))
    def short_text(self, obj):
        return str(obj)

    @admin.display(description=_("отчёт"), ordering="report__year")
    def report_link(self, obj):
        report = _report_of(obj)
        if report is None:
            return "—"
        return format_html('<a href="{}">{}</a>', report.get_admin_url(), report)

    @admin.display(description=_("статус отчёта"))
    def report_status(self, obj):
        return status_badge(obj.report.status, obj.report.get_status_display())

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        q = permissions.visible_report_q(request.user, "report__")
        return qs if q is None else qs.filter(q)

    def has_module_permission(self, request):
        # The lists of items across reports are the Association's tool (all tasks of a year, every
        # request to it); a city writes its items in its report's form, and the menu stays short.
        return (
            super().has_module_permission(request)
            and permissions.can_view_report(request.user, None)
            and is_association_editor(request.user)
        )

    def has_view_permission(self, request, obj=None):
        if obj is not None and _report_of(obj) is None:
            return False
        return super().has_view_permission(request, obj) and permissions.can_view_report(request.user, _report_of(obj))

    def has_add_permission(self, request):
        return False  # items are added in their report's form

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request) and permissions.can_view_report(request.user, None)
        report = _report_of(obj)
        return (
            report is not None
            and super().has_change_permission(request, obj)
            and (permissions.can_edit_report(request.user, report))
        )

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleReportError:
            return super().changeform_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        try:
            return super().history_form_view(request, object_id, version_id, extra_context)
        except StaleReportError:
            return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        # The item stays in its report whatever a history record says, and the
        # report's version moves on, so a stale report form cannot overwrite this.
        current = type(obj).objects.filter(pk=obj.pk).values_list("report_id", flat=True).first()
        if current is not None:
            obj.report_id = current
        if obj.report_id is None or not permissions.can_edit_report(request.user, _report_of(obj)):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        claim_version(obj.report_id, form.cleaned_data.get("expected_version"))
        obj._history_user = request.user
        obj.save()
        if "text" in form.changed_data:
            theme_assign.suggest([obj])  # unless the Association confirmed its themes
        publication.report_changed(Report.objects.get(pk=obj.report_id))

    def delete_model(self, request, obj):
        Report.objects.filter(pk=obj.report_id).update(version=F("version") + 1)
        obj._history_user = request.user
        super().delete_model(request, obj)
        publication.report_changed(Report.objects.get(pk=obj.report_id))


@admin.register(Achievement)
class AchievementAdmin(ItemAdmin):
    pass


@admin.register(Problem)
class ProblemAdmin(ItemAdmin):
    pass


@admin.register(Task)
class TaskAdmin(ItemAdmin):
    list_display = ("short_text", "year", "report_link", "report_status")
    fields = ("report_link", "position", "year", "text")


@admin.register(Proposal)
class ProposalAdmin(ItemAdmin):
    list_display = ("short_text", "kind", "report_link", "report_status")
    list_filter = [("kind", admin.ChoicesFieldListFilter), *scoped_filters("report__")]
    fields = ("report_link", "position", "kind", "text")
