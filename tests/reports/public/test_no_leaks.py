"""No public URL ever shows a report that is not published."""

import pytest
from django.urls import reverse

from reports.status import Status

from .conftest import SECRET

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    "/",
    "/reports/",
    "/reports/?year=2011",
    "/reports/?has=proposals",
    "/reports/export.csv",
    "/reports/export.json",
    "/municipalities/",
    "/search/?q=" + SECRET,
    "/search/?q=Скрытград1",
    "/feed/",
    "/sitemap.xml",
    "/api/reports/",
    "/api/reports/?q=" + SECRET,
    "/api/themes/",
    # Issue 16 and 17: themes, the needs digest, comparison, statistics, compendiums.
    "/reports/?theme=tos",
    "/reports/export.csv?theme=tos",
    "/search/?theme=tos&q=" + SECRET,
    "/themes/",
    "/themes/tos/",
    "/themes/youth/?year=2011",
    "/needs/",
    "/needs/2024/",
    "/compare/?city=sayanogorsk&city=hidden-1",
    "/compare/",
    "/stats/",
    "/stats/reports-per-year.csv",
    "/stats/cities-by-region.csv",
    "/stats/themes-by-year.csv",
    "/stats/plan-fulfilment.csv",
    "/stats/request-kinds.csv",
    "/compendium/",
]


def body(response):
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode("utf-8")


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_lists_and_feeds_show_only_published(client, url, hidden_reports, published):
    response = client.get(url)
    assert response.status_code == 200
    text = body(response)
    if url.startswith("/search/"):
        # The page repeats the query itself; what matters is that nothing is found.
        assert response.context["total"] == 0
        text = text.replace(response.context["query"], "")
    if "?q=" in url and url.startswith("/api/"):
        assert response.json()["count"] == 0
    assert SECRET not in text
    for report in hidden_reports.values():
        assert report.municipality.name not in text, (url, report.status)
        assert report.municipality.region not in text


@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.CHANGES_REQUESTED, Status.WITHDRAWN]
)
def test_pages_of_hidden_reports_are_404(client, hidden_reports, status):
    report = hidden_reports[status]
    page = client.get(f"/reports/{report.municipality.slug}/{report.year}/")
    # A withdrawn report's former address says so (410, tests/reports/public/test_gone.py); the
    # text of the report is gone from it like from every other page.
    assert page.status_code == (410 if status == Status.WITHDRAWN else 404)
    assert SECRET not in body(page)
    assert client.get(f"/municipalities/{report.municipality.slug}/").status_code == 404
    assert client.get(f"/api/reports/{report.pk}/").status_code == 404
    for path in (f"/needs/{report.year}/", f"/needs/{report.year}.xlsx", f"/needs/{report.year}.docx"):
        assert client.get(path).status_code == 404, path
    for path in (f"/compendium/{report.year}.pdf", f"/compendium/{report.year}.docx"):
        assert client.get(path).status_code == 404, path
    assert client.get(f"/reports/{report.municipality.slug}/{report.year}/pdf/").status_code in (404, 410)
    assert client.get(f"/reports/export.csv?municipality={report.municipality.slug}").status_code in (200, 400)
    assert SECRET not in body(client.get(f"/reports/export.csv?year={report.year}"))


def test_published_report_is_everywhere(client, published):
    url = reverse("public:report_detail", args=[published.municipality.slug, published.year])
    for page in ["/", "/reports/", "/feed/", "/sitemap.xml", "/api/reports/"]:
        assert published.municipality.name in body(client.get(page)) or url in body(client.get(page)), page
    response = client.get(url)
    assert response.status_code == 200
    assert "Проведён форум ТОС 2024" in body(response)


def test_withdrawing_removes_a_report_from_the_public(client, published, moderator, django_capture_on_commit_callbacks):
    from reports import workflow

    url = published.get_absolute_url()
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(published, moderator, "ошибка в цифрах")
    assert client.get(url).status_code == 410
    assert "Проведён форум ТОС 2024" not in body(client.get(url))
    assert published.municipality.name not in body(client.get("/reports/"))
    assert client.get(f"/search/?q={published.municipality.name}").context["total"] == 0
