"""Filters of the public report list, shared by the list page, the CSV/JSON exports and the API."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from ..models import Municipality, Problem, Proposal, Report, Task
from .cache import per_generation

SECTION_CHOICES = [
    ("proposals", _("есть запросы к Ассоциации")),
    ("problems", _("есть проблемы")),
    ("tasks", _("есть задачи на следующий год")),
]
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


def published_years():
    # DISTINCT over every published report: a whole-table read at national scale, so it
    # is kept per generation of published content (it changes only when that does).
    return per_generation(
        "facet:years",
        lambda: list(Report.objects.published().order_by("-year").values_list("year", flat=True).distinct()),
    )


def published_regions():
    return per_generation(
        "facet:regions",
        lambda: list(
            Municipality.objects.filter(reports__status="published")
            .exclude(region="")
            .order_by("region")
            .values_list("region", flat=True)
            .distinct()
        ),
    )


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
        queryset=Municipality.objects.filter(reports__status="published").distinct().order_by("name"),
        empty_label=_("Все города"),
    )
    has = django_filters.ChoiceFilter(
        label=_("Содержание"), choices=SECTION_CHOICES, method="filter_has", empty_label=_("Любое")
    )
    sort = django_filters.ChoiceFilter(
        label=_("Порядок"), choices=SORT_CHOICES, method="filter_sort", empty_label=None
    )

    class Meta:
        model = Report
        fields = ["q", "year", "region", "municipality", "has", "sort"]

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["year"].extra["choices"] = [(str(y), str(y)) for y in published_years()]
        self.filters["region"].extra["choices"] = [(r, r) for r in published_regions()]
        for name in ("q",):
            self.filters[name].field.widget = forms.TextInput(attrs={"type": "search"})

    def filter_q(self, queryset, name, value):
        from .. import search

        if not value.strip():
            return queryset
        return queryset.filter(pk__in=search.matching_report_ids(value))

    def filter_has(self, queryset, name, value):
        model = {"proposals": Proposal, "problems": Problem, "tasks": Task}[value]
        return queryset.filter(Exists(model.objects.filter(report=OuterRef("pk"))))

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORT_FIELDS.get(value, SORT_FIELDS["-year"]))

    @property
    def qs(self):
        qs = super().qs
        if not (self.form.is_bound and self.form.is_valid() and self.form.cleaned_data.get("sort")):
            qs = qs.order_by(*SORT_FIELDS["-year"])
        return qs
