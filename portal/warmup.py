"""Work every worker process would otherwise do on its first requests, done once before forking.

gunicorn loads the application in its master process and forks the workers from it
(preload_app, gunicorn.conf.py); a worker also replaces one that reached max_requests. What the
master has already done, every worker inherits: compiled templates, translation catalogs, the
URL resolver's reverse map, the static files manifest, the release id. Without this a fresh
worker spends its first requests compiling templates (a p99 of 150 ms at each worker recycle,
measured with `make bench`). Nothing here touches the database or the cache: no connection may
be opened before the fork.
"""

import logging
import time

from django.conf import settings
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation

logger = logging.getLogger("portal.warmup")

# Every template a public page is made of (the cached template loader keeps them compiled).
PUBLIC_TEMPLATES = [
    "public/base.html",
    "public/_head.html",
    "public/_header.html",
    "public/_footer.html",
    "public/home.html",
    "public/report_list.html",
    "public/report_detail.html",
    "public/_report_body.html",
    "public/municipality_list.html",
    "public/municipality_detail.html",
    "public/_municipality_body.html",
    "public/search.html",
    "public/_report_card.html",
    "public/_pagination.html",
    "api/docs.html",
    "404.html",
    "500.html",
    "503.html",
]


def warm_up() -> None:
    started = time.monotonic()
    for name in PUBLIC_TEMPLATES:
        get_template(name)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext(code)  # loads the language's catalogs (any text will do)
    reverse("public:home")  # builds the URL resolver's reverse map
    if not settings.DEBUG:
        static("public/site.css")  # loads the manifest of hashed static file names
    from reports.public.links import municipality_url, report_url

    from .release import release_id

    release_id()
    report_url("x", 2000), municipality_url("x")
    logger.info("warmed up in %.0f ms", (time.monotonic() - started) * 1000)
