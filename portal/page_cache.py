"""Whole public pages for anonymous visitors, kept per generation of published content.

Which pages are still true is a fact in the database: reports.publication moves the
*generation* on (a row, in the transaction of every change the public can see). Every
cacheable request reads it (one small query) and looks for the page under a key that
contains it, so a page rendered before a publication, withdrawal or edit is simply never
looked up again. Nothing is invalidated, nothing has to reach a cache at the moment of a
change, and an unreachable, slow or lost cache costs speed, never correctness.

Pages are kept in two places: this process's memory (the pages of the current generation,
up to PUBLIC_PAGE_CACHE_MEMORY bytes; a hit costs the generation query and nothing else) and
the shared cache (Redis via django-redis, compressed, with timeouts of tens of milliseconds
and errors ignored), where a page rendered by one process is found by the others.

With several worker processes and no shared cache the page cache turns itself off at
start-up and says so in the log: every process would render and keep its own copy of every
page. Facts that many pages show and that change only with the generation (the years and
regions of the filter form) are computed once per generation per process (`per_generation`).

Only anonymous GET/HEAD requests of views marked with `public_page` are served (no session
cookie: the public pages show nothing personal; the back office is never cached). Responses
carry an ETag and Last-Modified and are revalidated on every visit, so a browser or proxy
gets a cheap 304 and never keeps a page past a change.
"""

import hashlib
import logging
import threading
from collections import OrderedDict
from contextvars import ContextVar
from functools import lru_cache

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from reports.publication import current_generation

from .release import release_id

logger = logging.getLogger("portal.page_cache")

# A page's life in the shared cache: pages of old generations age out by themselves.
PAGE_TIMEOUT = 24 * 3600
# Headers that belong to one response only.
_NOT_STORED = {"set-cookie", "date", "content-security-policy"}
# The generation the current request is served in (read once per request).
_request_generation: ContextVar[int | None] = ContextVar("public_generation", default=None)


def public_page(view):
    """Mark a view whose anonymous GET responses may be cached by generation."""
    view.public_page_cache = True
    return view


# --- where pages are kept --------------------------------------------------------------------


class ProcessPages:
    """The pages of the newest generation this process has seen, least recently used out first
    past `limit` bytes. A page of an older generation is never stored or returned."""

    def __init__(self, limit: int):
        self.limit = limit
        self.generation = None
        self.pages: OrderedDict[str, tuple] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, generation: int, key: str):
        with self.lock:
            if generation != self.generation:
                return None
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, generation: int, key: str, page: tuple) -> None:
        size = len(page[0])
        if size > self.limit:
            return
        with self.lock:
            if self.generation is None or generation > self.generation:
                self.pages.clear()
                self.size = 0
                self.generation = generation
            elif generation < self.generation:
                return
            old = self.pages.pop(key, None)
            if old is not None:
                self.size -= len(old[0])
            self.pages[key] = page
            self.size += size
            while self.size > self.limit:
                _key, evicted = self.pages.popitem(last=False)
                self.size -= len(evicted[0])

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.size = 0
            self.generation = None


process_pages = ProcessPages(settings.PUBLIC_PAGE_CACHE_MEMORY)


def shared_cache():
    """The cache all processes share, or None (a per-process cache is no shared cache)."""
    return caches["default"] if settings.CACHE_IS_SHARED else None


def page_cache_enabled() -> bool:
    """Whether pages are cached in this configuration (asked once, at start-up)."""
    if not settings.PUBLIC_PAGE_CACHE:
        return False
    if settings.SERVER_PROCESSES > 1 and not settings.CACHE_IS_SHARED:
        logger.warning(
            "Public page cache is OFF: %d worker processes and no shared cache. Each process would "
            "render and keep its own copy of every page. Set DJANGO_CACHE_URL=redis://… to turn it on.",
            settings.SERVER_PROCESSES,
        )
        return False
    return True


# --- facts per generation ----------------------------------------------------------------------

_facts: dict[str, tuple[int, object]] = {}
_facts_lock = threading.Lock()


def per_generation(name: str, compute):
    """compute() once per generation of published content in this process (for facts many pages
    show, such as the years and regions of the filter form); every time with the cache off."""
    if not settings.PUBLIC_PAGE_CACHE:
        return compute()
    generation = _request_generation.get()
    if generation is None:
        generation = current_generation()
    with _facts_lock:
        known = _facts.get(name)
    if known is not None and known[0] == generation:
        return known[1]
    value = compute()
    with _facts_lock:
        _facts[name] = (generation, value)
    return value


def clear_process_memory() -> None:
    """Forget the pages and facts kept in this process (tests)."""
    process_pages.clear()
    with _facts_lock:
        _facts.clear()


# --- the middleware ----------------------------------------------------------------------------


def _variant(request) -> str:
    # The API negotiates JSON or the browsable HTML page from Accept/?format=.
    accept = request.META.get("HTTP_ACCEPT", "") if request.path.startswith("/api/") else ""
    raw = "\n".join((request.get_host(), request.get_full_path(), request.LANGUAGE_CODE, accept))
    return hashlib.sha1(raw.encode()).hexdigest()


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
        self.enabled = page_cache_enabled()

    def __call__(self, request):
        if (
            not self.enabled
            or not settings.PUBLIC_PAGE_CACHE  # tests switch it per test
            or request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or not _cacheable_path(request.path_info, getattr(request, "urlconf", None) or settings.ROOT_URLCONF)
        ):
            return self.get_response(request)
        try:
            generation = current_generation()
        except DatabaseError:  # the view meets the outage too and answers with the 503 page
            return self.get_response(request)
        token = _request_generation.set(generation)
        try:
            return self._serve(request, generation)
        finally:
            _request_generation.reset(token)

    def _serve(self, request, generation: int):
        key = f"page:{release_id()}:{generation}:{_variant(request)}"
        page = process_pages.get(generation, key)
        shared = shared_cache()
        if page is None and shared is not None:
            page = shared.get(key)  # None when missing, or when the cache is down or slow
            if page is not None:
                process_pages.put(generation, key, page)
        if page is not None:
            response = _rebuild(page)
            response["X-Page-Cache"] = "hit"
        else:
            response = self.get_response(request)
            if _storable(response):
                _finish(response, generation)
                page = _freeze(response)
                process_pages.put(generation, key, page)
                if shared is not None:
                    shared.set(key, page, PAGE_TIMEOUT)
            response["X-Page-Cache"] = "miss"
        if response.status_code == 200 and response.has_header("ETag"):
            return get_conditional_response(
                request, etag=response["ETag"], last_modified=generation // 1_000_000, response=response
            )
        return response


def _storable(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def _finish(response, generation: int) -> None:
    response["ETag"] = '"%s"' % hashlib.sha1(response.content).hexdigest()[:24]
    # Generation numbers are microseconds since the epoch: the time of the last change.
    response["Last-Modified"] = http_date(generation // 1_000_000)
    # Revalidate every time (cheap with the ETag): a publication shows at once.
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    patch_vary_headers(response, ("Accept-Language", "Cookie"))


def _freeze(response) -> tuple:
    headers = [(k, v) for k, v in response.items() if k.lower() not in _NOT_STORED]
    return (response.content, headers)


def _rebuild(page) -> HttpResponse:
    content, headers = page
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response
