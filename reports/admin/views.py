"""Extra pages of the report admin: workflow actions and whole-report versions.

They are methods of ReportAdmin (ReportPages), so they share its admin site, queryset and
permission checks; get_urls wraps them in admin_view (login, staff, CSRF).
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import notifications, permissions, workflow
from ..models import Report
from ..status import Status
from .forms import TransitionForm
from .report_history import ReportHistoryPage
from .versions import VersionPages


def status_hint(user, report) -> str:
    """One sentence telling the person what happens next with this report."""
    editable = permissions.can_edit_report(user, report)
    hints = {
        Status.DRAFT: _("Черновик: заполните разделы и отправьте отчёт на проверку."),
        Status.CHANGES_REQUESTED: _(
            "Ассоциация вернула отчёт на доработку — см. комментарий в истории ниже, исправьте и отправьте снова."
        ),
        Status.SUBMITTED: _("Отчёт на проверке в Ассоциации. Пока он на проверке, город не может его править."),
        Status.APPROVED: _("Отчёт одобрен Ассоциацией и появится на сайте в общий день публикации отчётов этого года."),
        Status.PUBLISHED: _("Отчёт опубликован и виден всем на сайте."),
        Status.WITHDRAWN: _("Отчёт снят с публикации. Чтобы исправить, верните его в черновики."),
    }
    hint = hints[report.status]
    if not editable and report.status in (Status.DRAFT, Status.CHANGES_REQUESTED, Status.PUBLISHED):
        hint += " " + _("Вам он доступен только для просмотра.")
    return hint


class ReportPages(VersionPages, ReportHistoryPage):
    """The report admin's own pages (ReportAdmin inherits them): workflow transitions, versions and
    their comparison. Each finds its report as Django's change view does — through
    get_queryset(request), so a report this user may not see is a 404 — after the model permission
    (403 without a role)."""

    def report_or_404(self, request, object_id) -> Report:
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = self.get_object(request, unquote(object_id))
        if report is None:
            raise Http404
        return report

    def page_context(self, request, report, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": report,
            "report": report,
            "has_view_permission": True,
            **extra,
        }

    def transition_view(self, request, object_id, name):
        report = self.report_or_404(request, object_id)
        transition = workflow.TRANSITIONS.get(name)
        if transition is None:
            raise Http404
        if not workflow.can_transition(request.user, report, name):
            raise PermissionDenied
        form = TransitionForm(request.POST or None, transition=transition, report=report)
        if request.method == "POST" and form.is_valid():
            report = workflow.perform(
                report,
                request.user,
                name,
                form.cleaned_data["comment"],
                public_comment=form.cleaned_data.get("public_comment", ""),
                notes=form.notes(),
            )
            said = [transition.done % {"report": report}]
            # Who was told: the e-mails went out when the transition committed (reports/notifications.py).
            told = len(notifications.recipients_for(report.events.select_related("report").latest("created_at", "pk")))
            if told:
                said.append(
                    ngettext(
                        "Письмо об этом отправлено %(n)s человеку.", "Письмо об этом отправлено %(n)s людям.", told
                    )
                    % {"n": told}
                )
            messages.success(request, " ".join(said))
            return HttpResponseRedirect(reverse("admin:reports_report_change", args=[report.pk]))
        return TemplateResponse(
            request,
            "admin/reports/report/transition.html",
            self.page_context(request, report, title=transition.label, transition=transition, form=form),
        )
