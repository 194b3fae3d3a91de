"""The reminders, day by day (`send_reminders --today`): before the deadline, on it, weekly after
it; never after the report is sent; never twice; the latest only when a run was missed; a returned
report left alone for a week; the moderators' digest; moved deadlines; two runs at once."""

import threading
from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from campaigns import reminders
from campaigns.collection import open_campaign
from campaigns.models import ReportingCampaign, SentNotice
from reports import workflow
from reports.models import Report

from .conftest import DEADLINE, OPENS

pytestmark = pytest.mark.django_db

SAYAN = "sayan_editor@example.org"
KOGALYM = "kogalym_editor@example.org"


@pytest.fixture
def opened(members, campaign, letters):
    letters(lambda: open_campaign(campaign, OPENS))
    return campaign


def on(letters, day):
    return sorted((to, subject) for to, subject, _body in letters(lambda: reminders.run(day)))


def test_the_reminders_of_the_whole_campaign_day_by_day(opened, letters):
    sent_on = {}
    day = OPENS
    while day <= DEADLINE + timedelta(days=22):
        got = on(letters, day)
        if got:
            sent_on[day] = got
        day += timedelta(days=1)

    assert list(sent_on) == [
        date(2026, 2, 15),  # 14 days before
        date(2026, 2, 26),  # 3 days
        date(2026, 2, 28),  # 1 day
        date(2026, 3, 1),  # the deadline
        date(2026, 3, 8),  # a week after, then weekly
        date(2026, 3, 15),
        date(2026, 3, 22),
    ]
    assert sent_on[date(2026, 2, 15)] == [
        (KOGALYM, "Отчёт за 2025 год (Когалым): до срока 14 дней"),
        (SAYAN, "Отчёт за 2025 год (Саяногорск): до срока 14 дней"),
    ]
    assert sent_on[date(2026, 2, 28)][1] == (SAYAN, "Отчёт за 2025 год (Саяногорск): до срока 1 день")
    assert sent_on[date(2026, 3, 1)][1] == (SAYAN, "Отчёт за 2025 год (Саяногорск): сегодня последний день")
    assert sent_on[date(2026, 3, 8)][1] == (SAYAN, "Отчёт за 2025 год (Саяногорск): срок прошёл")


def test_the_letter_names_the_city_year_deadline_state_and_links_to_the_report(opened, letters):
    [body] = [b for to, _s, b in letters(lambda: reminders.run(date(2026, 2, 26))) if to == SAYAN]
    report = Report.objects.get(municipality__slug="sayanogorsk", year=2025)
    assert (
        "Отчёт города Саяногорск за 2025 год нужно отправить на проверку до 1 марта 2026 включительно — осталось 3 дня."
        in body
    )
    assert "Сейчас отчёт: не начат." in body
    assert "Пока не заполнены разделы: Достижения, Проблемы, Задачи на следующий год, Запросы к Ассоциации." in body
    assert f"/admin/reports/report/{report.pk}/change/" in body


def test_never_after_the_report_is_sent(opened, letters, city_editor):
    report = Report.objects.get(municipality__slug="sayanogorsk", year=2025)
    workflow.submit(report, city_editor)
    for day in (date(2026, 2, 15), date(2026, 3, 1), date(2026, 3, 8)):
        assert SAYAN not in [to for to, _s in on(letters, day)]
        assert (
            KOGALYM in [to for to, _s in on(letters, day)]
            or SentNotice.objects.filter(municipality__slug="kogalym", day=day).exists()
        )


def test_the_same_day_twice_sends_nothing_the_second_time(opened, letters):
    assert len(on(letters, date(2026, 2, 15))) == 2
    assert on(letters, date(2026, 2, 15)) == []
    assert on(letters, date(2026, 2, 16)) == []


def test_a_missed_week_sends_only_the_latest_reminder_and_never_the_earlier(opened, letters):
    # No run from the opening until two days before the deadline: «14 days» is overtaken by «3 days».
    assert on(letters, date(2026, 2, 27)) == [
        (KOGALYM, "Отчёт за 2025 год (Когалым): до срока 2 дня"),
        (SAYAN, "Отчёт за 2025 год (Саяногорск): до срока 2 дня"),
    ]
    assert SentNotice.objects.filter(rule="before14", sent=False).count() == 2
    assert on(letters, date(2026, 2, 27)) == []
    assert len(on(letters, date(2026, 2, 28))) == 2  # «1 day» is still its own reminder


def test_a_deadline_moved_later_sends_no_rule_again(opened, letters):
    assert len(on(letters, date(2026, 2, 15))) == 2  # «14 days» sent
    ReportingCampaign.objects.filter(pk=opened.pk).update(deadline=date(2026, 3, 15))
    assert on(letters, date(2026, 3, 1)) == []  # 14 days before the new deadline: already sent
    assert len(on(letters, date(2026, 3, 12))) == 2  # «3 days» is new


def test_a_closed_campaign_reminds_nobody(opened, letters):
    ReportingCampaign.objects.filter(pk=opened.pk).update(closed_on=date(2026, 2, 1))
    assert on(letters, date(2026, 2, 15)) == []


RETURNED = "Отчёт за 2025 год (Саяногорск) ждёт исправлений"


def returned_letters(letters, day):
    return [b for to, s, b in letters(lambda: reminders.run(day)) if to == SAYAN and s == RETURNED]


def test_a_returned_report_left_alone_for_a_week_gets_the_comment_again(opened, letters, city_editor, moderator):
    report = Report.objects.get(municipality__slug="sayanogorsk", year=2025)
    workflow.submit(report, city_editor)
    workflow.request_changes(report, moderator, "Добавьте число участников форума.")
    returned_on = timezone.localdate()
    assert returned_letters(letters, returned_on + timedelta(days=6)) == []
    [body] = returned_letters(letters, returned_on + timedelta(days=7))
    assert "7 дней назад Ассоциация вернула отчёт города Саяногорск за 2025 год на доработку" in body
    assert "Добавьте число участников форума." in body
    assert returned_letters(letters, returned_on + timedelta(days=8)) == []  # once per return


def test_a_returned_report_the_city_works_on_is_not_chased(opened, letters, city_editor, moderator):
    report = Report.objects.get(municipality__slug="sayanogorsk", year=2025)
    workflow.submit(report, city_editor)
    workflow.request_changes(report, moderator, "Исправьте.")
    Report.objects.filter(pk=report.pk).update(updated_at=timezone.now() + timedelta(hours=1))  # edited since
    assert returned_letters(letters, timezone.localdate() + timedelta(days=8)) == []


def test_the_moderators_digest_lists_reports_waiting_longer_than_five_days(opened, letters, city_editor, moderator):
    report = Report.objects.get(municipality__slug="sayanogorsk", year=2025)
    workflow.submit(report, city_editor)
    Report.objects.filter(pk=report.pk).update(submitted_at=timezone.now() - timedelta(days=6))
    today = timezone.localdate()
    sent = [(s, b) for to, s, b in letters(lambda: reminders.run(today)) if to == "moderator@example.org"]
    assert len(sent) == 1
    subject, body = sent[0]
    assert subject == "1 отчёт ждёт проверки дольше 5 дней"
    assert "Саяногорск — 2025: 6 дней" in body
    assert not [to for to, _s in on(letters, today) if to == "moderator@example.org"]  # once a day


def test_the_command_runs_a_given_day(opened, letters, capsys):
    sent = letters(lambda: call_command("send_reminders", "--today", "2026-02-15"))
    assert len(sent) == 2
    assert "15.02.2026: отправлено 2" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_once(members, mailoutbox):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: the race needs a server database")
    campaign = ReportingCampaign.objects.create(year=2025, opens_on=OPENS, deadline=DEADLINE)
    open_campaign(campaign, OPENS)
    mailoutbox.clear()
    barrier = threading.Barrier(2)

    def run():
        barrier.wait()
        try:
            reminders.run(date(2026, 2, 15))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(m.to[0] for m in mailoutbox) == [KOGALYM, SAYAN]


def test_dates_are_the_associations_local_dates(opened, letters, settings):
    # 1 March, 00:30 in Krasnoyarsk is still 28 February in UTC: the deadline reminder is due.
    moment = timezone.make_aware(datetime(2026, 3, 1, 0, 30), timezone.get_default_timezone())
    assert timezone.localdate(moment) == DEADLINE
    got = on(letters, timezone.localdate(moment))
    assert got[1] == (SAYAN, "Отчёт за 2025 год (Саяногорск): сегодня последний день")
