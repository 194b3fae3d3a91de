"""The public pages of themes: every theme with its published items counted, and the practices
(items of published reports) of one theme across cities and years. Only published reports'
items (reports.models.published_q), as everywhere on the public site."""

from django import forms
from django.core.paginator import Paginator
from django.db.models import F, Value
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.facets import published_regions, published_years
from reports.models import SECTIONS, published_q
from reports.public.links import report_url

from .counts import count_annotations
from .models import Theme, ThemeAlias

PAGE_SIZE = 20
# The columns of a practice in the list (the same in every section's part of the UNION).
COLUMNS = ("pk", "text", "r_year", "r_city", "r_slug", "r_region", "s_order", "position")


def theme_list(request):
    """One query: the themes with the number of their items in published reports."""
    themes = Theme.objects.annotate(**count_annotations()).order_by("position", "name")
    return render(request, "public/themes/theme_list.html", {"themes": themes})


class PracticeFilter(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Год"), required=False, coerce=int, empty_value=None)
    region = forms.ChoiceField(label=gettext_lazy("Субъект РФ"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Все годы")), *((str(y), str(y)) for y in published_years())]
        self.fields["region"].choices = [("", _("Все регионы")), *((r, r) for r in published_regions())]

    def conditions(self) -> dict:
        """The valid conditions ({"year": 2020, "region": "…"}); a value that does not exist is left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in ("year", "region") if data.get(name)}

    def ignored(self) -> list[str]:
        return [str(self.fields[name].label) for name in self.errors if name in self.fields]


def practices(theme: Theme, year=None, region=None):
    """The items of this theme in published reports, newest year first, then by city and in the
    report's order: one UNION over the sections (a queryset of tuples, COLUMNS)."""
    parts = []
    for order, section in enumerate(SECTIONS):
        rows = section.model.objects.filter(published_q("report__"), themes=theme)
        if year:
            rows = rows.filter(report__year=year)
        if region:
            rows = rows.filter(report__municipality__region=region)
        rows = rows.annotate(
            r_year=F("report__year"),
            r_city=F("report__municipality__name"),
            r_slug=F("report__municipality__slug"),
            r_region=F("report__municipality__region"),
            s_order=Value(order),
        )
        parts.append(rows.order_by().values_list(*COLUMNS))
    return parts[0].union(*parts[1:], all=True).order_by("-r_year", "r_city", "s_order", "position", "pk")


def _practice(row) -> dict:
    values = dict(zip(COLUMNS, row))
    section = SECTIONS[values["s_order"]]
    values["section"] = section.title
    values["url"] = f"{report_url(values['r_slug'], values['r_year'])}#{section.key}-{values['pk']}"
    return values


def theme_detail(request, slug):
    theme = Theme.objects.filter(slug=slug).first()
    if theme is None:
        alias = ThemeAlias.objects.filter(slug=slug).select_related("theme").first()
        if alias is None:
            raise Http404(_("Такой темы нет."))
        target = reverse("themes:theme_detail", args=[alias.theme.slug])
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
    practice_filter = PracticeFilter(request.GET)
    conditions = practice_filter.conditions()
    page = Paginator(practices(theme, **conditions), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "theme": theme,
        "filter": practice_filter,
        "conditions": conditions,
        "ignored": practice_filter.ignored(),
        "page": page,
        "practices": [_practice(row) for row in page.object_list],
        "query_string": params.urlencode(),
    }
    return render(request, "public/themes/theme_detail.html", context)
