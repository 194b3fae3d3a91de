"""/api/: the human documentation page — Russian, server-rendered, no JavaScript."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def page(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode("utf-8")


def test_url_names():
    assert reverse("api:docs") == "/api/"
    assert reverse("api:report-list") == "/api/reports/"
    assert reverse("api:report-detail", args=[5]) == "/api/reports/5/"
    assert reverse("api:schema") == "/api/schema/"


def test_renders_in_russian_with_every_endpoint(client, corpus):
    html = page(client)
    assert '<html lang="ru">' in html
    for text in (
        "Открытые данные",
        "Данные можно свободно использовать со ссылкой на портал",
        "/api/reports/",
        "/api/reports/{id}/",
        "/api/schema/",
        "/reports/export.csv",
        "/reports/export.json",
        "curl",
    ):
        assert text in html, text
    for param in ("year", "municipality", "region", "q", "page", "page_size"):
        assert f"<code>{param}</code>" in html, param


def test_no_javascript_and_no_external_assets(client, corpus):
    html = page(client)
    assert "<script" not in html.lower()
    assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE)  # no inline handlers
    assert "javascript:" not in html.lower()
    for attr in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not attr.startswith(("//", "https://")) or "testserver" in attr, attr
        if attr.startswith("http://"):
            assert attr.startswith("http://testserver/"), attr


def test_extends_the_public_site(client, corpus):
    html = page(client)
    assert 'class="site-header"' in html and 'class="site-footer"' in html


def test_example_comes_from_real_data(client, corpus):
    html = page(client)
    latest = max(corpus.values(), key=lambda r: (r.published_at, r.pk))
    assert f"http://testserver/api/reports/{latest.pk}/" in html
    assert latest.municipality.name in html
    assert "условные данные" not in html
    # Values that can be used in filters are listed.
    for slug in ("sayanogorsk", "kogalym", "abakan"):
        assert f"<code>{slug}</code>" in html
    assert "<code>Республика Хакасия</code>" in html


def test_static_example_without_data(client, db):
    html = page(client)
    assert "условные данные" in html
    assert "Опубликованных отчётов пока нет" in html
    assert "&quot;achievements&quot;" in html


def test_hidden_reports_are_not_shown(client, corpus, hidden):
    from .conftest import SECRET

    html = page(client)
    assert SECRET not in html
    for report in hidden.values():
        assert report.municipality.name not in html
        assert report.municipality.slug not in html


def test_every_link_of_the_documentation_works(client, corpus):
    html = page(client)
    article = html[html.index('<article class="api-docs">') : html.index("</article>")]
    links = set(re.findall(r'href="([^"#]+)"', article))
    local = {href.replace("http://testserver", "") for href in links if href.startswith(("/", "http://testserver"))}
    assert {"/api/schema/", "/reports/export.csv", "/reports/export.json"} <= {h.split("?")[0] for h in local}
    for href in local:
        response = client.get(href.replace("&amp;", "&"))
        assert response.status_code == 200, href
