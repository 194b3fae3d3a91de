from django.urls import path

from . import exports, feeds, views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/export.csv", exports.export_csv, name="export_csv"),
    path("reports/export.json", exports.export_json, name="export_json"),
    path("reports/<slug:slug>/<int:year>/", views.report_detail, name="report_detail"),
    path("municipalities/", views.municipality_list, name="municipality_list"),
    path("municipalities/<slug:slug>/", views.municipality_detail, name="municipality_detail"),
    path("search/", views.search, name="search"),
    path("feed/", feeds.LatestReportsFeed(), name="feed"),
]
