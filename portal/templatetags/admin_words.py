"""Counts of a model's objects in proper Russian for the admin's templates: «7 отчётов»."""

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def count_of(number, opts) -> str:
    """«1 отчёт», «3 отчёта», «7 отчётов»: the model's names with their three forms come from
    locale_thirdparty (as for Django's own model_ngettext); in English «7 reports»."""
    number = number or 0
    return f"{number} {ngettext(str(opts.verbose_name), str(opts.verbose_name_plural), number)}"
