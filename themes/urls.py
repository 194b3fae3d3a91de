from django.urls import path

from portal.page_cache import public_page

from . import views

app_name = "themes"

# Both show data across cities: the default scopes (the lists and "all"), moved on by
# reports.publication whenever published items or themes change.
urlpatterns = [
    path("themes/", public_page(views.theme_list), name="theme_list"),
    path(
        "themes/<slug:slug>/",
        public_page(views.theme_detail, params=("year", "region", "page")),
        name="theme_detail",
    ),
]
