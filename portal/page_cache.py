"""Whole public pages for anonymous visitors, kept per generation of published content.

Which pages are still true is a fact in the database: reports.publication moves on the
*generations* of the scopes a change touches (rows, in the transaction of every change the
public can see) — "all", "lists" (pages that list reports), "city:<slug>", "year:<Y>". Every
cacheable request reads the numbers of its page's scopes (one small query) and looks for the
page under a key that contains them, so a page rendered before a change of its scopes is
simply never looked up again. Nothing is invalidated, nothing has to reach a cache at the
moment of a change, and an unreachable, slow or lost cache costs speed, never correctness. A
report page's scopes are its city and its year: publishing another city's report of another
year leaves it cached.

Pages are kept in this process's memory (up to PUBLIC_PAGE_CACHE_MEMORY bytes, least recently
used out first; a hit costs the generations query and nothing else) and, for the pages that
are costly to make and shared by many (home, lists, search, feed, API lists), in the shared
cache too (Redis via django-redis, compressed, with timeouts of tens of milliseconds and errors
ignored), where a page rendered by one process is found by the others. The pages of single
reports and cities are made from their stored renderings in a millisecond or two and number
hundreds of thousands: they stay in process memory (see `public_page`).

With several worker processes and no shared cache the page cache turns itself off at
start-up and says so in the log: every process would render and keep its own copy of every
page. Facts that many pages show and that change only with the lists (the years and regions
of the filter form) are computed once per generation per process (`per_generation`).

Only anonymous GET/HEAD requests of views marked with `public_page` are served (no signed-in
session: the public pages show nothing personal; the back office is never cached). Such a page
declares the query parameters it reads; any other parameter is dropped before the view and the
rest put in one order, so `?utm_source=…` or junk neither makes a new cached copy nor shows up
in the page's links. Responses
carry an ETag and Last-Modified and are revalidated on every visit, so a browser or proxy
gets a cheap 304 (by the ETag) and never keeps a page past a change.
"""

import hashlib
import logging
import threading
from collections import OrderedDict
from contextvars import ContextVar
from functools import lru_cache
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches
from django.db import DatabaseError
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from reports.publication import ALL, LISTS, generations

from .release import release_id

logger = logging.getLogger("portal.page_cache")

# A page's life in the shared cache: pages of old generations age out by themselves.
PAGE_TIMEOUT = 24 * 3600
# Headers that belong to one response only.
_NOT_STORED = {"set-cookie", "date", "content-security-policy"}
# The generations the current request is served in: {scope: number}.
_request_generations: ContextVar[dict | None] = ContextVar("public_generations", default=None)


def public_page(view, scopes=None, shared=True, params=()):
    """Mark a view whose anonymous GET responses may be cached. `params`: the query parameters
    its pages read (the others are dropped before it runs). `scopes(**url_kwargs)` names the
    scopes of published content its pages show, besides "all"; by default the lists. `shared`:
    kept in the shared cache as well as in each process's memory. Pages with one address per
    report or city (hundreds of thousands, each cheap to make from its stored rendering) are not:
    they would push the few costly pages (lists, search) out of Redis, and sending each there and
    back costs as much as making it again."""
    view.public_page_scopes = scopes or (lambda **kwargs: (LISTS,))
    view.public_page_shared = shared
    view.public_page_params = frozenset(params)
    return view


# --- where pages are kept --------------------------------------------------------------------


class ProcessPages:
    """Pages this process rendered or fetched, least recently used out first past `limit` bytes.
    Keys hold the generations, so a page of an old generation is never asked for again and
    simply ages out."""

    def __init__(self, limit: int):
        self.limit = limit
        self.pages: OrderedDict[str, tuple] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key: str, page: tuple) -> None:
        size = len(page[0])
        if size > self.limit:
            return
        with self.lock:
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

_facts: dict[str, tuple[tuple, object]] = {}
_facts_lock = threading.Lock()
_FACT_SCOPES = (ALL, LISTS)


def per_generation(name: str, compute):
    """compute() once per generation of the lists in this process (for facts many pages show,
    such as the years and regions of the filter form); every time with the cache off."""
    if not settings.PUBLIC_PAGE_CACHE:
        return compute()
    known_now = _request_generations.get() or {}
    if all(scope in known_now for scope in _FACT_SCOPES):
        numbers = tuple(known_now[scope] for scope in _FACT_SCOPES)
    else:
        numbers = generations(_FACT_SCOPES)
    with _facts_lock:
        known = _facts.get(name)
    if known is not None and known[0] == numbers:
        return known[1]
    value = compute()
    with _facts_lock:
        _facts[name] = (numbers, value)
    return value


def clear_process_memory() -> None:
    """Forget the pages and facts kept in this process (tests)."""
    process_pages.clear()
    with _facts_lock:
        _facts.clear()


# --- the middleware ----------------------------------------------------------------------------


def _variant(request) -> str:
    # The API negotiates JSON or the browsable HTML page from Accept/?format=.
    accept = request.headers.get("accept", "") if request.path.startswith("/api/") else ""
    raw = "\n".join((request.get_host(), request.get_full_path(), request.LANGUAGE_CODE, accept))
    return hashlib.sha1(raw.encode()).hexdigest()


@lru_cache(maxsize=8192)
def _page_scopes(path: str, urlconf) -> tuple[tuple[str, ...], bool, frozenset] | None:
    """(The scopes of the page at `path`, "all" first; whether it goes to the shared cache; the
    query parameters it reads), or None if it is not a cacheable page. Resolving costs as much
    as the rest of a cache hit, and the answer for a path never changes while the process runs
    (the URLconf is fixed)."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    scopes = getattr(match.func, "public_page_scopes", None)
    if scopes is None:
        return None
    return (ALL, *scopes(**match.kwargs)), match.func.public_page_shared, match.func.public_page_params


def _keep_only(request, params: frozenset) -> None:
    """The query as the page reads it: its own parameters only, in one order (both request.GET
    and the query string, which links and the cache key are made from)."""
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return
    clean = QueryDict(mutable=True)
    for key in sorted(params & request.GET.keys()):
        clean.setlist(key, request.GET.getlist(key))
    canonical = clean.urlencode()
    if canonical != query:
        clean._mutable = False
        request.GET = clean
        request.META["QUERY_STRING"] = canonical


def _signed_in(request) -> bool:
    """A session cookie that belongs to a signed-in person (one query); any other cookie value —
    stale, made up — is an anonymous visitor and gets the cached page."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(key)
    try:
        return SESSION_KEY in store.load()
    except DatabaseError:  # the view meets the outage too and answers with the 503 page
        return True


class PublicPageCacheMiddleware:
    """Goes right after the language middleware (the language is part of the key: it comes from the
    language cookie only, so a page has one copy per language, whatever the browser's Accept-Language)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = page_cache_enabled()

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        found = _page_scopes(request.path_info, getattr(request, "urlconf", None) or settings.ROOT_URLCONF)
        if found is None:
            return self.get_response(request)
        scopes, shared, params = found
        _keep_only(request, params)  # whether cached or not: a page never depends on the cache
        if (
            not self.enabled
            or not settings.PUBLIC_PAGE_CACHE  # tests switch it per test
            or _signed_in(request)
        ):
            return self.get_response(request)
        try:
            numbers = generations(scopes)
        except DatabaseError:  # the view meets the outage too and answers with the 503 page
            return self.get_response(request)
        token = _request_generations.set(dict(zip(scopes, numbers)))
        try:
            return self._serve(request, numbers, shared_cache() if shared else None)
        finally:
            _request_generations.reset(token)

    def _serve(self, request, numbers: tuple[int, ...], shared):
        key = f"page:{release_id()}:{'.'.join(map(str, numbers))}:{_variant(request)}"
        page = process_pages.get(key)
        if page is None and shared is not None:
            page = shared.get(key)  # None when missing, or when the cache is down or slow
            if page is not None:
                process_pages.put(key, page)
        if page is not None:
            response = _rebuild(page)
            response["X-Page-Cache"] = "hit"
        else:
            response = self.get_response(request)
            if _storable(response):
                _finish(response, max(numbers))
                page = _freeze(response)
                process_pages.put(key, page)
                if shared is not None:
                    shared.set(key, page, PAGE_TIMEOUT)
            response["X-Page-Cache"] = "miss"
        if response.status_code == 200 and response.has_header("ETag"):
            # By the ETag only: Last-Modified counts whole seconds, and two versions of a page made
            # within one second would share it (a 304 for the older one would be stale).
            return get_conditional_response(request, etag=response["ETag"], response=response)
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
    # Generation numbers are microseconds since the epoch: the time of the page's last change.
    response["Last-Modified"] = http_date(generation // 1_000_000)
    # Revalidate every time (cheap with the ETag): a publication shows at once.
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    # The language cookie chooses the language (portal/language.py); Accept-Language changes nothing.
    patch_vary_headers(response, ("Cookie",))


def _freeze(response) -> tuple:
    headers = [(k, v) for k, v in response.items() if k.lower() not in _NOT_STORED]
    return (response.content, headers)


def _rebuild(page) -> HttpResponse:
    content, headers = page
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response
