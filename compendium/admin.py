"""The compendiums in the back office (the Association's editors only): the foreword of each
year, and each year's files — when built, from how many reports, how large — with «Пересобрать»."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin_access import AssociationOnly

from . import build, locks, schedule
from .models import BuildState, CompendiumFile, Foreword


@admin.register(Foreword)
class ForewordAdmin(AssociationOnly, admin.ModelAdmin):
    list_display = ("year", "title", "updated_at")
    fields = ("year", "title", "text", "signature")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        years = {obj.year}
        if change and "year" in form.changed_data:
            years.add(form.initial["year"])  # moved to another year: that one loses it
        schedule.request_rebuild(*years)
        self.message_user(request, _("Сборник за %(year)s год обновится через несколько минут.") % {"year": obj.year})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        schedule.request_rebuild(obj.year)


@admin.register(BuildState)
class CompendiumAdmin(AssociationOnly, admin.ModelAdmin):
    """One row per year: its files and the «Пересобрать» button (POST with the changelist form's
    CSRF token)."""

    list_display = ("year", "pdf_file", "docx_file", "state", "rebuild_button")
    list_display_links = None
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-year")

    def changelist_view(self, request, extra_context=None):
        self._files = {(f.year, f.format): f for f in CompendiumFile.objects.all()}
        return super().changelist_view(request, extra_context)

    def _file(self, obj, fmt):
        record = self._files.get((obj.year, fmt))
        if record is None:
            return _("не собран")
        return format_html(
            '<a href="{}">{}</a><br>{}',
            reverse(f"compendium:{fmt}", args=[obj.year]),
            _("собран %(when)s") % {"when": date_format(localtime(record.built_at), "j E Y, H:i")},
            _("отчётов: %(n)s, %(size)s КБ, %(seconds)s с")
            % {"n": record.report_count, "size": record.size // 1024, "seconds": round(record.seconds)},
        )

    @admin.display(description="PDF")
    def pdf_file(self, obj):
        return self._file(obj, "pdf")

    @admin.display(description="DOCX")
    def docx_file(self, obj):
        return self._file(obj, "docx")

    @admin.display(description=gettext_lazy("состояние"))
    def state(self, obj):
        lines = []
        if obj.lease_until and obj.lease_until >= localtime():
            lines.append(_("собирается сейчас"))
        elif obj.pending:
            lines.append(_("ждёт пересборки (после публикаций)"))
        else:
            lines.append(_("актуален"))
        if obj.last_error:
            lines.append(_("последняя сборка не удалась: %(error)s") % {"error": obj.last_error[:200]})
        return format_html_join("", "<div>{}</div>", ((line,) for line in lines))

    @admin.display(description=gettext_lazy("пересборка"))
    def rebuild_button(self, obj):
        return format_html(
            '<button type="submit" class="button" formmethod="post" formaction="{}">{}</button>',
            reverse("admin:compendium_buildstate_rebuild", args=[obj.year]),
            _("Пересобрать"),
        )

    def get_urls(self):
        return [
            path(
                "<int:year>/rebuild/",
                self.admin_site.admin_view(self.rebuild_view),
                name="compendium_buildstate_rebuild",
            ),
            *super().get_urls(),
        ]

    def rebuild_view(self, request, year):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        back = HttpResponseRedirect(reverse("admin:compendium_buildstate_changelist"))
        if not build.published_stamps(year) and not CompendiumFile.objects.filter(year=year).exists():
            self.message_user(
                request, _("За %(year)s год опубликованных отчётов нет.") % {"year": year}, messages.ERROR
            )
            return back
        with transaction.atomic():
            schedule.request_rebuild(year)
        if schedule.background():
            if not locks.is_building(year):
                schedule.dispatch(year, None, countdown=0)
            self.message_user(request, _("Сборник за %(year)s год поставлен в очередь на пересборку.") % {"year": year})
            return back
        try:
            build.build_now(year)
        except locks.Busy:
            self.message_user(request, _("Сборник за %(year)s год уже собирается.") % {"year": year}, messages.WARNING)
        else:
            self.message_user(request, _("Сборник за %(year)s год пересобран.") % {"year": year}, messages.SUCCESS)
        return back
