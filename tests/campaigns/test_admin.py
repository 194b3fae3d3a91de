"""The campaign's progress page and the membership and campaign admin: the Association's only
(anonymous → login, a city editor and a user without a role → 403), the table of member cities,
its filters and «Напомнить выбранным»; the campaign form's errors."""

from datetime import date

import pytest
from django.urls import reverse

from campaigns.collection import open_campaign
from campaigns.models import ReportingCampaign
from reports import workflow
from reports.models import Report

from .conftest import OPENS

pytestmark = pytest.mark.django_db


def progress_url(campaign):
    return reverse("admin:campaigns_reportingcampaign_progress", args=[campaign.pk])


@pytest.fixture
def opened(members, campaign, letters):
    letters(lambda: open_campaign(campaign, OPENS))
    return campaign


@pytest.mark.parametrize(
    ("who", "status"), [("anon", 302), ("city", 403), ("other", 403), ("norole", 403), ("moderator", 200)]
)
def test_the_progress_page_is_the_associations(login, opened, who, status):
    response = login(who).get(progress_url(opened))
    assert response.status_code == status
    if who == "anon":
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("name", ["campaigns_reportingcampaign_changelist", "campaigns_membership_changelist"])
@pytest.mark.parametrize(("who", "status"), [("city", 403), ("norole", 403), ("moderator", 200)])
def test_the_campaign_and_membership_lists_are_the_associations(login, opened, name, who, status):
    assert login(who).get(reverse(f"admin:{name}")).status_code == status


def test_the_table_shows_every_member_city_with_its_state(login, opened, city_editor, other_editor):
    report = Report.objects.get(municipality__slug="sayanogorsk", year=2025)
    workflow.submit(report, city_editor)
    other_editor.email = ""
    other_editor.save()

    page = login("moderator").get(progress_url(opened)).content.decode()

    assert "Сдано 1 из 2" in page
    assert "Абакан" not in page  # not a member
    sayan = page[page.index(">Саяногорск<") :][:800]
    assert "на проверке" in sayan and "сдан" in sayan
    kogalym = page[page.index(">Когалым<") :][:1200]
    assert "не начат" in kogalym and "нет адреса" in kogalym
    assert "просрочен на" in kogalym  # the deadline (1 March 2026) has passed by today
    assert "Ждут проверки" in page


def test_filters_by_region_and_state(login, opened):
    client = login("moderator")
    page = client.get(progress_url(opened), {"region": "Республика Хакасия"}).content.decode()
    assert ">Саяногорск<" in page and ">Когалым<" not in page
    page = client.get(progress_url(opened), {"state": "submitted"}).content.decode()
    assert ">Саяногорск<" not in page and "Нет городов-членов Ассоциации с такими условиями." in page


def test_remind_selected_writes_to_those_not_handed_in_once_a_day(login, opened, letters, city_editor, kogalym, sayan):
    workflow.submit(Report.objects.get(municipality=sayan, year=2025), city_editor)
    client = login("moderator")

    sent = letters(
        lambda: client.post(progress_url(opened), {"action": "remind", "municipality": [sayan.pk, kogalym.pk]})
    )
    assert [to for to, _s, _b in sent] == ["kogalym_editor@example.org"]
    messages = [str(m) for m in letters.result.wsgi_request._messages]
    assert "Напоминание отправлено 1 городу." in messages
    assert any("Саяногорск" in m and "Не напомнили" in m for m in messages)

    assert letters(lambda: client.post(progress_url(opened), {"action": "remind", "municipality": [kogalym.pk]})) == []


def test_the_campaign_form_says_what_is_wrong(login, campaign):
    client = login("moderator")
    add = reverse("admin:campaigns_reportingcampaign_add")
    response = client.post(add, {"year": 2024, "opens_on": "2025-02-01", "deadline": "2025-01-01", "instructions": ""})
    assert response.status_code == 200
    assert "Срок сдачи не может быть раньше открытия кампании." in response.content.decode()
    response = client.post(add, {"year": 2025, "opens_on": "2026-01-01", "deadline": "2026-03-01", "instructions": ""})
    assert "Кампания за этот год уже есть." in response.content.decode()
    assert ReportingCampaign.objects.count() == 1


def test_the_open_action_invites(login, members, letters):
    campaign = ReportingCampaign.objects.create(year=2025, opens_on=date(2026, 1, 1), deadline=date(2027, 3, 1))
    client = login("moderator")
    sent = letters(
        lambda: client.post(
            reverse("admin:campaigns_reportingcampaign_changelist"),
            {"action": "open_selected", "_selected_action": [campaign.pk]},
        )
    )
    assert len(sent) == 2
    assert Report.objects.filter(year=2025).count() == 2
