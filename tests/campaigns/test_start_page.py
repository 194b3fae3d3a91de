"""The city editor's start page during a campaign: what to do now — the report's state, the
deadline and the days left, the moderator's comment if returned, the empty sections, one button."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.collection import open_campaign
from campaigns.models import Membership, ReportingCampaign
from reports import workflow
from reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(members, letters):
    today = timezone.localdate()
    campaign = ReportingCampaign.objects.create(
        year=today.year - 1,
        opens_on=today - timedelta(days=3),
        deadline=today + timedelta(days=12),
        instructions="Кратко.",
    )
    letters(lambda: open_campaign(campaign, today))
    return campaign


def task_panel(client):
    page = client.get(reverse("admin:index")).content.decode()
    start = page.index('class="portal-panel campaign-task"')
    return " ".join(page[start : page.index("</section>", start)].split())


def test_the_start_page_says_what_to_do_now(login, running):
    panel = task_panel(login("city"))
    year = running.year
    assert f"Ваш отчёт за {year} год: не начат" in panel
    assert "(через 12 дней)" in panel
    assert "Пока не заполнены разделы: Достижения, Проблемы, Задачи на следующий год, Запросы к Ассоциации." in panel
    report = Report.objects.get(municipality__slug="sayanogorsk", year=year)
    assert f'href="{reverse("admin:reports_report_change", args=[report.pk])}">Продолжить отчёт<' in panel
    assert "Кратко." in panel


def test_a_returned_report_shows_the_moderators_comment(login, running, city_editor, moderator):
    report = Report.objects.get(municipality__slug="sayanogorsk", year=running.year)
    workflow.submit(report, city_editor)
    workflow.request_changes(report, moderator, "Добавьте число участников.")
    panel = task_panel(login("city"))
    assert "возвращён на доработку" in panel and "Добавьте число участников." in panel


def test_a_submitted_report_is_thanked_not_chased(login, running, city_editor):
    workflow.submit(Report.objects.get(municipality__slug="sayanogorsk", year=running.year), city_editor)
    panel = task_panel(login("city"))
    assert "Отчёт сдан — спасибо!" in panel and "Открыть отчёт" in panel and "через" not in panel


def test_overdue_in_words(login, running):
    ReportingCampaign.objects.filter(pk=running.pk).update(deadline=timezone.localdate() - timedelta(days=2))
    assert "(срок прошёл 2 дня назад)" in task_panel(login("city"))


def test_a_city_that_is_not_a_member_sees_no_campaign(login, running, sayan):
    Membership.objects.filter(municipality=sayan).update(until=date(2020, 12, 31))
    page = login("city").get(reverse("admin:index")).content.decode()
    assert "campaign-task" not in page


def test_the_campaigns_panel_is_not_repeated_by_the_years_line(login, running):
    page = login("city").get(reverse("admin:index")).content.decode()
    assert "уже есть" not in page and "Написать отчёт за" not in page
    assert page.count("Продолжить отчёт") == 1
