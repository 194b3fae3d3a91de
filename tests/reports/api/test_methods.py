"""Read-only: every unsafe method is 405 (CSRF does not come into it) and changes nothing."""

import pytest
from django.test import Client

from reports.models import Report

pytestmark = pytest.mark.django_db

UNSAFE = ["post", "put", "patch", "delete"]


@pytest.mark.parametrize("method", UNSAFE)
@pytest.mark.parametrize("path", ["/api/reports/", "/api/reports/{pk}/", "/api/schema/"])
def test_unsafe_methods_are_405(corpus, method, path):
    report = corpus["sayan_2024"]
    before = list(Report.objects.values_list("pk", "status", "year", "version").order_by("pk"))
    # A client that enforces CSRF like a browser would: the answer is still 405, not 403.
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(
        path.format(pk=report.pk),
        data='{"year": 1999}',
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 405, (method, path, response.status_code)
    assert "GET" in response["Allow"]
    assert method.upper() not in response["Allow"]
    assert list(Report.objects.values_list("pk", "status", "year", "version").order_by("pk")) == before


@pytest.mark.parametrize("method", UNSAFE)
def test_unsafe_methods_on_the_docs_page_are_405(client, method):
    response = getattr(client, method)("/api/")
    assert response.status_code == 405


@pytest.mark.parametrize("path", ["/api/reports/", "/api/reports/{pk}/"])
def test_head_and_options_are_fine(client, corpus, path):
    path = path.format(pk=corpus["sayan_2024"].pk)
    assert client.head(path, HTTP_ACCEPT="application/json").status_code == 200
    response = client.options(path, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}
