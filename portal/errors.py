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
