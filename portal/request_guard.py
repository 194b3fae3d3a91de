"""Requests no page of the portal can answer, refused before any view or cache sees them.

- A NUL character in the path or in a query parameter: PostgreSQL cannot hold one in text, so
  it would reach the database as a DataError (a 500) from any filter, search or admin list that
  passes the value on. It is never part of a real address: 400.
- TRACE (and CONNECT): no page answers them; Django would hand them to the view, and a view
  without a method check would answer 200. 405, as for any other method a page does not allow.
"""

from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponseNotAllowed

REFUSED_METHODS = {"TRACE", "CONNECT"}


class NulCharacterInRequest(SuspiciousOperation):
    """Logged by Django as a security event (django.security.NulCharacterInRequest) and answered 400."""


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in REFUSED_METHODS:
            return HttpResponseNotAllowed(["GET", "HEAD", "POST", "OPTIONS"])
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise NulCharacterInRequest("NUL character in the request's path or query")
        return self.get_response(request)
