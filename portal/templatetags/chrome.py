"""The parts of every public page that do not depend on the page: rendered once per process.

The header (site name, menu, language switch), the footer and the links in <head> hold a dozen
translated strings, eight reversed addresses and two static-file names: about half a
millisecond of template work on every page, and the same result every time for one language
and one menu item. `{% chrome "public/_header.html" %}` renders such a template once per
(template, language, current page name) and keeps it; the only part that depends on the
request — the address the language switch returns to — is filled in afterwards.
In development (DEBUG) nothing is kept, so an edited template shows at once.
"""

import threading
from html import escape

from django import template
from django.conf import settings
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

# Stands for the request's own address (URL-encoded) in a kept rendering.
NEXT_PATH = "chrome-next-path-placeholder"
_kept: dict[tuple, str] = {}
_lock = threading.Lock()


def _render(name: str, language: str, current: str | None) -> str:
    return render_to_string(name, {"LANGUAGE_CODE": language, "current_page": current, "next_path": NEXT_PATH})


@register.simple_tag(takes_context=True)
def chrome(context, name: str):
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else None
    key = (name, get_language(), current)
    html = None if settings.DEBUG else _kept.get(key)
    if html is None:
        html = _render(name, key[1], current)
        if not settings.DEBUG:
            with _lock:
                _kept[key] = html
    path = request.get_full_path() if request is not None else "/"
    return mark_safe(html.replace(NEXT_PATH, urlencode(path)))  # urlencode leaves nothing to escape


def forget() -> None:
    """Drop what this process kept (tests that change templates or settings)."""
    with _lock:
        _kept.clear()


@register.filter
def link_items(links):
    """(address, label) pairs as `<li><a href="…">…</a></li>`, escaped: what a `{% for %}` over them
    would give, at a fraction of its cost (a report page has dozens: the city's other years and
    its neighbours, rendered on every cold visit)."""
    # html.escape is what django.utils.html.escape calls, without its check for lazy strings.
    return mark_safe("".join(f'<li><a href="{escape(href)}">{escape(str(label))}</a></li>' for href, label in links))
