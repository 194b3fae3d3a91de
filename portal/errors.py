"""What a visitor sees when the database is unreachable: a 503 page, not a 500.

Django turns any exception escaping a view or a middleware into a call of the
500 handler, inside the `except` block, so the handler can look at what went
wrong. When it is the database (refused, timed out after DJANGO_DB_CONNECT_TIMEOUT,
connection dropped), the answer is "503 Service Unavailable" with Retry-After, in
Russian, rendered without touching the database. The next request opens a fresh
connection (CONN_HEALTH_CHECKS), so the site recovers by itself when the database
is back.
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults

logger = logging.getLogger("portal.database")


def database_unavailable(request) -> HttpResponse:
    retry_after = str(settings.DATABASE_RETRY_AFTER)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "Сервис временно недоступен: нет связи с базой данных. Повторите запрос позже."},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        # No RequestContext: context processors could touch the session or the user,
        # i.e. the database that is not there.
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = retry_after
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, template_name="500.html"):
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        logger.error("database unavailable: %s", error, extra={"path": request.path})
        return database_unavailable(request)
    return defaults.server_error(request, template_name)


def _in_back_office(request) -> bool:
    return request.path.startswith(reverse("admin:index"))


def _back_link(request) -> str:
    """The page the person came from, if it is one of ours (not this same page)."""
    referer = request.headers.get("Referer", "")
    if not referer or referer == request.build_absolute_uri():
        return ""
    if not url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure()):
        return ""
    return referer


def _back_office_page(request, template, status):
    """A page inside the back office's frame (menu, user links, Russian) for its own 403 and 404."""
    from django.contrib import admin  # the site is set up by the admin app, after this module loads

    context = {**admin.site.each_context(request), "back_url": _back_link(request)}
    return TemplateResponse(request, template, context, status=status).render()


def permission_denied(request, exception=None):
    """403: in the back office, its own page (what happened, the way back); elsewhere the public one."""
    if _in_back_office(request):
        return _back_office_page(request, "admin/403.html", 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    """404: in the back office the same frame as its 403 (a report another city keeps is "not
    found", exactly like one that never existed); elsewhere the public page."""
    if _in_back_office(request):
        return _back_office_page(request, "admin/404.html", 404)
    return defaults.page_not_found(request, exception)
