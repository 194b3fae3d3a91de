from django import forms
from django.contrib import admin, messages
from django.db import IntegrityError
from django.http import HttpResponseRedirect
from django.template.defaultfilters import linebreaksbr
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_association_editor
from themes import assign as theme_assign
from themes.forms import ThemePickField, initial_pick
from themes.models import Theme

from .. import permissions, publication, review_notes, workflow
from ..concurrency import StaleReportError, claim_version
from ..models import ITEM_MODELS, SECTION_BY_KEY, SECTIONS, Report, Task
from ..outcomes import plan
from ..outcomes.models import TaskOutcome
from . import views
from .filters import scoped_filters
from .forms import PlainTextForm, ReportForm
from .history import ScopedHistoryAdmin
from .outcomes import OutcomeInline, shows_outcomes
from .preview import PreviewPage
from .upload import UploadPages


class NotedTextarea(forms.Textarea):
    """An item's text box with the Association's remarks on that item under it (review_notes)."""

    notes = ()

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        remarks = format_html_join(
            "",
            '<div class="reviewer-note" role="note"><strong>{}</strong> {}</div>',
            ((_("Замечание Ассоциации:"), linebreaksbr(note)) for note in self.notes),
        )
        return html + remarks


TEXTAREA = NotedTextarea(attrs={"rows": 3, "cols": 90, "class": "item-text"})
POSITION = forms.NumberInput(attrs={"class": "narrow-number", "min": 0})


class ItemRowForm(PlainTextForm):
    """One item row of the report form; shows the remarks of the return under the item's text."""

    def __init__(self, *args, reviewer_notes=None, **kwargs):
        super().__init__(*args, **kwargs)
        notes = (reviewer_notes or {}).get(self.instance.pk) if self.instance.pk else None
        widget = self.fields["text"].widget if "text" in self.fields else None
        if notes and isinstance(widget, NotedTextarea):
            widget.notes = notes  # the field (and its widget) is this form's own copy


class ItemThemesRowForm(ItemRowForm):
    """An item row as the Association's editors see it: with the item's themes (themes.forms)."""

    themes_pick = ThemePickField()

    def __init__(self, *args, theme_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["themes_pick"]
        field.choices = [*theme_choices, *field.choices[-1:]]  # the themes, then «темы проверены»
        self.initial.setdefault("themes_pick", initial_pick(self.instance))


def status_badge(status: str, label) -> str:
    return format_html('<span class="status-badge status-{}">{}</span>', status, label)


class ItemInline(admin.TabularInline):
    form = ItemRowForm
    extra = 0
    fields = ("position", "text")
    classes = ("report-section",)

    class Media:
        css = {"all": ["admin_portal/themes.css"]}
        js = ["admin_portal/themes.js"]

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None else 0

    # The themes of items: the Association's editors check them while reviewing (themes.assign).
    # A report they may not edit now (approved, say) shows the themes as text.
    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not is_association_editor(request.user):
            return fields
        return (*fields, "themes_pick" if self.has_change_permission(request, obj) else "themes_shown")

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "themes_shown")

    @admin.display(description=_("Темы"))
    def themes_shown(self, item):
        names = [theme.name for theme in item.themes.all()] if item.pk else []
        mark = _("проверены") if item.themes_confirmed else _("подобраны по тексту")
        return format_html('{} <span class="theme-pick-state">{}</span>', ", ".join(names) or "—", mark)

    def get_formset(self, request, obj=None, **kwargs):
        if is_association_editor(request.user) and self.has_change_permission(request, obj):
            kwargs["form"] = ItemThemesRowForm
        return super().get_formset(request, obj, **kwargs)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.prefetch_related("themes") if is_association_editor(request.user) else queryset

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":
            kwargs["widget"] = TEXTAREA
        elif db_field.name == "position":
            # Empty for new rows: the order is numbered 1..n on save (see ReportAdmin.save_formset).
            kwargs.update(widget=POSITION, required=False, initial=None)
        elif db_field.name == "year":
            kwargs["widget"] = forms.NumberInput(attrs={"class": "year-number"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    # Items follow their report's rules: the parent `obj` decides.
    def has_view_permission(self, request, obj=None):
        return permissions.can_view_report(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return permissions.can_edit_report(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return permissions.can_edit_report(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return permissions.can_edit_report(request.user, obj)


def section_inline(number: int, section) -> type[ItemInline]:
    """The rows of one section on the report form, headed "1. Что удалось сделать за год …"."""
    return type(
        f"{section.model.__name__}Inline",
        (ItemInline,),
        {
            "model": section.model,
            "fields": ("position", *section.layout),
            "verbose_name_plural": format_lazy("{}. {}", number, section.admin_label),
        },
    )


SECTION_INLINES = [section_inline(number, section) for number, section in enumerate(SECTIONS, 1)]


@admin.register(Report)
class ReportAdmin(views.ReportPages, PreviewPage, UploadPages, ScopedHistoryAdmin):
    form = ReportForm
    # The four sections, then how the tasks set for this year turned out (shown when there are any).
    inlines = [*SECTION_INLINES, OutcomeInline]
    # Fits 1280 px beside the menu and the filters (issue 14, item 6): the report's name carries its
    # year (and, for whoever sees several regions, the region under it), the dates are short.
    list_display = ("report_title", "status_label", "updated_short", "published_short")
    list_display_links = ("report_title",)
    list_filter = scoped_filters()
    list_select_related = ("municipality",)
    search_fields = ("municipality__name", "municipality__region")
    ordering = ("-year", "municipality__name")
    list_per_page = 50
    actions = None  # bulk delete would bypass "only drafts can be deleted"
    change_form_template = "admin/reports/report/change_form.html"
    history_list_display = ["status"]
    save_on_top = True

    def get_list_display(self, request):
        # The region is worth a line only to someone who sees reports of several regions.
        regions = permissions.visible_municipalities(request.user).order_by().values("region").distinct()
        if regions[:2].count() > 1:
            return ("report_title_and_region", *self.list_display[1:])
        return self.list_display

    def get_list_display_links(self, request, list_display):
        return (list_display[0],)

    @admin.display(description=_("отчёт"), ordering="municipality__name")
    def report_title(self, obj):
        return str(obj)

    @admin.display(description=_("отчёт"), ordering="municipality__name")
    def report_title_and_region(self, obj):
        return format_html('{}<span class="report-region">{}</span>', obj, obj.municipality.region)

    @admin.display(description=_("изменён"), ordering="updated_at")
    def updated_short(self, obj):
        when = timezone.localtime(obj.updated_at)
        return format_html(
            '<span class="list-date">{}</span> <span class="list-time">{}</span>',
            when.strftime("%d.%m.%Y"),
            when.strftime("%H:%M"),
        )

    @admin.display(description=_("опубликован"), ordering="published_at", empty_value="—")
    def published_short(self, obj):
        if obj.published_at is None:
            return None
        return format_html(
            '<span class="list-date">{}</span>', timezone.localtime(obj.published_at).strftime("%d.%m.%Y")
        )

    @admin.display(description=_("статус"), ordering="status")
    def status_label(self, obj):
        return status_badge(obj.status, obj.get_status_display())

    # --- object-level access: all of it asked of reports.permissions -------------------------

    def get_queryset(self, request):
        return permissions.visible_reports(request.user, super().get_queryset(request))

    def has_module_permission(self, request):
        return super().has_module_permission(request) and permissions.can_view_report(request.user, None)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and permissions.can_view_report(request.user, obj)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and permissions.can_add_report(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and permissions.can_edit_report(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and permissions.can_delete_report(request.user, obj)

    def revert_disabled(self, request, obj=None):
        # A report row holds only its municipality, year and workflow state: restoring
        # it from history could only undo the workflow, so it is view-only. Items revert.
        return True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "municipality":
            kwargs["queryset"] = permissions.editable_municipalities(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ("municipality",) if obj is not None else ()

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        municipalities = list(permissions.editable_municipalities(request.user)[:2])
        if len(municipalities) == 1:
            initial.setdefault("municipality", municipalities[0].pk)
        return initial

    # --- saving: versions, item order, task years -------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleReportError:
            # Lost the race between the form check and the UPDATE; the transaction was rolled
            # back. Render again: the form check now sees the new version and says so, and
            # the user's input is shown back to them.
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError:
            if object_id is not None:
                raise
            # A double-clicked "Save" on a new report: the other click created the same city and
            # year after this one's form check. Render again: the check now names the clash, and
            # everything typed (sections included) is shown back.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            obj.version = claim_version(obj.pk, form.cleaned_data.get("expected_version"))
        else:
            obj.created_by = request.user
        obj._history_user = request.user
        obj.save()

    def get_inline_instances(self, request, obj=None):
        return [
            inline
            for inline in super().get_inline_instances(request, obj)
            if not isinstance(inline, OutcomeInline) or shows_outcomes(request, obj)
        ]

    def save_formset(self, request, form, formset, change):
        report = formset.instance
        if formset.model is TaskOutcome:
            # Only the outcome and the comment of existing rows (no row is added or deleted here);
            # the report's version was claimed in save_model, as for the items.
            formset.save(commit=False)
            for row, _changed in formset.changed_objects:
                if row.report_id == report.pk:
                    row._history_user = request.user
                    row.save()
            return
        # Let Django decide which rows are real: changed existing ones, new extra ones, deletions.
        # (A hand-made row whose id is not one of this report's items is in none of these.)
        formset.save(commit=False)
        for item in formset.deleted_objects:
            item._history_user = request.user
            item.delete()
        new_rows = {id(item) for item in formset.new_objects}
        kept = []
        for index, item_form in enumerate(formset.forms):
            item = item_form.instance
            if item_form in formset.deleted_forms or (item.pk is None and id(item) not in new_rows):
                continue
            kept.append((item.position or 10**6, index, item_form))
        # Renumber 1..n in the order the user gave (then the order on screen).
        for number, (_pos, _index, item_form) in enumerate(sorted(kept, key=lambda k: k[:2]), start=1):
            item = item_form.instance
            if isinstance(item, Task) and not item.year:
                item.year = report.year + 1
            if item.pk and item.position == number and not item_form.has_changed():
                continue
            item.position = number
            item.report = report
            item._history_user = request.user
            item.save()
        formset.save_m2m()
        self._save_themes(request, formset)

    def _save_themes(self, request, formset):
        """The moderator's choice of themes stands (and confirms them); new items and unconfirmed
        items whose text changed get suggestions (themes.assign)."""
        suggest, new = [], {id(item) for item in formset.new_objects}
        for item_form in formset.forms:
            item = item_form.instance
            if item.pk is None or item_form in formset.deleted_forms or not hasattr(item_form, "cleaned_data"):
                continue
            if "themes_pick" in item_form.changed_data:
                picked, confirmed = ThemePickField.split(item_form.cleaned_data["themes_pick"])
                before, _was = ThemePickField.split(item_form.initial.get("themes_pick"))
                if picked != before or confirmed:
                    theme_assign.confirm(item, picked)
                    continue
                theme_assign.unconfirm(item, self._matcher(request))
            elif "text" in item_form.changed_data or id(item) in new:
                suggest.append(item)
        if suggest:
            theme_assign.suggest(suggest, self._matcher(request))

    @staticmethod
    def _matcher(request):
        # The four sections of one save share the rules (one query).
        if not hasattr(request, "_theme_matcher"):
            request._theme_matcher = theme_assign.current_matcher()
        return request._theme_matcher

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:  # a new report: the tasks set for its year, to be marked (reports.outcomes)
            plan.sync_if_writing(form.instance, request.user)
        publication.report_changed(form.instance)  # public only if the report is published

    def delete_model(self, request, obj):
        obj._history_user = request.user
        super().delete_model(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        # A yearly report is written, then submitted: after "Save" stay on the report page,
        # where the workflow buttons are.
        if "_addanother" not in request.POST and "_popup" not in request.POST:
            request.POST = request.POST.copy()
            request.POST["_continue"] = "1"
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        # «Сохранить и отправить на проверку» (and the other workflow buttons of an editable form):
        # the form is saved by now — it was valid — so go on to confirm the action.
        name = request.POST.get("_then")
        if name and workflow.can_transition(request.user, obj, name):
            messages.info(
                request,
                _("Изменения сохранены. Подтвердите действие «%(action)s».")
                % {"action": workflow.TRANSITIONS[name].label},
            )
            return HttpResponseRedirect(reverse("admin:reports_report_transition", args=[obj.pk, name]))
        return super().response_change(request, obj)

    # --- the report page: status, workflow buttons, timeline --------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra = extra_context or {}
        if obj is not None and request.method == "GET" and self.has_change_permission(request, obj):
            # A report the city is writing lists the tasks set for its year as they are now.
            plan.sync_if_writing(obj, request.user)
        if obj is not None:
            extra.update(
                status_badge=status_badge(obj.status, obj.get_status_display()),
                transitions=workflow.available_transitions(request.user, obj),
                events=list(obj.events.select_related("actor").order_by("-created_at", "-id")),
                can_edit_now=self.has_change_permission(request, obj),
                status_hint=views.status_hint(request.user, obj),
            )
            extra["open_notes"] = review_notes.open_notes(obj, extra["events"])
            for event in extra["events"]:  # the timeline keeps every return's remarks
                event.labelled_notes = review_notes.labelled(event.notes)
        return super().change_view(request, object_id, form_url, extra)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if obj is not None and obj.pk:
            # The remarks of the return, under the items they are about (cached per request).
            notes = getattr(request, "_review_notes", None)
            if notes is None:
                notes = request._review_notes = review_notes.by_item(review_notes.open_notes(obj))
            section = inline.model
            kwargs["form_kwargs"] = {
                **kwargs.get("form_kwargs", {}),
                "reviewer_notes": {
                    item: texts for (key, item), texts in notes.items() if SECTION_BY_KEY[key].model is section
                },
            }
        # The themes' checkboxes are on the four sections' rows (not on the outcomes' rows).
        if (
            inline.model in ITEM_MODELS
            and is_association_editor(request.user)
            and inline.has_change_permission(request, obj)
        ):
            choices = getattr(request, "_theme_choices", None)
            if choices is None:  # once per page, not per row
                choices = request._theme_choices = [
                    (str(pk), name) for pk, name in Theme.objects.values_list("pk", "name")
                ]
            kwargs["form_kwargs"] = {**kwargs.get("form_kwargs", {}), "theme_choices": choices}
        return kwargs

    def render_change_form(self, request, context, *args, **kwargs):
        context["report_sections"] = SECTIONS  # the "add a row" links (change_form.html)
        return super().render_change_form(request, context, *args, **kwargs)

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        wrap = self.admin_site.admin_view
        custom = [
            path(
                "<path:object_id>/transition/<slug:name>/",
                wrap(self.transition_view),
                name="%s_%s_transition" % info,
            ),
            path("<path:object_id>/versions/", wrap(self.versions_view), name="%s_%s_versions" % info),
            path("<path:object_id>/preview/", wrap(self.preview_view), name="%s_%s_preview" % info),
            path(
                "<path:object_id>/versions/diff/",
                wrap(self.version_diff_view),
                name="%s_%s_version_diff" % info,
            ),
            path(
                "<path:object_id>/versions/<int:event_id>/",
                wrap(self.version_detail_view),
                name="%s_%s_version" % info,
            ),
        ]
        upload = [
            path("upload/", wrap(self.upload_view), name="%s_%s_upload" % info),
            path("upload/template/", wrap(self.upload_template_view), name="%s_%s_upload_template" % info),
            path(
                "<path:object_id>/upload-replace/",
                wrap(self.upload_replace_view),
                name="%s_%s_upload_replace" % info,
            ),
            path(
                "<path:object_id>/upload-summary/",
                wrap(self.upload_summary_view),
                name="%s_%s_upload_summary" % info,
            ),
        ]
        return upload + custom + super().get_urls()
