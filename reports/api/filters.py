"""Filters of the API's report list: the public list's filters, with API-friendly validation.

`q` is the site's own search (ReportFilter.filter_q → reports.search.matching_report_ids).
Every value that cannot be understood — a year that is not a number, a municipality or
region without published reports — is a validation error (HTTP 400), never a 500.
"""

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from themes.public import theme_choices

from ..facets import published_regions
from ..models import MAX_YEAR, MIN_YEAR, Municipality, Report
from ..public.filters import ReportFilter


class YearFilter(django_filters.NumberFilter):
    # An integer, not the Decimal of NumberFilter; bounded, so the database never sees an overflow.
    field_class = forms.IntegerField


def region_choices():
    return [(region, region) for region in published_regions()]


@extend_schema_field(OpenApiTypes.STR)
class ThemeFilter(django_filters.ChoiceFilter):
    """A theme's address (its choices are read per request, so the schema is told the type)."""


class ApiReportFilter(django_filters.FilterSet):
    year = YearFilter(
        label="Год",
        field_name="year",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        help_text=f"Отчётный год, например 2024: целое число от {MIN_YEAR} до {MAX_YEAR}, иначе ошибка 400.",
    )
    municipality = django_filters.ModelChoiceFilter(
        label="Муниципалитет",
        field_name="municipality",
        to_field_name="slug",
        queryset=Municipality.objects.with_published_reports(),
        help_text="Адрес муниципалитета на сайте (slug латиницей), например «sayanogorsk». "
        "Муниципалитет без опубликованных отчётов или неизвестный адрес — ошибка 400.",
    )
    region = django_filters.ChoiceFilter(
        label="Субъект РФ",
        field_name="municipality__region",
        choices=region_choices,
        help_text="Субъект РФ точно так, как он записан у муниципалитета, например «Республика Хакасия». "
        "Субъект без опубликованных отчётов — ошибка 400.",
    )
    q = django_filters.CharFilter(
        label="Слова",
        method="filter_q",
        help_text="Слова для поиска по тексту отчётов — тот же поиск, что на сайте "
        "(без учёта регистра и окончаний: «пандемия» находит «пандемии», «тос» — «ТОС»).",
    )

    theme = ThemeFilter(
        label="Тема",
        choices=theme_choices,
        method="filter_theme",
        help_text="Адрес темы (slug), например «tos»: только отчёты, где есть пункты на эту тему "
        "(список тем — /api/themes/). Неизвестная тема — ошибка 400.",
    )

    class Meta:
        model = Report
        fields = ["year", "municipality", "region", "q", "theme"]

    # The very same search and theme condition as the public list (and the CSV/JSON downloads).
    filter_q = ReportFilter.filter_q
    filter_theme = ReportFilter.filter_theme
