"""Membership, the campaign's own rules, and opening a campaign (drafts and invitations)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from campaigns.collection import open_campaign
from campaigns.models import Membership, ReportingCampaign, SentNotice, members_on
from reports.models import Municipality, Report
from reports.status import Status

from .conftest import DEADLINE, OPENS

pytestmark = pytest.mark.django_db


def test_members_on_a_day_follow_since_and_until(sayan, kogalym):
    Membership.objects.create(municipality=sayan, since=date(2020, 1, 1))
    Membership.objects.create(municipality=kogalym, since=date(2021, 6, 1), until=date(2025, 12, 31))
    assert set(members_on(date(2019, 12, 31))) == set()
    assert set(members_on(date(2021, 6, 1))) == {sayan, kogalym}
    assert set(members_on(date(2025, 12, 31))) == {sayan, kogalym}
    assert set(members_on(date(2026, 1, 1))) == {sayan}


def test_a_membership_must_end_after_it_starts_and_not_overlap(sayan):
    with pytest.raises(ValidationError, match="раньше его начала"):
        Membership(municipality=sayan, since=date(2022, 1, 1), until=date(2021, 1, 1)).full_clean()
    Membership.objects.create(municipality=sayan, since=date(2020, 1, 1), until=date(2022, 12, 31))
    with pytest.raises(ValidationError, match="пересекается"):
        Membership(municipality=sayan, since=date(2022, 6, 1)).full_clean()
    Membership(municipality=sayan, since=date(2023, 1, 1)).full_clean()  # rejoined later: fine


def test_a_deadline_before_the_opening_and_a_second_campaign_for_a_year_are_errors(campaign):
    with pytest.raises(ValidationError) as error:
        ReportingCampaign(year=2024, opens_on=date(2025, 2, 1), deadline=date(2025, 1, 1)).full_clean()
    assert error.value.message_dict["deadline"] == ["Срок сдачи не может быть раньше открытия кампании."]
    with pytest.raises(ValidationError) as error:
        ReportingCampaign(year=2025, opens_on=OPENS, deadline=DEADLINE).full_clean()
    assert error.value.message_dict["year"] == ["Кампания за этот год уже есть."]


def test_opening_gives_every_member_a_draft_and_invites_its_editors(members, campaign, letters, abakan_editor):
    sent = letters(lambda: open_campaign(campaign, OPENS))
    result = letters.result

    assert {m.slug for m in result.drafts} == {m.slug for m in result.invited} == {"sayanogorsk", "kogalym"}
    assert set(Report.objects.filter(year=2025).values_list("municipality__slug", "status")) == {
        ("sayanogorsk", Status.DRAFT),
        ("kogalym", Status.DRAFT),
    }  # not Абакан: not a member
    assert sorted(to for to, _s, _b in sent) == ["kogalym_editor@example.org", "sayan_editor@example.org"]
    [(to, subject, body)] = [s for s in sent if s[0] == "sayan_editor@example.org"]
    assert subject == "Отчёт за 2025 год (Саяногорск): срок — 1 марта 2026"
    assert "Отчёт города Саяногорск нужно отправить на проверку до 1 марта 2026 включительно" in body
    assert "Пишите кратко." in body
    report = Report.objects.get(municipality__slug="sayanogorsk", year=2025)
    assert f"http://127.0.0.1:8000/admin/reports/report/{report.pk}/change/" in body


def test_opening_twice_creates_and_sends_nothing_new(members, campaign, letters):
    letters(lambda: open_campaign(campaign, OPENS))
    assert letters(lambda: open_campaign(campaign, OPENS)) == []
    assert letters(lambda: open_campaign(campaign, date(2026, 2, 1))) == []
    assert Report.objects.filter(year=2025).count() == 2
    assert SentNotice.objects.filter(rule="invitation").count() == 2


def test_a_city_with_its_report_already_sent_is_not_invited(members, campaign, letters, make_report, sayan):
    make_report(Status.SUBMITTED, municipality=sayan, year=2025)
    sent = letters(lambda: open_campaign(campaign, OPENS))
    assert [to for to, _s, _b in sent] == ["kogalym_editor@example.org"]


def test_an_existing_draft_is_kept_not_duplicated(members, campaign, letters, make_report, sayan):
    draft = make_report(Status.DRAFT, municipality=sayan, year=2025)
    letters(lambda: open_campaign(campaign, OPENS))
    assert list(Report.objects.filter(municipality=sayan, year=2025)) == [draft]
    assert sayan not in letters.result.drafts and sayan in letters.result.invited


def test_before_its_opening_date_nothing_happens(members, campaign, letters):
    assert letters(lambda: open_campaign(campaign, date(2026, 1, 14))) == []
    assert not Report.objects.filter(year=2025).exists()


def test_a_city_without_an_address_is_listed_and_invited_once_it_has_one(members, campaign, letters, city_editor):
    city_editor.email = ""
    city_editor.save()
    letters(lambda: open_campaign(campaign, OPENS))
    assert [m.slug for m in letters.result.no_contact] == ["sayanogorsk"]
    assert Report.objects.filter(municipality__slug="sayanogorsk", year=2025).exists()  # its draft waits

    city_editor.email = "irina@sayan.example"
    city_editor.save()
    sent = letters(lambda: open_campaign(campaign, date(2026, 1, 16)))
    assert [to for to, _s, _b in sent] == ["irina@sayan.example"]


def test_a_city_that_joins_mid_campaign_is_invited_one_that_left_is_not(
    members, campaign, letters, abakan_editor, kogalym
):
    letters(lambda: open_campaign(campaign, OPENS))
    Membership.objects.create(municipality=Municipality.objects.get(slug="abakan"), since=date(2026, 2, 1))
    Membership.objects.filter(municipality=kogalym).update(until=date(2026, 1, 31))
    sent = letters(lambda: open_campaign(campaign, date(2026, 2, 2)))
    assert [to for to, _s, _b in sent] == ["abakan_editor@example.org"]


def test_the_command_opens_and_is_idempotent(members, letters, capsys):
    sent = letters(lambda: call_command("open_campaign", "2025", "--deadline", "2026-03-01", "--today", "2026-01-20"))
    out = capsys.readouterr().out
    assert "Новых черновиков: 2, приглашено городов: 2." in out
    assert len(sent) == 2
    campaign = ReportingCampaign.objects.get(year=2025)
    assert (campaign.opens_on, campaign.deadline) == (date(2026, 1, 20), date(2026, 3, 1))

    assert (
        letters(lambda: call_command("open_campaign", "2025", "--deadline", "2026-03-15", "--today", "2026-01-21"))
        == []
    )
    assert "Новых черновиков: 0, приглашено городов: 0." in capsys.readouterr().out
    assert ReportingCampaign.objects.get(year=2025).deadline == date(2026, 3, 15)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--deadline", "2026-01-01", "--opens", "2026-02-01"], "Срок сдачи не может быть раньше открытия кампании."),
        (["--deadline", "1 марта"], "Дата должна быть в виде ГГГГ-ММ-ДД"),
    ],
)
def test_the_command_says_what_is_wrong(members, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("open_campaign", "2025", *args)
    assert not ReportingCampaign.objects.exists()


def test_a_person_who_chose_english_gets_the_letter_in_english(members, campaign, letters, city_editor):
    city_editor.language = "en"
    city_editor.save()
    sent = {to: (subject, body) for to, subject, body in letters(lambda: open_campaign(campaign, OPENS))}
    subject, body = sent["sayan_editor@example.org"]
    assert subject == "Report for 2025 (Саяногорск): due 1 March 2026"
    assert "The report of Саяногорск is due for review by 1 March 2026 inclusive." in body
    assert sent["kogalym_editor@example.org"][0].startswith("Отчёт за 2025 год (Когалым)")  # the others stay Russian


def test_the_language_of_letters_is_set_in_the_user_form(login, city_editor):
    from django.urls import reverse

    page = login("moderator").get(reverse("admin:accounts_user_change", args=[city_editor.pk])).content.decode()
    assert 'name="language"' in page and "Язык писем" in page
