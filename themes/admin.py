"""The list of themes, for the Association's editors only: names, descriptions, keyword rules;
merging one theme into another. Changes reach items and the public site through themes.services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin_access import AssociationOnly

from . import assign, services, stats
from .counts import count_annotations
from .forms import ThemeForm
from .models import Theme


class MergeForm(ActionForm):
    target = forms.ModelChoiceField(
        Theme.objects.all(), required=False, label=_("в тему"), empty_label=_("— выберите тему —")
    )


@admin.register(Theme)
class ThemeAdmin(AssociationOnly, admin.ModelAdmin):
    form = ThemeForm
    list_display = ("name", "slug", "position", "items", "published_items")
    list_display_links = ("name",)
    search_fields = ("name", "slug", "keywords")
    readonly_fields = ("rule_report", "old_slugs")
    fields = ("name", "slug", "old_slugs", "description", "keywords", "rule_report", "position")
    ordering = ("position", "name")
    action_form = MergeForm
    actions = ["merge_into"]

    # --- the list -----------------------------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("aliases")
        return queryset.annotate(**count_annotations())

    @admin.display(description=_("пунктов"), ordering="item_count")
    def items(self, obj):
        return obj.item_count

    @admin.display(description=_("из них на сайте"), ordering="published_count")
    def published_items(self, obj):
        return obj.published_count

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, from its page (its items are listed there)
        return actions

    @admin.action(description=_("Объединить выбранные темы с темой, указанной справа"))
    def merge_into(self, request, queryset):
        target = MergeForm(request.POST).fields["target"].clean(request.POST.get("target") or None)
        if target is None:
            self.message_user(request, _("Выберите тему, в которую объединить выбранные."), messages.ERROR)
            return
        sources = [theme for theme in queryset if theme.pk != target.pk]
        if not sources:
            self.message_user(request, _("Выберите другие темы, кроме той, в которую объединяете."), messages.ERROR)
            return
        n = services.merge(sources, target)
        self.message_user(
            request,
            ngettext(
                "%(n)d тема объединена с темой «%(target)s»: её пункты и прежние адреса теперь у этой темы.",
                "%(n)d тем(ы) объединены с темой «%(target)s»: их пункты и прежние адреса теперь у этой темы.",
                n,
            )
            % {"n": n, "target": target},
            messages.SUCCESS,
        )

    # --- one theme ----------------------------------------------------------------------------------

    @admin.display(description=_("прежние адреса"))
    def old_slugs(self, obj):
        slugs = [alias.slug for alias in obj.aliases.all()] if obj and obj.pk else []
        return ", ".join(slugs) or "—"

    @admin.display(description=_("сколько пунктов находит каждое правило"))
    def rule_report(self, obj):
        if obj is None or not obj.keywords.strip():
            return "—"
        total, counts = stats.rule_counts(obj.keywords)
        rows = format_html_join("", "<li><code>{}</code> — {}</li>", ((line, _share(n, total)) for line, n in counts))
        return format_html(
            '<ul class="rule-report">{}</ul><p class="help">{}</p>',
            rows,
            _("Всего пунктов во всех отчётах: %(total)d.") % {"total": total},
        )

    def save_model(self, request, obj, form, change):
        old_slug = form.initial.get("slug", "") if change else ""
        obj.save()
        services.theme_saved(obj, created=not change, changed=set(form.changed_data), old_slug=old_slug)
        if not change or "keywords" in form.changed_data:
            total, counts = stats.rule_counts(obj.keywords)
            for line, n in stats.too_broad(total, counts):
                self.message_user(
                    request,
                    _(
                        "Правило «%(rule)s» находит %(n)d из %(total)d пунктов — больше половины. "
                        "Такая тема окажется почти у каждого пункта; уточните правило."
                    )
                    % {"rule": line, "n": n, "total": total},
                    messages.WARNING,
                )

    def delete_model(self, request, obj):
        affected = assign.reports_with(obj)
        super().delete_model(request, obj)
        services.theme_deleted(affected)


def _share(n: int, total: int) -> str:
    if not total:
        return str(n)
    return f"{n} ({round(100 * n / total)} %)"
