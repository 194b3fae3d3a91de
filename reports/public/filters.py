"""Filters of the public report list, shared by the list page, the CSV/JSON exports and the API."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from themes.public import ThemeSelect, has_theme_q, theme_choices

from ..facets import (
    FULL_CITY_LIST,
    municipality_choices,
    published_municipality_count,
    published_regions,
    published_years,
)
from ..models import SECTION_BY_KEY, SECTIONS, Municipality, Report

SECTION_CHOICES = [(section.key, section.has_label) for section in SECTIONS if section.has_label]
SORT_CHOICES = [
    ("-year", _("сначала новые")),
    ("year", _("сначала старые")),
    ("municipality", _("по городу (А–Я)")),
    ("-published", _("недавно опубликованные")),
]
SORT_FIELDS = {
    "-year": ("-year", "municipality__name"),
    "year": ("year", "municipality__name"),
    "municipality": ("municipality__name", "-year"),
    "-published": ("-published_at", "-id"),
}


class ReportFilterForm(forms.Form):
    """The form of the list's filters (ReportFilter.Meta.form). Its city select shows only the cities
    municipality_choices() gives — all of them, or past FULL_CITY_LIST those of the chosen region —
    plus the chosen one; validation still accepts any published city, so a link to ?municipality=…
    keeps working."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        data = self.data or {}
        region = data.get("region") or None
        if region not in published_regions():
            region = None
        everything = published_municipality_count() <= FULL_CITY_LIST
        choices = municipality_choices(region, everything)
        selected = data.get("municipality")
        if selected and selected not in {slug for slug, _name in choices}:
            extra = Municipality.objects.filter(slug=selected).values_list("slug", "name").first()
            choices = [extra, *choices] if extra else choices
        empty = _("Сначала выберите регион") if not everything and not region else field.empty_label
        field.widget.choices = [("", empty), *choices]


class ReportFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Слова"), method="filter_q")
    year = django_filters.ChoiceFilter(label=_("Год"), choices=[], empty_label=_("Все годы"))
    region = django_filters.ChoiceFilter(
        label=_("Субъект РФ"), field_name="municipality__region", choices=[], empty_label=_("Все регионы")
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Город"),
        field_name="municipality",
        to_field_name="slug",
        queryset=Municipality.objects.with_published_reports().order_by("name"),
        empty_label=_("Все города"),
    )
    has = django_filters.ChoiceFilter(
        label=_("Содержание"), choices=SECTION_CHOICES, method="filter_has", empty_label=_("Любое")
    )
    theme = django_filters.ChoiceFilter(
        label=_("Тема"), choices=[], method="filter_theme", empty_label=_("Все темы"), widget=ThemeSelect
    )
    sort = django_filters.ChoiceFilter(label=_("Порядок"), choices=SORT_CHOICES, method="filter_sort", empty_label=None)

    class Meta:
        model = Report
        fields = ["q", "year", "region", "municipality", "has", "theme", "sort"]
        form = ReportFilterForm

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["year"].extra["choices"] = [(str(y), str(y)) for y in published_years()]
        self.filters["region"].extra["choices"] = [(r, r) for r in published_regions()]
        self.filters["theme"].extra["choices"] = theme_choices()
        for name in ("q",):
            self.filters[name].field.widget = forms.TextInput(attrs={"type": "search"})

    def filter_q(self, queryset, name, value):
        from .. import search

        if not value.strip():
            return queryset
        return queryset.filter(pk__in=search.matching_report_ids(value))

    def filter_has(self, queryset, name, value):
        model = SECTION_BY_KEY[value].model
        return queryset.filter(Exists(model.objects.filter(report=OuterRef("pk"))))

    def filter_theme(self, queryset, name, value):
        return queryset.filter(has_theme_q(value))

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORT_FIELDS.get(value, SORT_FIELDS["-year"]))

    def ignored_fields(self) -> list[str]:
        """Labels of the conditions given with a value that does not exist (`?year=abc`): the list
        is filtered by the others, and the page says which were left out."""
        if not self.is_bound:
            return []
        return [str(self.form.fields[name].label) for name in self.form.errors if name in self.form.fields]

    def description(self) -> list[str]:
        """What the list holds, in words, from the valid conditions: for the page's <title> and
        the export's file name («2024 год», «Красноярский край», «Саяногорск», «проблемы», «тос»)."""
        if not self.is_bound:
            return []
        data = self.form.cleaned_data if hasattr(self.form, "cleaned_data") else {}
        parts = []
        if data.get("year"):
            parts.append(_("%(year)s год") % {"year": data["year"]})
        if data.get("region"):
            parts.append(data["region"])
        if data.get("municipality"):
            parts.append(data["municipality"].name)
        if data.get("has"):
            parts.append(str(SECTION_BY_KEY[data["has"]].title).lower())
        if data.get("theme"):
            parts.append(dict(theme_choices()).get(data["theme"], data["theme"]))
        if (data.get("q") or "").strip():
            parts.append(f"«{data['q'].strip()[:40]}»")
        return parts

    @property
    def qs(self):
        qs = super().qs
        if not (self.form.is_bound and self.form.is_valid() and self.form.cleaned_data.get("sort")):
            qs = qs.order_by(*SORT_FIELDS["-year"])
        return qs
