"""What other public pages need of themes: the choices of a theme filter and the condition
"the report has an item of this theme" (the report list, its downloads and search: ?theme=<slug>)."""

from django import forms
from django.db.models import Exists, OuterRef, Q

from portal.page_cache import per_generation
from reports.models import SECTIONS

from .models import Theme


def theme_choices() -> list[tuple[str, str]]:
    """(slug, name) of every theme, in their order; kept per generation (theme edits start a new one)."""
    return per_generation(
        "facet:themes", lambda: list(Theme.objects.order_by("position", "name").values_list("slug", "name"))
    )


def has_theme_q(slug: str, through: str = "") -> Q:
    """Reports (or rows `through` a relation to reports) with an item of the theme `slug`."""
    condition = Q()
    for section in SECTIONS:
        items = section.model.objects.filter(report=OuterRef(f"{through}pk"), themes__slug=slug)
        condition |= Exists(items)
    return condition


class ThemeSelect(forms.Select):
    """A select of themes whose options say they are Russian (lang="ru"): theme names are the
    Association's own words, shown as written on the English pages too, like the reports' texts."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value:
            option["attrs"]["lang"] = "ru"
        return option
