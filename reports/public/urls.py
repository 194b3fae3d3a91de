from django.urls import path

from portal.page_cache import public_page

from ..publication import city_scope, year_scope
from . import exports, feeds, views
from .filters import ReportFilter

app_name = "public"

urlpatterns = [
    path("", public_page(views.home), name="home"),
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
    path("municipalities/", public_page(views.municipality_list, params=("region",)), name="municipality_list"),
    path(
        "municipalities/<slug:slug>/",
        public_page(views.municipality_detail, scopes=lambda slug: (city_scope(slug),), shared=False),
        name="municipality_detail",
    ),
    path("search/", public_page(views.search, params=("q", "page")), name="search"),
    path("feed/", public_page(feeds.LatestReportsFeed()), name="feed"),
]
