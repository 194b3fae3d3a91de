from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("reports", views.ReportViewSet, basename="report")

urlpatterns = [
    path("", views.docs, name="docs"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    *router.urls,
]
