"""No lost update: two people editing the same report, and the race behind the form check."""

import pytest
from django.test import Client

from accounts.roles import ASSOCIATION_EDITORS, MUNICIPAL_EDITORS
from reports import concurrency, workflow
from reports.admin import forms as admin_forms
from reports.admin.forms import ReportVersionFormMixin
from reports.concurrency import StaleReportError, claim_version
from reports.models import Report
from reports.status import Status

from .helpers import admin_urls, form_fields, item_admin_urls, report_state, text_of, transition_url

pytestmark = pytest.mark.django_db

STALE_MESSAGE = (
    "Отчёт изменил кто-то другой, пока вы его редактировали. Ваши правки не сохранены: "
    "скопируйте свой текст, откройте отчёт заново и внесите правки ещё раз."
)
FIRST = "Текст первого редактора"
SECOND = "Текст второго редактора"


@pytest.fixture
def second_city_editor(make_user, sayan):
    return make_user("sayan_editor_2", MUNICIPAL_EDITORS, [sayan])


@pytest.fixture
def editors(city_editor, second_city_editor, moderator):
    return {"city": city_editor, "city2": second_city_editor, "moderator": moderator}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def open_form(client, url, form_id):
    response = client.get(url)
    assert response.status_code == 200
    return form_fields(response, form_id=form_id)


# --- two editors, one report ---------------------------------------------------------------


@pytest.mark.parametrize("first, second", [("city", "city2"), ("city", "moderator"), ("moderator", "city")])
def test_second_stale_report_form_is_refused(first, second, editors, make_report):
    report = make_report(Status.DRAFT)
    url = admin_urls(report)["change"]
    a, b = client_for(editors[first]), client_for(editors[second])
    form_a = open_form(a, url, "report_form")
    form_b = open_form(b, url, "report_form")
    assert form_a["expected_version"] == form_b["expected_version"] == str(report.version)

    form_a["achievements-0-text"] = FIRST
    assert a.post(url, form_a).status_code == 302
    saved = report_state(report.pk)
    assert saved["achievements"][0][2] == FIRST
    assert saved["version"] == report.version + 1

    form_b["achievements-0-text"] = SECOND
    form_b["problems-0-text"] = "Правка второго в другом разделе"
    response = b.post(url, form_b)

    assert response.status_code == 200
    assert STALE_MESSAGE in text_of(response)
    assert report_state(report.pk) == saved  # the first save is intact, nothing of the second
    # What the second editor typed is shown back to them, to copy.
    assert SECOND in text_of(response)


def test_reopened_form_saves_after_stale_refusal(city_editor, second_city_editor, make_report):
    report = make_report(Status.DRAFT)
    url = admin_urls(report)["change"]
    a, b = client_for(city_editor), client_for(second_city_editor)
    form_a, form_b = open_form(a, url, "report_form"), open_form(b, url, "report_form")
    form_a["achievements-0-text"] = FIRST
    assert a.post(url, form_a).status_code == 302
    form_b["achievements-0-text"] = SECOND
    assert b.post(url, form_b).status_code == 200

    fresh = open_form(b, url, "report_form")  # "open the report anew"
    assert fresh["achievements-0-text"] == FIRST
    fresh["achievements-0-text"] = SECOND

    assert b.post(url, fresh).status_code == 302
    assert report_state(report.pk)["achievements"][0][2] == SECOND


@pytest.mark.parametrize("first, second", [("city", "city2"), ("moderator", "city")])
def test_second_stale_item_form_is_refused(first, second, editors, make_report):
    report = make_report(Status.DRAFT)
    item = report.achievements.get()
    url = item_admin_urls(item)["change"]
    a, b = client_for(editors[first]), client_for(editors[second])
    form_a, form_b = open_form(a, url, "achievement_form"), open_form(b, url, "achievement_form")

    form_a["text"] = FIRST
    assert a.post(url, form_a).status_code == 302
    saved = report_state(report.pk)
    form_b["text"] = SECOND
    response = b.post(url, form_b)

    assert response.status_code == 200
    assert STALE_MESSAGE in text_of(response)
    assert report_state(report.pk) == saved
    item.refresh_from_db()
    assert item.text == FIRST


@pytest.mark.parametrize("order", ["item_then_report", "report_then_item"])
def test_item_admin_and_report_form_guard_each_other(order, city_editor, second_city_editor, make_report):
    report = make_report(Status.DRAFT)
    item = report.achievements.get()
    report_url, item_url = admin_urls(report)["change"], item_admin_urls(item)["change"]
    a, b = client_for(city_editor), client_for(second_city_editor)
    report_form = open_form(a, report_url, "report_form")
    item_form = open_form(b, item_url, "achievement_form")
    report_form["achievements-0-text"] = "Через форму отчёта"
    item_form["text"] = "Через список достижений"

    if order == "item_then_report":
        winner, loser = (b, item_url, item_form), (a, report_url, report_form)
        expected = "Через список достижений"
    else:
        winner, loser = (a, report_url, report_form), (b, item_url, item_form)
        expected = "Через форму отчёта"
    assert winner[0].post(winner[1], winner[2]).status_code == 302
    saved = report_state(report.pk)
    response = loser[0].post(loser[1], loser[2])

    assert response.status_code == 200
    assert STALE_MESSAGE in text_of(response)
    assert report_state(report.pk) == saved
    item.refresh_from_db()
    assert item.text == expected


@pytest.mark.parametrize(
    "name, status, actor", [("submit", Status.DRAFT, "city"), ("publish", Status.SUBMITTED, "moderator2")]
)
def test_transition_between_get_and_post_makes_form_stale(
    name, status, actor, moderator, city_editor, make_user, make_report
):
    """The moderator opens the form; meanwhile the report moves on (via its workflow page)."""
    report = make_report(status)
    url = admin_urls(report)["change"]
    editor = client_for(moderator)
    form = open_form(editor, url, "report_form")
    actor = city_editor if actor == "city" else make_user("moderator2", ASSOCIATION_EDITORS)

    assert client_for(actor).post(transition_url(report, name), {"comment": ""}).status_code == 302
    moved = report_state(report.pk)
    assert moved["status"] == workflow.TRANSITIONS[name].target

    form["achievements-0-text"] = SECOND
    response = editor.post(url, form)

    assert response.status_code == 200  # the moderator may still edit it, but not from the old form
    assert STALE_MESSAGE in text_of(response)
    assert report_state(report.pk) == moved


# --- the race behind the form check --------------------------------------------------------


class _VersionAsReadBeforeTheOtherSave:
    """Stands in for `Report` in reports.admin.forms: its version read returns what the
    database held before the other editor's save (the check ran just before that commit)."""

    def __init__(self, version):
        self.version = version
        self.objects = self

    def filter(self, **kwargs):
        return self

    def values_list(self, *args, **kwargs):
        return self

    def first(self):
        return self.version


@pytest.fixture
def racing_check(monkeypatch):
    """The first form check of the request reads `version` (stale); later checks read the DB."""
    real_clean = ReportVersionFormMixin.clean
    calls = []

    def install(version):
        def clean(self):
            calls.append(type(self).__name__)
            if len(calls) > 1:
                return real_clean(self)
            with monkeypatch.context() as m:
                m.setattr(admin_forms, "Report", _VersionAsReadBeforeTheOtherSave(version))
                return real_clean(self)

        monkeypatch.setattr(ReportVersionFormMixin, "clean", clean)
        return calls

    return install


def test_race_on_report_form_is_refused_without_partial_save(
    racing_check, city_editor, second_city_editor, make_report, monkeypatch
):
    report = make_report(Status.DRAFT)
    url = admin_urls(report)["change"]
    a, b = client_for(city_editor), client_for(second_city_editor)
    form_a, form_b = open_form(a, url, "report_form"), open_form(b, url, "report_form")
    form_a["achievements-0-text"] = FIRST
    assert a.post(url, form_a).status_code == 302
    saved = report_state(report.pk)
    claims = []
    real_claim = concurrency.claim_version

    def spy_claim(report_id, expected):
        claims.append(expected)
        return real_claim(report_id, expected)

    monkeypatch.setattr("reports.admin.report.claim_version", spy_claim)
    calls = racing_check(int(form_b["expected_version"]))
    # The second editor changes the year, an achievement, and adds a new problem.
    form_b.update(
        {
            "year": "2031",
            "achievements-0-text": SECOND,
            "problems-TOTAL_FORMS": "2",
            "problems-1-position": "2",
            "problems-1-text": "Новая проблема второго редактора",
        }
    )

    response = b.post(url, form_b)

    assert calls[:2] == ["ReportForm", "ReportForm"]  # checked, lost the race, checked again
    assert claims == [int(form_b["expected_version"])]  # the UPDATE was tried once and refused
    assert response.status_code == 200
    assert STALE_MESSAGE in text_of(response)
    assert report_state(report.pk) == saved
    assert not Report.objects.filter(year=2031).exists()


def test_race_on_item_form_is_refused(racing_check, city_editor, second_city_editor, make_report):
    report = make_report(Status.DRAFT)
    item = report.achievements.get()
    url = item_admin_urls(item)["change"]
    a, b = client_for(city_editor), client_for(second_city_editor)
    form_a, form_b = open_form(a, url, "achievement_form"), open_form(b, url, "achievement_form")
    form_a["text"] = FIRST
    assert a.post(url, form_a).status_code == 302
    saved = report_state(report.pk)
    calls = racing_check(int(form_b["expected_version"]))
    form_b["text"] = SECOND

    response = b.post(url, form_b)

    assert calls[:2] == ["AchievementForm", "AchievementForm"]  # checked, lost the race, checked again
    assert response.status_code == 200
    assert STALE_MESSAGE in text_of(response)
    assert report_state(report.pk) == saved
    item.refresh_from_db()
    assert item.text == FIRST


def test_race_on_item_revert_is_refused(racing_check, city_editor, second_city_editor, make_report):
    report = make_report(Status.DRAFT)
    item = report.achievements.get()
    original = item.text
    first_record = item.history.earliest("history_date")
    item.text = FIRST
    item.save()
    revert_url = item_admin_urls(item, history_id=first_record.history_id)["history_record"]
    b = client_for(second_city_editor)
    form_b = open_form(b, revert_url, "historicalachievement_form")
    assert form_b["text"] == original
    # Somebody else saves the report after the revert page was opened.
    a = client_for(city_editor)
    form_a = open_form(a, item_admin_urls(item)["change"], "achievement_form")
    form_a["text"] = "Третья правка"
    assert a.post(item_admin_urls(item)["change"], form_a).status_code == 302
    saved = report_state(report.pk)
    calls = racing_check(int(form_b["expected_version"]))

    response = b.post(revert_url, form_b)

    assert len(calls) >= 2
    assert response.status_code == 200
    assert STALE_MESSAGE in text_of(response)
    assert report_state(report.pk) == saved
    item.refresh_from_db()
    assert item.text == "Третья правка"


def test_without_the_race_the_patched_check_lets_a_fresh_form_save(racing_check, city_editor, make_report):
    """Control for the race tests: the stand-in itself does not refuse a save."""
    report = make_report(Status.DRAFT)
    url = admin_urls(report)["change"]
    client = client_for(city_editor)
    form = open_form(client, url, "report_form")
    racing_check(int(form["expected_version"]))
    form["achievements-0-text"] = FIRST

    assert client.post(url, form).status_code == 302
    assert report_state(report.pk)["achievements"][0][2] == FIRST


# --- claim_version itself ------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.DRAFT, Status.PUBLISHED])
def test_claim_version_with_right_version_bumps(status, make_report):
    report = make_report(status)
    version = report.version

    assert claim_version(report.pk, version) == version + 1
    assert Report.objects.get(pk=report.pk).version == version + 1
    assert claim_version(report.pk, version + 1) == version + 2
    assert Report.objects.get(pk=report.pk).version == version + 2


@pytest.mark.parametrize("offset", [-1, 1, 100])
def test_claim_version_with_wrong_version_raises_and_does_not_bump(offset, make_report):
    report = make_report(Status.SUBMITTED)
    version = report.version

    with pytest.raises(StaleReportError) as excinfo:
        claim_version(report.pk, version + offset)

    assert Report.objects.get(pk=report.pk).version == version
    assert str(excinfo.value) == STALE_MESSAGE


@pytest.mark.parametrize("version", [None, 1])
def test_claim_version_of_missing_report_raises(version):
    with pytest.raises(StaleReportError):
        claim_version(987654, version)


def test_claim_version_twice_with_same_version_refuses_the_second(make_report):
    report = make_report(Status.DRAFT)
    version = report.version

    claim_version(report.pk, version)
    with pytest.raises(StaleReportError):
        claim_version(report.pk, version)

    assert Report.objects.get(pk=report.pk).version == version + 1
