from django.urls import path, re_path

from portal.page_cache import public_page

from . import views

app_name = "insights"

# Pages across cities: the default scopes (the lists), as every page that shows many cities' reports.
urlpatterns = [
    path("needs/", public_page(views.needs_index), name="needs_index"),
    path("needs/<int:year>/", public_page(views.needs_year), name="needs_year"),
    re_path(r"^needs/(?P<year>[0-9]{4})\.(?P<extension>xlsx|docx)$", views.needs_download, name="needs_download"),
    path("compare/", public_page(views.compare_page, params=("city", "year")), name="compare"),
    path("stats/", public_page(views.stats), name="stats"),
    path("stats/<slug:key>.csv", views.stats_csv, name="stats_csv"),
]
