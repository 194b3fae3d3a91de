"""List filters whose choices come only from what the user may see."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..permissions import visible_municipalities, visible_reports
from ..status import Status


def _number(value):
    """The filter value as an int, or None: «²» passes str.isdigit() but not int()."""
    try:
        return int(value) if value else None
    except ValueError:
        return None


def scoped_filters(prefix: str = ""):
    """Status / year / municipality / region filters for a model reached through `prefix`."""

    class StatusFilter(admin.SimpleListFilter):
        title = _("статус")
        parameter_name = "status"

        def lookups(self, request, model_admin):
            return Status.choices

        def queryset(self, request, queryset):
            if self.value() in Status.values:
                return queryset.filter(**{f"{prefix}status": self.value()})
            return queryset

    class YearFilter(admin.SimpleListFilter):
        title = _("отчётный год")
        parameter_name = "year"

        def lookups(self, request, model_admin):
            years = visible_reports(request.user).order_by("-year").values_list("year", flat=True).distinct()
            return [(str(y), str(y)) for y in years]

        def queryset(self, request, queryset):
            if (year := _number(self.value())) is not None:
                return queryset.filter(**{f"{prefix}year": year})
            return queryset

    class MunicipalityFilter(admin.SimpleListFilter):
        title = _("муниципалитет")
        parameter_name = "municipality"

        def lookups(self, request, model_admin):
            return [(str(m.pk), m.name) for m in visible_municipalities(request.user)]

        def queryset(self, request, queryset):
            if (pk := _number(self.value())) is not None:
                return queryset.filter(**{f"{prefix}municipality_id": pk})
            return queryset

    class RegionFilter(admin.SimpleListFilter):
        title = _("субъект РФ")
        parameter_name = "region"

        def lookups(self, request, model_admin):
            regions = (
                visible_municipalities(request.user)
                .exclude(region="")
                .order_by("region")
                .values_list("region", flat=True)
                .distinct()
            )
            return [(r, r) for r in regions]

        def queryset(self, request, queryset):
            if self.value():
                return queryset.filter(**{f"{prefix}municipality__region": self.value()})
            return queryset

    return [StatusFilter, YearFilter, MunicipalityFilter, RegionFilter]
