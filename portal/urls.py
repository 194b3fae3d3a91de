from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.http import HttpResponse
from django.urls import include, path

from reports.public.sitemaps import SITEMAPS

from .health import healthz, readyz
from .language import switch_language


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /reports/export.csv",
        "Disallow: /reports/export.json",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("reports.api.urls")),
    path("language/", switch_language, name="switch_language"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("", include("themes.urls")),
    path("", include("insights.urls")),
    path("", include("compendium.urls")),
    path("", include("reports.public.urls")),
]

if settings.BENCH_ENABLED:  # the benchmark's yardstick (devtools), never in a normal deployment
    urlpatterns.insert(0, path("", include("devtools.urls")))

# A database outage is answered with a 503 page, every other failure with 500.html.
handler500 = "portal.errors.server_error"
# 403 and 404 inside /admin/ are pages of the back office (its menu, a way back); elsewhere the public ones.
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
