"""The Association's side of the yearly collection in the back office: members, campaigns, and
each campaign's progress page (every member city in one table)."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.admin_access import AssociationOnly
from reports import workflow
from reports.models import Report
from reports.status import Status

from . import collection, progress
from .models import Membership, ReportingCampaign
from .reminders import remind_now


@admin.register(Membership)
class MembershipAdmin(AssociationOnly, admin.ModelAdmin):
    list_display = ("municipality", "since", "until")
    list_filter = ("municipality__region",)
    search_fields = ("municipality__name",)
    autocomplete_fields = ("municipality",)


@admin.register(ReportingCampaign)
class ReportingCampaignAdmin(AssociationOnly, admin.ModelAdmin):
    list_display = ("__str__", "opens_on", "deadline", "publication_date", "progress_link")
    fields = ("year", "opens_on", "deadline", "instructions", "publication_date", "closed_on")
    actions = ["open_selected"]

    @admin.display(description=gettext_lazy("ход сбора"))
    def progress_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:campaigns_reportingcampaign_progress", args=[obj.pk]),
            _("Открыть таблицу городов"),
        )

    @admin.action(description=gettext_lazy("Открыть выбранные кампании: черновики и приглашения городам"))
    def open_selected(self, request, queryset):
        today = timezone.localdate()
        for campaign in queryset:
            self._report_opening(request, campaign, collection.open_campaign(campaign, today), today)

    def _report_opening(self, request, campaign, result, today):
        if not campaign.is_open_on(today):
            self.message_user(
                request,
                _("Кампания «%(campaign)s» откроется %(day)s: приглашения уйдут в тот день.")
                % {"campaign": campaign, "day": campaign.opens_on.strftime("%d.%m.%Y")},
                messages.WARNING,
            )
            return
        self.message_user(
            request,
            _("Кампания «%(campaign)s»: новых черновиков — %(drafts)d, приглашено городов — %(invited)d.")
            % {"campaign": campaign, "drafts": len(result.drafts), "invited": len(result.invited)},
            messages.SUCCESS,
        )
        if result.no_contact:
            self.message_user(
                request,
                _("Нет адреса ни у одного редактора: %s.") % ", ".join(m.name for m in result.no_contact),
                messages.WARNING,
            )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="campaigns_reportingcampaign_progress",
            ),
        ] + super().get_urls()

    def progress_view(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        campaign = self.get_object(request, unquote(object_id))
        if campaign is None:
            raise Http404
        today = timezone.localdate()
        if request.method == "POST":
            return self._progress_action(request, campaign, today)
        all_rows = progress.rows(campaign, today)
        region, state = request.GET.get("region", ""), request.GET.get("state", "")
        shown = [
            r for r in all_rows if (not region or r.municipality.region == region) and (not state or r.state == state)
        ]
        days = progress.days_left(campaign, today)
        waiting = sorted(
            (r for r in all_rows if r.report is not None and r.report.status == "submitted"),
            key=lambda r: r.report.submitted_at,
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Ход сбора: %s") % campaign,
            "campaign": campaign,
            "rows": shown,
            "total": len(all_rows),
            "handed_in": sum(r.handed_in for r in all_rows),
            "counts": [
                (key, label, sum(r.state == key for r in all_rows)) for key, label in progress.STATE_LABELS.items()
            ],
            "regions": sorted({r.municipality.region for r in all_rows if r.municipality.region}),
            "region": region,
            "state": state,
            "days": days,
            "overdue": -days,
            "waiting": [(r, (timezone.now() - r.report.submitted_at).days) for r in waiting],
            "no_contact": [r for r in all_rows if not r.contacts],
            "is_open": campaign.is_open_on(today),
            "approved": any(r.state == Status.APPROVED for r in all_rows),
        }
        return TemplateResponse(request, "admin/campaigns/progress.html", context)

    def _progress_action(self, request, campaign, today):
        back = HttpResponseRedirect(request.get_full_path())
        if request.POST.get("action") == "open":
            self._report_opening(request, campaign, collection.open_campaign(campaign, today), today)
            return back
        action = request.POST.get("action")
        if action not in ("remind", "publish"):
            return back
        ids = {int(pk) for pk in request.POST.getlist("municipality") if pk.isdigit()}
        if not ids:
            self.message_user(request, _("Отметьте города в таблице."), messages.WARNING)
            return back
        if action == "publish":
            return self._publish_approved(request, campaign, ids, back)
        sent, skipped = remind_now(campaign, ids, today)
        if sent:
            self.message_user(
                request,
                ngettext("Напоминание отправлено %(n)d городу.", "Напоминание отправлено %(n)d городам.", len(sent))
                % {"n": len(sent)},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                _("Не напомнили (отчёт уже сдан, сегодня уже напоминали или нет адреса): %s.")
                % ", ".join(m.name for m in skipped),
                messages.WARNING,
            )
        return back

    def _publish_approved(self, request, campaign, ids, back):
        """«Опубликовать выбранные одобренные»: each through the workflow, as the moderator."""
        published, skipped = [], []
        reports = Report.objects.filter(year=campaign.year, municipality_id__in=ids).select_related("municipality")
        for report in reports:
            if report.status != Status.APPROVED or not workflow.can_transition(request.user, report, "publish"):
                skipped.append(report.municipality)
                continue
            workflow.publish(report, request.user)
            published.append(report)
        if published:
            self.message_user(
                request,
                ngettext("Опубликован %(n)d отчёт.", "Опубликовано %(n)d отчётов.", len(published))
                % {"n": len(published)},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                _("Не опубликованы (отчёт не одобрен): %s.") % ", ".join(m.name for m in skipped),
                messages.WARNING,
            )
        return back
