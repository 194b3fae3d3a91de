from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .. import permissions, publication
from ..models import Municipality
from .forms import PlainTextForm
from .history import ScopedHistoryAdmin


@admin.register(Municipality)
class MunicipalityAdmin(ScopedHistoryAdmin):
    form = PlainTextForm
    list_display = ("name", "region", "website", "report_count")
    list_filter = ("region",)
    search_fields = ("name", "region")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "region", "website")
    actions = None
    formfield_overrides = {models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}}

    @admin.display(description=_("отчётов"), ordering="report_count")
    def report_count(self, obj):
        return obj.report_count

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Names, regions and websites show on the pages of its published reports (a new city, or
        # one without published reports, shows nowhere; one with reports cannot be deleted).
        publication.municipality_changed(obj.pk)

    def get_queryset(self, request):
        qs = super().get_queryset(request).annotate(report_count=Count("reports"))
        return qs.filter(pk__in=permissions.visible_municipalities(request.user).values("pk"))

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or permissions.visible_municipalities(request.user).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return super().has_add_permission(request) and permissions.can_manage_municipalities(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and permissions.can_manage_municipalities(request.user)

    def has_delete_permission(self, request, obj=None):
        # A municipality with reports cannot be deleted (the FK protects it too).
        if obj is not None and obj.reports.exists():
            return False
        return super().has_delete_permission(request, obj) and permissions.can_manage_municipalities(request.user)
