"""The report form's fifth part: how the tasks set for this year turned out (reports.outcomes).

The rows come from the plan (reports.outcomes.plan.sync), never from the person: no row is added
or deleted by hand, the task's text is read-only, and only the outcome and a comment are written —
by whoever may edit the report (reports.permissions.can_edit_report), saved with the rest of the
form (ReportAdmin.save_formset), under the same optimistic lock.
"""

from django import forms
from django.contrib import admin
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import permissions
from ..outcomes.models import TaskOutcome
from .forms import PlainTextForm

PREFIX = "outcomes"  # the formset's prefix (TaskOutcome.report's related_name)


class OutcomeRowForm(PlainTextForm):
    class Meta:
        model = TaskOutcome
        fields = ("outcome", "comment")
        widgets = {"comment": forms.Textarea(attrs={"rows": 2, "cols": 50, "class": "outcome-comment"})}
        help_texts = {
            "outcome": _("Что стало с задачей к концу года. Не знаете — оставьте «итог не указан»."),
            "comment": _("Необязательно: коротко, что сделано или почему нет."),
        }

    def __init__(self, *args, reviewer_notes=None, **kwargs):
        # reviewer_notes: given to every row form of the report form (ReportAdmin.get_formset_kwargs);
        # the remarks of a return are about the four sections' items, not these rows.
        super().__init__(*args, **kwargs)
        field = self.fields["outcome"]
        field.choices = [("", _("— итог не указан —")), *[c for c in field.choices if c[0]]]


class OutcomeInline(admin.TabularInline):
    model = TaskOutcome
    form = OutcomeRowForm
    fields = ("task_display", "outcome", "comment")
    readonly_fields = ("task_display",)
    extra = 0
    can_delete = False
    classes = ("report-section", "outcome-section")
    verbose_name = _("итог задачи")
    verbose_name_plural = _("5. Как выполнены задачи, поставленные на этот год")

    class Media:
        css = {"all": ["admin_portal/outcomes.css"]}

    @admin.display(description=_("задача"))
    def task_display(self, obj):
        if obj is None or obj.pk is None:
            return ""
        task = obj.task
        if task is None:
            source = _("задача удалена из прошлого отчёта; итог сохранён")
        else:
            source = _("из отчёта за %(year)s год") % {"year": task.report.year}
        return format_html(
            '<span class="outcome-task">{}</span><span class="outcome-source">{}</span>',
            linebreaksbr(obj.task_text),
            source,
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("task__report")

    # The rows follow their report's rules (the parent `obj` decides), and come only from the plan.
    def has_view_permission(self, request, obj=None):
        return permissions.can_view_report(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is not None and permissions.can_edit_report(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return False


def shows_outcomes(request, report) -> bool:
    """Whether the report form has the fifth part: the report has outcome rows (the plan made them),
    and — when a form is posted — the form that was shown had it too (rows made since, by someone
    else opening the report, are not in this form: the rest of it is still saved)."""
    if report is None or report.pk is None or not report.outcomes.exists():
        return False
    return request.method != "POST" or f"{PREFIX}-TOTAL_FORMS" in request.POST
