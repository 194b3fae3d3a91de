from django.urls import path

from . import exports, feeds, views
from portal.page_cache import public_page

app_name = "public"

urlpatterns = [
    path("", public_page(views.home), name="home"),
    path("reports/", public_page(views.report_list), name="report_list"),
    path("reports/export.csv", exports.export_csv, name="export_csv"),
    path("reports/export.json", exports.export_json, name="export_json"),
    path("reports/<slug:slug>/<int:year>/", public_page(views.report_detail), name="report_detail"),
    path("municipalities/", public_page(views.municipality_list), name="municipality_list"),
    path("municipalities/<slug:slug>/", public_page(views.municipality_detail), name="municipality_detail"),
    path("search/", public_page(views.search), name="search"),
    path("feed/", public_page(feeds.LatestReportsFeed()), name="feed"),
]
