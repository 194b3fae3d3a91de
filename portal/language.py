"""The language of a request, and switching it with a plain link.

Russian, whatever the browser says, unless the reader chose English with the switch in the
header: the choice is kept in the language cookie (a year). The Accept-Language header is not
read — a Russian portal read by a browser set up in English stays Russian until its reader asks
otherwise, on the public site and in the back office alike. So the language depends on one
cookie only: responses vary by Cookie, never by Accept-Language, and the public page cache
(portal/page_cache.py) keeps one copy of a page per chosen language, not one per browser.

Django's set_language needs a POST with a CSRF token, which would put a per-visitor
token (and a CSRF cookie) into every public page and make those pages uncacheable.
Choosing a language changes nothing but the visitor's own preference, so a GET link
is enough: it sets the language cookie and goes back to the page.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def chosen_language(request) -> str:
    """The language the reader chose (the language cookie), else settings.LANGUAGE_CODE."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:  # a language the portal does not have, or junk
            pass
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(MiddlewareMixin):
    """Django's LocaleMiddleware without the browser's say: the language comes from the cookie the
    switch sets, or is Russian. (The portal has no language prefixes in its addresses, the other
    thing LocaleMiddleware reads.) It activates the language, sets request.LANGUAGE_CODE and says
    Content-Language, as LocaleMiddleware does, and Vary: Cookie instead of Accept-Language."""

    def process_request(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


@never_cache
@require_GET
def switch_language(request):
    code = request.GET.get("language", "")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if code in dict(settings.LANGUAGES) and check_for_language(code):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
