"""Issue 14, item 11: a refusal in the back office is its own Russian page with the way back, and
"not found" there is the same frame; outside the back office the public pages answer."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from portal.errors import permission_denied
from reports.status import Status

pytestmark = pytest.mark.django_db

ADMIN_HEADER = "Отчёты городов АСДГ — рабочий кабинет"


def page(response):
    return response.content.decode()


def test_staff_without_a_role_gets_the_back_office_403(login):
    response = login("norole").get(reverse("admin:reports_report_changelist"))

    assert response.status_code == 403
    assert [t.name for t in response.templates][0] == "admin/403.html"
    html = page(response)
    assert '<html lang="ru"' in html
    assert ADMIN_HEADER in html  # inside the back office's frame
    assert "<h1>Нет доступа</h1>" in html
    assert "нет на это прав" in html
    assert f'href="{reverse("admin:index")}"' in html and "На рабочий стол" in html
    assert "Forbidden" not in html


def test_a_forbidden_action_on_a_visible_report_is_the_same_page(login, make_report):
    report = make_report(Status.SUBMITTED)

    # A city editor may not publish: the report exists for them, the action is refused.
    response = login("city").get(reverse("admin:reports_report_transition", args=[report.pk, "publish"]))

    assert response.status_code == 403
    assert "<h1>Нет доступа</h1>" in page(response)


def test_the_way_back_is_the_previous_page_when_it_is_ours(login):
    client = login("norole")
    url = reverse("admin:reports_report_changelist")

    came_from = "http://testserver/admin/"
    ours = client.get(url, HTTP_REFERER=came_from)
    elsewhere = client.get(url, HTTP_REFERER="https://evil.example/phish")

    assert f'href="{came_from}"' in page(ours) and "Вернуться назад" in page(ours)
    assert "evil.example" not in page(elsewhere) and "Вернуться назад" not in page(elsewhere)


def test_the_way_back_is_escaped(login):
    response = login("norole").get(
        reverse("admin:reports_report_changelist"), HTTP_REFERER='http://testserver/admin/?q="><script>x</script>'
    )
    assert "<script>x</script>" not in page(response)


def test_not_found_in_the_back_office_is_its_own_page(login):
    response = login("city").get(reverse("admin:reports_report_versions", args=[987654]))

    assert response.status_code == 404
    html = page(response)
    assert ADMIN_HEADER in html
    assert "<h1>Страница не найдена</h1>" in html
    assert "987654" not in html


def test_outside_the_back_office_the_public_403(db):
    request = RequestFactory().get("/reports/")

    response = permission_denied(request, PermissionDenied())

    assert response.status_code == 403
    html = page(response)
    assert "Нет доступа" in html
    assert ADMIN_HEADER not in html
    assert "Forbidden" not in html


def test_outside_the_back_office_the_public_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Такой страницы нет" in page(response)
    assert ADMIN_HEADER not in page(response)
