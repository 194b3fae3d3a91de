"""The back office: Django's admin, with a start page that shows people their work."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.db.models import Count
from django.http import Http404
from django.urls import path
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

    def get_urls(self):
        urls = super().get_urls()
        return [
            path("r/<int:content_type_id>/<path:object_id>/", self.admin_view(self.view_on_site), name="view_on_site")
            if getattr(url, "name", None) == "view_on_site"
            else url
            for url in urls
        ]

    def view_on_site(self, request, content_type_id, object_id):
        """Django's «view on site» redirect, only for an object this person may see in the back
        office (its ModelAdmin's get_queryset() and has_view_permission()): the redirect itself
        names the city and year, so another city's draft is a 404 like its change page."""
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist:
            raise Http404 from None
        model_admin = self._registry.get(model)
        obj = model_admin.get_object(request, unquote(object_id)) if model_admin is not None else None
        if obj is None or not model_admin.has_view_permission(request, obj):
            raise Http404
        return shortcut(request, content_type_id, object_id)

    def login(self, request, extra_context=None):
        """Before the password is checked: a name and address that must wait get the wait page
        (accounts/throttle.py), however right the password."""
        if request.method == "POST":
            from accounts import throttle
            from accounts.auth_views import lockout_response

            username, address = request.POST.get("username"), throttle.client_address(request)
            wait = throttle.current_wait(username, address)
            if wait is not None:
                return lockout_response(request, wait)
            response = super().login(request, extra_context)
            if response.status_code == 200 and (wait := throttle.current_wait(username, address)):
                return lockout_response(request, wait)  # this failure was the one too many
            return response
        return super().login(request, extra_context)

    def index(self, request, extra_context=None):
        from campaigns.progress import for_city_editor
        from reports import permissions
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
            context["my_municipalities"] = municipalities = list(visible_municipalities(user))
            # The year reports are written for now: the last one. The button offers it only to a
            # municipality without a report for it; one that has one gets a link to it instead.
            year = timezone.localdate().year - 1
            written = {r.municipality_id: r for r in reports.filter(year=year)}
            context["reporting_year"] = year
            context["to_write"] = [m for m in municipalities if m.pk not in written]
            context["written_this_year"] = [(r, permissions.can_edit_report(user, r)) for r in written.values()]
            context["several_municipalities"] = len(municipalities) > 1
            # The yearly collection: what to do now, per open campaign (campaigns/progress.py).
            context["campaign_tasks"] = tasks = for_city_editor(municipalities, timezone.localdate())
            # A campaign's panel says it all for its year and city: not the lines above again.
            in_campaign = {(t.row.municipality.pk, t.campaign.year) for t in tasks}
            context["to_write"] = [m for m in context["to_write"] if (m.pk, year) not in in_campaign]
            context["written_this_year"] = [
                (r, editable)
                for r, editable in context["written_this_year"]
                if (r.municipality_id, year) not in in_campaign
            ]
            context["is_municipal"] = True
        context.update(extra_context or {})
        return super().index(request, context)
