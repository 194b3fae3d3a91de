from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from portal.page_cache import public_page

from . import views

app_name = "api"

router = SimpleRouter()
router.register("reports", views.ReportViewSet, basename="report")
router.register("themes", views.ThemeViewSet, basename="theme")

urlpatterns = [
    path("", public_page(views.docs), name="docs"),
    path("schema/", public_page(SpectacularAPIView.as_view(), params=("format", "lang")), name="schema"),
    *router.urls,
]
# The list and detail views the router built: anonymous reads, cached by generation (a report's
# record, one of hundreds of thousands made from its stored document, in process memory only).
LIST_PARAMS = (*views.ApiReportFilter.base_filters, "page", "page_size", "format")
for pattern in router.urls:
    if pattern.name.startswith("theme-"):
        public_page(pattern.callback, params=("format",))
        continue
    detail = pattern.name.startswith("report-detail")
    public_page(pattern.callback, shared=not detail, params=("format",) if detail else LIST_PARAMS)
