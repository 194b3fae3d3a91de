from django.urls import path

from portal.page_cache import public_page

from ..publication import city_scope, year_scope
from . import exports, feeds, previews, views
from .filters import ReportFilter

app_name = "public"

# Preview images for shared links (reports/public/previews.py), kept like pages: a report's and a
# city's under their city's generations (in process memory, as their pages), the portal's under the lists'.
PREVIEW_PARAMS = ("lang",)

urlpatterns = [
    path("", public_page(views.home), name="home"),
    path("preview.png", public_page(previews.site_preview, params=PREVIEW_PARAMS), name="site_preview"),
    path("reports/", public_page(views.report_list, params=(*ReportFilter.base_filters, "page")), name="report_list"),
    path("reports/export.csv", exports.export_csv, name="export_csv"),
    path("reports/export.json", exports.export_json, name="export_json"),
    path(
        "reports/<slug:slug>/<int:year>/",
        # Its city's other years and its year's neighbours are on it: not the lists' scope.
        public_page(
            views.report_detail,
            scopes=lambda slug, year: (city_scope(slug), year_scope(year)),
            shared=False,
            params=("q",),  # the words of a search, marked
        ),
        name="report_detail",
    ),
    path(
        "reports/<slug:slug>/<int:year>/preview.png",
        public_page(
            previews.report_preview,
            scopes=lambda slug, year: (city_scope(slug),),
            shared=False,
            params=PREVIEW_PARAMS,
        ),
        name="report_preview",
    ),
    path("municipalities/", public_page(views.municipality_list, params=("region",)), name="municipality_list"),
    path(
        "municipalities/<slug:slug>/",
        public_page(views.municipality_detail, scopes=lambda slug: (city_scope(slug),), shared=False),
        name="municipality_detail",
    ),
    path(
        "municipalities/<slug:slug>/preview.png",
        public_page(
            previews.municipality_preview,
            scopes=lambda slug: (city_scope(slug),),
            shared=False,
            params=PREVIEW_PARAMS,
        ),
        name="municipality_preview",
    ),
    path("search/", public_page(views.search, params=("q", "theme", "page")), name="search"),
    path("feed/", public_page(feeds.LatestReportsFeed()), name="feed"),
]
