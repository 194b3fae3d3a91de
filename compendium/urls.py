from django.urls import path

from portal.page_cache import public_page
from reports.publication import city_scope, year_scope

from . import views

app_name = "compendium"

urlpatterns = [
    path("compendium/", views.compendium_list, name="list"),
    path("compendium/<int:year>.pdf", views.download_pdf, name="pdf"),
    path("compendium/<int:year>.docx", views.download_docx, name="docx"),
    path(
        "reports/<slug:slug>/<int:year>/pdf/",
        # Made on request (about a second of WeasyPrint): kept like the report's page, per
        # generation of its city and year, in each process's memory.
        public_page(
            views.report_pdf,
            scopes=lambda slug, year: (city_scope(slug), year_scope(year)),
            shared=False,
        ),
        name="report_pdf",
    ),
]
