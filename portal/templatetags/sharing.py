"""`{% share_meta %}`: the Open Graph and Twitter card tags of a public page (reports/public/sharing.py).

In a page's `{% block share %}`: `{% share_meta report=page %}` on a report's page,
`{% share_meta city=page %}` on a city's, `{% share_meta list_of="reports" described=… %}` on the
lists, `{% share_meta title=… %}` (a plain string) or bare `{% share_meta %}` (the portal itself)
anywhere else. Written in Python with every value escaped, like the chrome
(portal/templatetags/chrome.py): a template of twenty tags would cost more than the rest of a
cached report page's <head>.
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from reports.public import sharing

register = template.Library()


@register.simple_tag(takes_context=True)
def share_meta(context, report=None, city=None, title="", list_of="", described=""):
    if list_of == "reports":
        title = _("Отчёты: %(described)s") % {"described": described} if described else _("Все отчёты")
    elif list_of == "cities":
        title = _("Города: %(region)s") % {"region": described} if described else _("Города")
    if report is not None:
        share = sharing.report_share(report)
    elif city is not None:
        share = sharing.municipality_share(city)
    else:
        share = sharing.site_share(context.get("request"), str(title))
    return mark_safe(share.meta_tags())  # every value escaped in meta_tags  # noqa: S308
