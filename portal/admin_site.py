"""The back office: Django's admin, with a start page that shows people their work."""

from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_association_editor, is_municipal_editor, role_label


class PortalAdminSite(admin.AdminSite):
    site_header = _("Отчёты городов АСДГ — рабочий кабинет")
    site_title = _("Кабинет портала отчётов")
    index_title = _("Рабочий стол")
    index_template = "admin/portal_index.html"

    # The order officials look for things in, instead of the alphabet.
    MODEL_ORDER = ["Report", "Proposal", "Task", "Achievement", "Problem", "Municipality", "User"]

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        rank = {name: i for i, name in enumerate(self.MODEL_ORDER)}
        for app in apps:
            app["models"].sort(key=lambda m: rank.get(m["object_name"], len(rank)))
        return apps

    def index(self, request, extra_context=None):
        from reports.permissions import visible_municipalities, visible_reports
        from reports.status import Status

        user = request.user
        context = {"role_label": role_label(user)}
        reports = visible_reports(user).select_related("municipality").order_by("-year", "municipality__name")
        if is_association_editor(user):
            context["review_queue"] = list(reports.filter(status=Status.SUBMITTED).order_by("submitted_at")[:50])
            counts = dict(reports.values_list("status").annotate(n=Count("id")).order_by())
            context["status_counts"] = [(s, counts.get(s.value, 0)) for s in Status]
            context["is_association"] = True
        elif is_municipal_editor(user):
            context["my_reports"] = list(reports[:100])
            context["my_municipalities"] = list(visible_municipalities(user))
            context["next_year_to_report"] = timezone.localdate().year - 1
            context["is_municipal"] = True
        context.update(extra_context or {})
        return super().index(request, context)
