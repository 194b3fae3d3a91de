"""Whole-page cache for the public site and the open data API, never stale.

Every cached page is stored with the *generation* of published content it was rendered in,
and served only while that generation is current.
Anything that changes what the public can see (publish, withdraw, an edit of a
published report or of a municipality, an import, a restore) calls
`published_content_changed()` after its transaction commits; that starts a new
generation, so every page is rendered afresh on its next visit. Publications are
rare (a few a day) and reading is most of the traffic, so one global generation is
both simple and correct: no page can be forgotten by a finer-grained rule.

The generation lives in the cache itself. With several processes or containers the
cache must be shared (Redis, DJANGO_CACHE_URL); with the per-process memory cache the
portal must run as a single process (development, tests).

Only anonymous GET/HEAD requests are served from the cache (no session cookie: the
public pages show nothing personal, and the back office is never cached). Responses
carry an ETag and Last-Modified, so browsers and proxies revalidate with a cheap 304.
If the cache is down, pages are simply rendered every time.

A miss is rendered by one process only: the first takes a short lock in the cache and
renders, the others asking for the same page meanwhile wait for its result (a news
story linking a report, or a new generation, sends many requests for one page at once;
rendering it in every worker at the same time is what overloads the database).
"""

import hashlib
import logging
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from portal.release import release_id

logger = logging.getLogger("reports.public.cache")

GENERATION_KEY = "public:generation"
# Bounds the life of a page even if an invalidation were ever missed.
PAGE_TIMEOUT = 24 * 3600
# A renderer holds the page's lock at most this long (a worker is killed after 30 s anyway).
RENDER_LOCK_TIMEOUT = 30
# How long others wait for the renderer before rendering themselves, and how often they look.
RENDER_WAIT = 10.0
POLL_FIRST, POLL_MAX = 0.01, 0.1
# Headers that belong to one response only.
_NOT_STORED = {"set-cookie", "date", "content-security-policy", "x-report-body"}


def public_page(view):
    """Mark a view whose anonymous GET responses may be cached by generation."""
    view.public_page_cache = True
    return view


def _generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, time.time_ns(), None)
        generation = cache.get(GENERATION_KEY)
    return int(generation)


def per_generation(name: str, compute):
    """compute() once per generation of published content (for facts every page shows,
    such as the years and regions of the filter form); computed directly if the cache
    is down or page caching is off."""
    if not settings.PUBLIC_PAGE_CACHE:
        return compute()
    try:
        key = f"{name}:{_generation()}"
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, PAGE_TIMEOUT)
        return value
    except Exception:  # noqa: BLE001
        logger.warning("cache unavailable", exc_info=True)
        return compute()


def published_content_changed() -> None:
    """Start a new generation once the current transaction commits."""
    transaction.on_commit(_new_generation, robust=True)


def _new_generation() -> None:
    try:
        cache.set(GENERATION_KEY, time.time_ns(), None)
    except Exception:  # noqa: BLE001 - a cache outage must not break publishing
        logger.exception("could not start a new public page generation")


def _variant(request) -> str:
    # The API negotiates JSON or the browsable HTML page from Accept/?format=.
    accept = request.META.get("HTTP_ACCEPT", "") if request.path.startswith("/api/") else ""
    raw = "\n".join((request.get_host(), request.get_full_path(), request.LANGUAGE_CODE, accept))
    return hashlib.sha1(raw.encode()).hexdigest()


def _cacheable_view(request) -> bool:
    return _cacheable_path(request.path_info, getattr(request, "urlconf", None) or settings.ROOT_URLCONF)


@lru_cache(maxsize=8192)
def _cacheable_path(path: str, urlconf) -> bool:
    # Resolving costs as much as the rest of a cache hit; the answer for a path never changes
    # while the process runs (the URLconf is fixed).
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return False
    return getattr(match.func, "public_page_cache", False)


class PublicPageCacheMiddleware:
    """Goes right after LocaleMiddleware (the language is part of the key)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not settings.PUBLIC_PAGE_CACHE
            or request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or not _cacheable_view(request)
        ):
            return self.get_response(request)
        try:
            # One round trip for the generation and the page: the page is kept under a key of its
            # own (overwritten when rendered again) with the generation it was rendered in.
            key = f"page:{release_id()}:{_variant(request)}"
            found = cache.get_many([GENERATION_KEY, key])
            generation = int(found[GENERATION_KEY]) if GENERATION_KEY in found else _generation()
            stored = _current(found.get(key), generation)
        except Exception:  # noqa: BLE001 - cache down: render as if there were no cache
            logger.warning("page cache unavailable", exc_info=True)
            return self.get_response(request)
        if stored is None:
            stored = self._wait_for_renderer(key, generation)
        if stored is not None:
            response = self._rebuild(stored)
            response["X-Page-Cache"] = "hit"
        else:
            try:
                response = self.get_response(request)
                if self._storable(response):
                    self._finish(response, generation)
                    try:
                        cache.set(key, self._freeze(response, generation), PAGE_TIMEOUT)
                    except Exception:  # noqa: BLE001
                        logger.warning("page cache unavailable", exc_info=True)
            finally:
                self._unlock(key, generation)
            response["X-Page-Cache"] = "miss"
        if response.status_code == 200 and response.has_header("ETag"):
            return get_conditional_response(
                request, etag=response["ETag"], last_modified=generation // 1_000_000_000, response=response
            )
        return response

    @staticmethod
    def _wait_for_renderer(key: str, generation: int):
        """None when this request is to render the page (it then holds the lock), else the page
        another process rendered meanwhile. Gives up waiting after RENDER_WAIT seconds, or at once
        when the renderer finished without storing (a 404, say) — then renders it itself."""
        lock = _lock_key(key, generation)
        try:
            if cache.add(lock, 1, RENDER_LOCK_TIMEOUT):
                return None
            deadline, pause = time.monotonic() + RENDER_WAIT, POLL_FIRST
            while time.monotonic() < deadline:
                time.sleep(pause)
                pause = min(pause * 2, POLL_MAX)
                found = cache.get_many([key, lock])
                page = _current(found.get(key), generation)
                if page is not None:
                    return page
                if lock not in found:
                    return None
            logger.warning("page render lock still held after %.0f s; rendering anyway", RENDER_WAIT)
        except Exception:  # noqa: BLE001
            logger.warning("page cache unavailable", exc_info=True)
        return None

    @staticmethod
    def _unlock(key: str, generation: int) -> None:
        try:
            cache.delete(_lock_key(key, generation))
        except Exception:  # noqa: BLE001
            logger.warning("page cache unavailable", exc_info=True)

    @staticmethod
    def _storable(response) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def _finish(response, generation: int) -> None:
        response["ETag"] = '"%s"' % hashlib.sha1(response.content).hexdigest()[:24]
        response["Last-Modified"] = http_date(generation // 1_000_000_000)
        # Revalidate every time (cheap with the ETag): a publication shows at once.
        response["Cache-Control"] = "public, max-age=0, must-revalidate"
        patch_vary_headers(response, ("Accept-Language", "Cookie"))

    @staticmethod
    def _freeze(response, generation: int) -> tuple:
        headers = [(k, v) for k, v in response.items() if k.lower() not in _NOT_STORED]
        return (generation, response.content, headers)

    @staticmethod
    def _rebuild(stored) -> HttpResponse:
        _generation, content, headers = stored
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        return response


def _current(stored, generation: int):
    """The stored page if it was rendered in this generation (else it is out of date)."""
    if stored is not None and stored[0] == generation:
        return stored
    return None


def _lock_key(key: str, generation: int) -> str:
    return f"{key}:{generation}:rendering"
