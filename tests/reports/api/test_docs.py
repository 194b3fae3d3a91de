"""/api/: the human documentation page — Russian (English on request), server-rendered, no JavaScript."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def page(client):
    return page_html(client.get(reverse("api:docs")))


def page_html(response):
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
        # The licence of the texts and data, named and linked.
        '<a rel="license" href="https://creativecommons.org/licenses/by/4.0/">',
        "CC BY 4.0",
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
        if attr == "https://creativecommons.org/licenses/by/4.0/":  # the licence's text: a link, not an asset
            continue
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


# --- English -------------------------------------------------------------------------------------

CYRILLIC = re.compile(r"[А-Яа-яЁё]")


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """The language middleware leaves the request's language active in this thread: put Russian back."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def english(client):
    """A client whose reader chose English with the site's switch (the language cookie). Its
    browser's Accept-Language says Russian: the choice is what counts."""
    assert client.get("/language/", {"language": "en", "next": "/api/"}).status_code == 302
    return {"HTTP_ACCEPT_LANGUAGE": "ru-RU,ru;q=0.9"}


def elements(html, *tags):
    """The inner HTML of every <tag …>…</tag> of these tags."""
    return [m.group(2) for m in re.finditer(r"<(%s)\b[^>]*>(.*?)</\1>" % "|".join(tags), html, re.S)]


def test_english_page(client, corpus, english):
    response = client.get(reverse("api:docs"), **english)
    html = page_html(response)
    assert '<html lang="en">' in html
    assert "<title>Open data and API — ASDG reports portal</title>" in html
    assert re.search(r'<meta name="description" content="Open data of the ASDG reports portal: [^"]*">', html)
    assert '<nav class="toc" aria-label="Contents">' in html
    for text in (
        "<h1>Open data: ASDG city reports</h1>",
        '<p class="lead">All reports on public engagement by the cities of the Association of Siberian',
        "<h2>What data is available</h2>",
        "<h2>List of reports: <code>GET /api/reports/</code></h2>",
        "<h2>A full report: <code>GET /api/reports/{id}/</code></h2>",
        "<h3>Example response (abridged)</h3>",
        "<h3>Example response (abridged: at most two items per section)</h3>",
        "Only <strong>published</strong> reports (currently 4)",
        # The sections, from reports.models.SECTIONS, in the reader's language.
        "<li><code>achievements</code> — achievements;</li>",
        "<li><code>tasks</code> — tasks for next year (each with the <code>year</code> it is set for);</li>",
        "<li><code>proposals</code> — requests to the Association (each with a <code>kind</code>, see below).</li>",
        "Reporting year, a whole number from 1990 to 2100.",
        "Reports per page: 50 by default, at most 200.",
        "<td>Guidance materials, experience of other cities</td>",  # ProposalKind's label
    ):
        assert text in html, text
    # No Russian in the page's title, description, headings and table headers: they are all UI.
    for tag in ("title", "h1", "h2", "h3", "th"):
        for inner in elements(html, tag):
            assert not CYRILLIC.search(inner), (tag, inner)
    # In the article, Russian may remain only in data: code and examples, municipality names and
    # the Russian search words the search help is about.
    article = html[html.index('<article class="api-docs">') : html.index("</article>")]
    for data in (r"<pre>.*?</pre>", r"<code>.*?</code>", r"“[а-яё]+”|“ТОС”"):
        article = re.sub(data, "", article, flags=re.S)
    names = {report.municipality.name for report in corpus.values()}
    for name in names:
        article = article.replace(f"<td>{name}</td>", "")
    leftovers = sorted({line.strip() for line in article.splitlines() if CYRILLIC.search(line)})
    assert not leftovers, "untranslated:\n" + "\n".join(leftovers)
    # The data itself is not translated.
    assert all(f"<td>{name}</td>" in html for name in names)
    assert "<code>Республика Хакасия</code>" in html


def test_english_page_without_data(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = page_html(client.get(reverse("api:docs")))
    assert "<h3>Example response (illustrative data)</h3>" in html
    assert "<p>No reports have been published yet.</p>" in html
    for tag in ("title", "h1", "h2", "h3", "th"):
        for inner in elements(html, tag):
            assert not CYRILLIC.search(inner), (tag, inner)


def test_russian_by_default(client, corpus):
    html = page(client)
    assert '<html lang="ru">' in html
    assert "<title>Открытые данные и API — Портал отчётов АСДГ</title>" in html
    for text in (
        '<nav class="toc" aria-label="Содержание">',
        "<h1>Открытые данные: отчёты городов АСДГ</h1>",
        "<h2>Какие данные доступны</h2>",
        "<h2>Список отчётов: <code>GET /api/reports/</code></h2>",
        "<h3>Пример ответа (сокращён)</h3>",
        "<li><code>achievements</code> — достижения;</li>",
        "<li><code>tasks</code> — задачи на следующий год (у каждой — год <code>year</code>, на который она поставлена);</li>",
        "<li><code>proposals</code> — запросы к Ассоциации (у каждого — вид <code>kind</code>, см. ниже).</li>",
        "Отчётный год, целое число от 1990 до 2100.",
        "<code>{&quot;year&quot;: [&quot;Введите целое число.&quot;]}</code>",
    ):
        assert text in html, text
    for english_text in ("Open data", "What data is available", "Example response", "Parameters"):
        assert english_text not in html, english_text
