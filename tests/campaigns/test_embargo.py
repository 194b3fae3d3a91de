"""The common publication date: approved reports wait and are all published together on that date
by the job queue; «Опубликовать выбранные одобренные» on the campaign page; the city is told."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns import reminders, tasks
from campaigns.models import ReportingCampaign
from reports import workflow
from reports.models import Report
from reports.status import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def embargoed(members, moderator, city_editor, other_editor, make_report, sayan, kogalym):
    today = timezone.localdate()
    campaign = ReportingCampaign.objects.create(
        year=2025,
        opens_on=today - timedelta(days=60),
        deadline=today - timedelta(days=5),
        publication_date=today + timedelta(days=3),
    )
    a = make_report(Status.SUBMITTED, municipality=sayan, year=2025)
    b = make_report(Status.SUBMITTED, municipality=kogalym, year=2025, city=other_editor)
    workflow.approve(a, moderator, "Хороший отчёт")
    workflow.approve(b, moderator)
    return campaign


def statuses():
    return dict(Report.objects.filter(year=2025).values_list("municipality__slug", "status"))


def test_approved_reports_wait_for_the_day_and_are_published_together(embargoed, client, letters):
    today = timezone.localdate()
    assert reminders.publish_due(today + timedelta(days=2)) == []
    assert set(statuses().values()) == {Status.APPROVED}
    assert client.get("/reports/sayanogorsk/2025/").status_code == 404  # nothing shows before the day

    sent = letters(lambda: reminders.publish_due(today + timedelta(days=3)))
    assert len(letters.result) == 2
    assert set(statuses().values()) == {Status.PUBLISHED}
    assert client.get("/reports/sayanogorsk/2025/").status_code == 200
    # Each city hears that its report is out, with the address to share.
    letter = next(body for to, _s, body in sent if to == "sayan_editor@example.org")
    assert "/reports/sayanogorsk/2025/" in letter
    assert reminders.publish_due(today + timedelta(days=4)) == []  # once


def test_the_daily_task_publishes_what_is_due(embargoed):
    ReportingCampaign.objects.filter(pk=embargoed.pk).update(publication_date=timezone.localdate())
    assert tasks.publish_due.delay().get() == 2
    assert set(statuses().values()) == {Status.PUBLISHED}


def test_the_campaign_page_shows_approved_and_publishes_the_selected(embargoed, login, sayan, kogalym):
    client = login("moderator")
    url = reverse("admin:campaigns_reportingcampaign_progress", args=[embargoed.pk])
    page = client.get(url).content.decode()
    assert "одобрен, ждёт дня публикации" in page and "Опубликовать выбранные одобренные" in page
    assert "Сдано 2 из 2" in page

    response = client.post(url, {"action": "publish", "municipality": [sayan.pk]}, follow=True)
    assert "Опубликован 1 отчёт." in response.content.decode()
    assert statuses() == {"sayanogorsk": Status.PUBLISHED, "kogalym": Status.APPROVED}


def test_an_approved_report_is_handed_in_and_not_reminded(embargoed, letters):
    sent = letters(lambda: reminders.run(timezone.localdate()))
    assert not [to for to, _s, _b in sent if to.endswith("_editor@example.org")]
