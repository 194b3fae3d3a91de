"""End-to-end, the yearly collection (issue 15): the moderator creates and opens a campaign and
sees every member city in the table; a city receives the invitation, sees on its start page what
to do, fills in and submits its report; the table shows it."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import Membership
from reports.models import Report

from .helpers import AT_1280, add_row, do_transition, login, screenshots, section, status_badge

pytestmark = pytest.mark.browser


@pytest.fixture
def members(sayan, kogalym):
    for municipality in (sayan, kogalym):
        Membership.objects.create(municipality=municipality, since=date(2020, 1, 1))


def test_a_campaign_from_opening_to_a_submitted_report(new_page, members, editor, reviewer, other_editor):
    today = timezone.localdate()
    year, deadline = today.year - 1, today + timedelta(days=20)
    moderator = new_page()
    login(moderator, reviewer)
    moderator.goto("/admin/campaigns/reportingcampaign/add/")
    moderator.get_by_label("Отчётный год").fill(str(year))
    moderator.get_by_label("Открывается").fill(today.strftime("%d.%m.%Y"))
    moderator.get_by_label("Срок сдачи").fill(deadline.strftime("%d.%m.%Y"))
    moderator.get_by_label("Указания городам").fill("Напишите о работе с ТОС и НКО.")
    mail.outbox.clear()
    moderator.get_by_role("button", name="Сохранить", exact=True).click()

    moderator.get_by_role("checkbox", name=re.compile(f"Отчёты за {year} год")).check()
    moderator.locator("select[name=action]").select_option(
        label="Открыть выбранные кампании: черновики и приглашения городам"
    )
    moderator.get_by_role("button", name="Выполнить").click()
    expect(moderator.locator(".messagelist")).to_contain_text("приглашено городов — 2")
    invited = sorted(m.to[0] for m in mail.outbox)
    assert invited == ["kogalym_editor@example.org", "sayan_editor@example.org"]
    assert all(f"Отчёт за {year} год" in m.subject for m in mail.outbox)

    moderator.get_by_role("link", name="Открыть таблицу городов").click()
    expect(moderator.locator(".campaign-count")).to_have_text("Сдано 0 из 2")
    expect(moderator.get_by_role("row", name=re.compile("Саяногорск"))).to_contain_text("не начат")
    screenshots(moderator, "campaign-progress", viewports=AT_1280)

    # The city: the invitation's link, the start page's panel, the report, one button to submit.
    city = new_page()
    login(city, editor)
    panel = city.locator(".campaign-task")
    expect(panel).to_contain_text(f"Ваш отчёт за {year} год: не начат")
    expect(panel).to_contain_text("(через 20 дней)")
    screenshots(city, "campaign-city-start", viewports=AT_1280)
    panel.get_by_role("link", name="Продолжить отчёт").click()
    achievements = section(city, "1. Что удалось сделать за год")
    add_row(achievements)  # the campaign's draft is empty
    achievements.get_by_role("textbox").first.fill("Форум ТОС: 120 участников")
    do_transition(city, "Отправить на проверку")
    expect(status_badge(city)).to_have_text("На проверке")

    moderator.reload()
    expect(moderator.locator(".campaign-count")).to_have_text("Сдано 1 из 2")
    expect(moderator.get_by_role("row", name=re.compile("Саяногорск"))).to_contain_text("на проверке")
    expect(moderator.locator(".campaign-waiting")).to_contain_text(f"Саяногорск — {year}")
    assert Report.objects.get(municipality__slug="sayanogorsk", year=year).achievements.count() == 1
    screenshots(moderator, "campaign-progress-submitted")
