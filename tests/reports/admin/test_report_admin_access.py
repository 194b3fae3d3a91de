"""The permission ladder on every admin URL of reports.

Rungs: anonymous → login page; municipal editor of another municipality → refused;
staff without a role → 403; the people allowed → success with the report's content.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import Report, ReportEvent
from reports.status import Status
from reports.workflow import ASSOCIATION, MUNICIPAL, TRANSITIONS
from tests.conftest import embargo_until

from .helpers import (
    DOES_NOT_EXIST,
    EDITABLE,
    admin_urls,
    assert_login_redirect,
    assert_refused,
    form_fields,
    report_form_data,
    report_state,
    select_options,
    text_of,
    transition_url,
)

pytestmark = pytest.mark.django_db

ACHIEVEMENT = "Проведён форум ТОС 2024"  # make_report's achievement for 2024
NEW_TEXT = "ИЗМЕНЕНО ЧЕРЕЗ АДМИНКУ"
COMMENT = "Добавьте цифры по форуму ТОС"

# The status each transition starts from.
SOURCE = {
    "submit": Status.DRAFT,
    "recall": Status.SUBMITTED,
    "request_changes": Status.SUBMITTED,
    "publish": Status.SUBMITTED,
    "approve": Status.SUBMITTED,  # with the year's common publication date ahead (case_report)
    "withdraw": Status.PUBLISHED,
    "return_to_draft": Status.WITHDRAWN,
}
# Transitions people may do from the admin; the rest are for code only (e.g. the importer).
USER_TRANSITIONS = {name for name, t in TRANSITIONS.items() if t.roles & {MUNICIPAL, ASSOCIATION}}
SYSTEM_ONLY = sorted(set(TRANSITIONS) - USER_TRANSITIONS)
assert set(SOURCE) == USER_TRANSITIONS

# Every request of the report admin: "<page> <METHOD>".
OBJECT_CASES = [
    "change GET",
    "change POST",
    "delete GET",
    "delete POST",
    "history GET",
    "history_record GET",
    "revert POST",
    *[f"transition:{name} {method}" for name in SOURCE for method in ("GET", "POST")],
    "versions GET",
    "version GET",
    "version_diff GET",
]
ALL_CASES = ["changelist GET", "add GET", "add POST", *OBJECT_CASES]
# A report outside the user's queryset does not exist for them: Django's own change/delete views
# redirect to the index ("… не существует"); every other page of a report answers 404, as for an id
# that does not exist (issue 14, item 11; tests/reports/admin/test_hidden_ids.py).
MISSING_NOT_FORBIDDEN = {"change GET", "change POST", "delete GET", "delete POST"}
NOT_FOUND = set(OBJECT_CASES) - MISSING_NOT_FORBIDDEN


def status_for(case):
    page = case.split()[0]
    if page.startswith("transition:"):
        return SOURCE[page.split(":")[1]]
    if page in ("versions", "version", "version_diff"):
        return Status.SUBMITTED  # has a version (a workflow event)
    return Status.DRAFT


def case_report(case, make_report):
    """Саяногорск's report in the state the case starts from; approving needs a common
    publication date ahead for its year (the yearly collection's campaign)."""
    report = make_report(status_for(case))
    if case.startswith("transition:approve "):
        embargo_until(report.year, timezone.localdate() + timedelta(days=30))
    return report


def build_request(case, report, sayan):
    """(method, url, data) of one case against this report."""
    page, method = case.split()
    urls = admin_urls(report)
    if page.startswith("transition:"):
        return method, transition_url(report, page.split(":")[1]), {"comment": COMMENT}
    url = urls["history_record"] if page == "revert" else urls[page]
    data = None
    if case == "add POST":
        data = report_form_data(None, municipality=sayan.pk, year=2030)
    elif case == "change POST":
        data = report_form_data(report, year=2030, **{"achievements-0-text": NEW_TEXT})
    elif case == "delete POST":
        data = {"post": "yes"}
    elif case == "revert POST":
        data = {"year": 2030, "expected_version": report.version}
    return method, url, data


def send(client, method, url, data):
    return client.get(url) if method == "GET" else client.post(url, data or {})


# --- rung 1: anonymous --------------------------------------------------------------------


@pytest.mark.parametrize("case", ALL_CASES)
def test_anonymous_is_sent_to_login(case, client, make_report, sayan):
    report = case_report(case, make_report)
    before, count = report_state(report.pk), Report.objects.count()
    method, url, data = build_request(case, report, sayan)

    response = send(client, method, url, data)

    assert_login_redirect(response, url)
    assert ACHIEVEMENT not in text_of(response)
    assert report_state(report.pk) == before
    assert Report.objects.count() == count


# --- rung 2: municipal editor of another municipality --------------------------------------


@pytest.mark.parametrize("case", OBJECT_CASES)
def test_editor_of_another_municipality_is_refused(case, login, make_report, sayan):
    report = case_report(case, make_report)  # Саяногорск's report
    before = report_state(report.pk)
    method, url, data = build_request(case, report, sayan)
    client = login("other")  # editor of Когалым

    response = send(client, method, url, data)

    how = "missing" if case in MISSING_NOT_FORBIDDEN else "404"
    assert_refused(client, response, how, ACHIEVEMENT, "Саяногорск")
    assert report_state(report.pk) == before


# --- rung 3: staff without a role ---------------------------------------------------------


@pytest.mark.parametrize("case", ALL_CASES)
def test_staff_without_role_gets_403(case, login, make_report, sayan):
    report = case_report(case, make_report)
    before, count = report_state(report.pk), Report.objects.count()
    method, url, data = build_request(case, report, sayan)
    client = login("norole")

    response = send(client, method, url, data)

    assert response.status_code == 403
    assert ACHIEVEMENT not in text_of(response)
    assert "Саяногорск" not in text_of(response)
    assert report_state(report.pk) == before
    assert Report.objects.count() == count


# --- rung 4: the people allowed -----------------------------------------------------------

ALLOWED_GETS = [
    # (case, who, what the page must show)
    ("changelist GET", "city", "str"),
    ("changelist GET", "moderator", "str"),
    ("add GET", "city", "Саяногорск"),
    ("add GET", "moderator", "Саяногорск"),
    ("change GET", "city", ACHIEVEMENT),
    ("change GET", "moderator", ACHIEVEMENT),
    ("change GET", "superuser", ACHIEVEMENT),
    ("delete GET", "city", ACHIEVEMENT),
    ("delete GET", "moderator", ACHIEVEMENT),
    ("history GET", "city", "str"),
    ("history GET", "moderator", "str"),
    ("history_record GET", "city", "str"),
    ("history_record GET", "moderator", "str"),
    ("versions GET", "city", "комментарий"),
    ("versions GET", "moderator", "комментарий"),
    ("version GET", "city", ACHIEVEMENT),
    ("version GET", "moderator", ACHIEVEMENT),
    ("version_diff GET", "city", ACHIEVEMENT),
    ("version_diff GET", "moderator", ACHIEVEMENT),
    ("transition:submit GET", "city", "Отправить на проверку"),
    ("transition:submit GET", "moderator", "Отправить на проверку"),
    ("transition:recall GET", "city", "Отозвать с проверки"),
    ("transition:request_changes GET", "moderator", "Вернуть на доработку"),
    ("transition:publish GET", "moderator", "Опубликовать"),
    ("transition:withdraw GET", "moderator", "Снять с публикации"),
    ("transition:return_to_draft GET", "city", "Вернуть в черновики"),
    ("transition:return_to_draft GET", "moderator", "Вернуть в черновики"),
]


@pytest.mark.parametrize("case, who, shows", ALLOWED_GETS)
def test_allowed_user_opens_page(case, who, shows, login, make_report, sayan):
    report = case_report(case, make_report)
    before = report_state(report.pk)
    method, url, _data = build_request(case, report, sayan)

    response = login(who).get(url)

    assert response.status_code == 200
    assert (str(report) if shows == "str" else shows) in text_of(response)
    assert report_state(report.pk) == before  # a GET changes nothing


@pytest.mark.parametrize("who", ["city", "moderator"])
def test_allowed_user_adds_report(who, login, sayan):
    response = login(who).post(
        reverse("admin:reports_report_add"), report_form_data(None, municipality=sayan.pk, year=2030)
    )

    assert response.status_code == 302
    report = Report.objects.get(municipality=sayan, year=2030)
    assert report.status == Status.DRAFT
    assert report.created_by.username == {"city": "sayan_editor", "moderator": "moderator"}[who]


@pytest.mark.parametrize("who", ["city", "moderator", "superuser"])
def test_allowed_user_changes_draft(who, login, make_report, sayan):
    report = make_report(Status.DRAFT)
    method, url, data = build_request("change POST", report, sayan)

    response = login(who).post(url, data)

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.year == 2030
    assert report.version == 2
    assert list(report.achievements.values_list("text", flat=True)) == [NEW_TEXT]


@pytest.mark.parametrize("who", ["city", "moderator"])
def test_allowed_user_deletes_draft(who, login, make_report, sayan):
    report = make_report(Status.DRAFT)
    method, url, data = build_request("delete POST", report, sayan)

    response = login(who).post(url, data)

    assert response.status_code == 302
    assert not Report.objects.filter(pk=report.pk).exists()


@pytest.mark.parametrize(
    "name, who",
    [
        ("submit", "city"),
        ("submit", "moderator"),
        ("recall", "city"),
        ("request_changes", "moderator"),
        ("publish", "moderator"),
        ("withdraw", "moderator"),
        ("return_to_draft", "city"),
        ("return_to_draft", "moderator"),
    ],
)
def test_allowed_user_performs_transition(name, who, login, make_report):
    report = make_report(SOURCE[name])
    events = report.events.count()

    response = login(who).post(transition_url(report, name), {"comment": COMMENT})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:reports_report_change", args=[report.pk])
    report.refresh_from_db()
    assert report.status == TRANSITIONS[name].target
    assert report.events.count() == events + 1
    assert report.events.order_by("-id").first().comment == COMMENT


# --- what a municipal editor sees in lists and forms --------------------------------------


@pytest.fixture
def two_reports(make_report, kogalym, other_editor):
    """Саяногорск 2024 (city_editor's) and Когалым 2019 (other_editor's)."""
    return make_report(Status.DRAFT), make_report(Status.DRAFT, municipality=kogalym, city=other_editor, year=2019)


@pytest.mark.parametrize(
    "who, sees_sayan, sees_kogalym",
    [("city", True, False), ("other", False, True), ("moderator", True, True)],
)
def test_changelist_lists_only_visible_reports(who, sees_sayan, sees_kogalym, login, two_reports):
    response = login(who).get(reverse("admin:reports_report_changelist"))

    assert response.status_code == 200
    page = text_of(response)
    assert ("Саяногорск — 2024" in page) is sees_sayan
    assert ("Когалым — 2019" in page) is sees_kogalym
    assert response.context["cl"].result_count == sees_sayan + sees_kogalym


@pytest.mark.parametrize("who, own_is_sayan", [("city", True), ("other", False)])
def test_changelist_filters_offer_only_own_municipalities(who, own_is_sayan, login, two_reports, sayan, kogalym):
    own, foreign = (sayan, kogalym) if own_is_sayan else (kogalym, sayan)
    own_year, foreign_year = (2024, 2019) if own_is_sayan else (2019, 2024)

    page = text_of(login(who).get(reverse("admin:reports_report_changelist")))

    assert f'href="?municipality={own.pk}"' in page
    assert f'href="?municipality={foreign.pk}"' not in page
    assert f'href="?year={own_year}"' in page
    assert f'href="?year={foreign_year}"' not in page
    assert own.region in page
    assert foreign.region not in page
    assert foreign.name not in page


def test_changelist_filters_offer_everything_to_moderator(login, two_reports, sayan, kogalym):
    page = text_of(login("moderator").get(reverse("admin:reports_report_changelist")))

    for m in (sayan, kogalym):
        assert f'href="?municipality={m.pk}"' in page
        assert m.region in page
    assert 'href="?year=2024"' in page
    assert 'href="?year=2019"' in page


@pytest.mark.parametrize("param", ["municipality", "region", "year", "q"])
def test_changelist_filter_by_foreign_values_finds_nothing(param, login, two_reports, kogalym):
    value = {"municipality": kogalym.pk, "region": kogalym.region, "year": 2019, "q": "когалым"}[param]

    response = login("city").get(reverse("admin:reports_report_changelist"), {param: value})

    assert response.status_code == 200
    assert "Когалым — 2019" not in text_of(response)
    assert response.context["cl"].result_count == 0


@pytest.mark.parametrize(
    "who, expected", [("city", ["Саяногорск"]), ("other", ["Когалым"]), ("moderator", ["Когалым", "Саяногорск"])]
)
def test_add_form_offers_only_editable_municipalities(who, expected, login, sayan, kogalym):
    response = login(who).get(reverse("admin:reports_report_add"))

    assert response.status_code == 200
    options = [(value, label) for value, label in select_options(response, "municipality") if value]
    assert [label for _value, label in options] == expected
    ids = {"Саяногорск": str(sayan.pk), "Когалым": str(kogalym.pk)}
    assert [value for value, _label in options] == [ids[name] for name in expected]


@pytest.mark.parametrize("who, target", [("city", "kogalym"), ("other", "sayan")])
def test_add_report_for_another_municipality_is_refused(who, target, login, sayan, kogalym):
    foreign = {"sayan": sayan, "kogalym": kogalym}[target]
    data = report_form_data(None, municipality=foreign.pk, year=2030)
    data.update({"achievements-TOTAL_FORMS": 1, "achievements-0-position": 1, "achievements-0-text": "Чужой отчёт"})

    response = login(who).post(reverse("admin:reports_report_add"), data)

    assert response.status_code == 200
    assert "municipality" in response.context["adminform"].form.errors
    assert "Выберите корректный вариант" in text_of(response)
    assert not Report.objects.exists()


# --- read-only and editable states ---------------------------------------------------------


def has_save_button(response):
    return 'name="_save"' in text_of(response)


def has_inputs(response):
    page = text_of(response)
    return 'name="year"' in page and 'name="achievements-0-text"' in page


@pytest.mark.parametrize("who, status, editable", EDITABLE)
def test_change_form_is_editable_only_in_editable_states(who, status, editable, login, make_report, sayan):
    report = make_report(status)
    client = login(who)

    page = client.get(admin_urls(report)["change"])
    assert page.status_code == 200
    assert ACHIEVEMENT in text_of(page)
    assert has_save_button(page) is editable
    assert has_inputs(page) is editable

    before = report_state(report.pk)
    _method, url, data = build_request("change POST", report, sayan)
    response = client.post(url, data)
    if editable:
        assert response.status_code == 302
        report.refresh_from_db()
        assert (report.year, report.status) == (2030, status)
        assert list(report.achievements.values_list("text", flat=True)) == [NEW_TEXT]
    else:
        assert response.status_code == 403
        assert report_state(report.pk) == before


@pytest.mark.parametrize(
    "who, status, deletable",
    [
        ("city", Status.DRAFT, True),
        ("moderator", Status.DRAFT, True),
        ("city", Status.SUBMITTED, False),
        ("moderator", Status.SUBMITTED, False),
        ("city", Status.CHANGES_REQUESTED, False),
        ("moderator", Status.PUBLISHED, False),
        ("moderator", Status.WITHDRAWN, False),
        ("city", Status.WITHDRAWN, False),
    ],
)
def test_only_drafts_can_be_deleted(who, status, deletable, login, make_report):
    report = make_report(status)
    client = login(who)
    url = admin_urls(report)["delete"]

    assert client.get(url).status_code == (200 if deletable else 403)
    response = client.post(url, {"post": "yes"})

    if deletable:
        assert response.status_code == 302
        assert not Report.objects.filter(pk=report.pk).exists()
    else:
        assert response.status_code == 403
        assert Report.objects.filter(pk=report.pk, status=status).exists()


def test_change_page_of_read_only_report_hides_delete_link(login, make_report):
    report = make_report(Status.SUBMITTED)
    page = text_of(login("city").get(admin_urls(report)["change"]))
    assert admin_urls(report)["delete"] not in page

    draft = make_report(Status.DRAFT, year=2023)
    assert admin_urls(draft)["delete"] in text_of(login("city").get(admin_urls(draft)["change"]))


# --- workflow pages -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status, name",
    [
        ("city", Status.SUBMITTED, "publish"),
        ("city", Status.SUBMITTED, "request_changes"),
        ("city", Status.PUBLISHED, "withdraw"),
        ("city", Status.SUBMITTED, "submit"),  # already submitted
        ("city", Status.DRAFT, "return_to_draft"),
        ("moderator", Status.PUBLISHED, "submit"),
        ("moderator", Status.DRAFT, "publish"),
        ("moderator", Status.DRAFT, "request_changes"),
        ("moderator", Status.WITHDRAWN, "publish"),
        ("moderator", Status.CHANGES_REQUESTED, "withdraw"),
        ("other", Status.DRAFT, "submit"),
        ("norole", Status.WITHDRAWN, "return_to_draft"),
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_crafted_transition_is_refused(who, status, name, method, login, make_report):
    report = make_report(status)
    before = report_state(report.pk)
    client = login(who)
    url = transition_url(report, name)

    response = client.get(url) if method == "GET" else client.post(url, {"comment": COMMENT})

    # Another city's report is not found for this editor; the rest are refused.
    assert response.status_code == (404 if who == "other" else 403)
    assert report_state(report.pk) == before
    assert not ReportEvent.objects.filter(comment=COMMENT).exists()


@pytest.mark.parametrize("name", SYSTEM_ONLY)
@pytest.mark.parametrize("who", ["city", "moderator", "superuser"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_system_only_transition_is_refused_to_everyone(name, who, method, login, make_report):
    status = sorted(TRANSITIONS[name].sources)[0]
    report = make_report(status)
    before = report_state(report.pk)
    url = transition_url(report, name)
    client = login(who)

    response = client.get(url) if method == "GET" else client.post(url, {"comment": COMMENT})

    assert response.status_code == 403
    assert report_state(report.pk) == before
    assert url not in text_of(client.get(admin_urls(report)["change"]))  # no button either


@pytest.mark.parametrize("who", ["city", "moderator"])
def test_unknown_transition_is_404(who, login, make_report):
    report = make_report(Status.DRAFT)
    before = report_state(report.pk)

    response = login(who).post(transition_url(report, "delete_everything"), {"comment": COMMENT})

    assert response.status_code == 404
    assert report_state(report.pk) == before


@pytest.mark.parametrize("name", ["request_changes", "withdraw"])
@pytest.mark.parametrize("comment", ["", "   \n  "])
def test_transition_needing_comment_rerenders_with_russian_error(name, comment, login, make_report):
    report = make_report(SOURCE[name])
    before = report_state(report.pk)

    response = login("moderator").post(transition_url(report, name), {"comment": comment})

    assert response.status_code == 200
    expected = {
        # A return may say it all in remarks on items (issue 14, item 22): one or the other.
        "request_changes": "Напишите комментарий или замечание хотя бы к одному разделу или пункту",
        "withdraw": "Напишите комментарий: без него это действие не выполняется.",
    }[name]
    assert expected in text_of(response)
    assert response.context["form"].errors["comment"]
    assert report_state(report.pk) == before


def test_successful_transition_shows_comment_in_timeline(login, make_report):
    report = make_report(Status.SUBMITTED)
    comment = "Уточните, сколько человек пришло на форум"

    response = login("moderator").post(transition_url(report, "request_changes"), {"comment": comment})

    assert response.status_code == 302
    assert response["Location"] == admin_urls(report)["change"]
    for who in ("moderator", "city"):
        page = text_of(login(who).get(response["Location"]))
        timeline = page[page.index('<section class="timeline"') :]
        timeline = timeline[: timeline.index("</section>")]
        assert comment in timeline
        assert "Возвращён на доработку" in timeline
        assert "moderator" in timeline  # who did it


def test_transition_message_after_redirect(login, make_report):
    report = make_report(Status.DRAFT)
    client = login("city")

    response = client.post(transition_url(report, "submit"), {"comment": ""}, follow=True)

    assert response.status_code == 200
    text = text_of(response)
    assert "Отчёт «Саяногорск — 2024» отправлен на проверку в Ассоциацию." in text
    assert "Письмо об этом отправлено 1 человеку." in text  # the Association editor
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


@pytest.mark.parametrize(
    ("start", "name", "said"),
    [
        (Status.SUBMITTED, "request_changes", "Отчёт «Саяногорск — 2024» возвращён городу на доработку"),
        (Status.SUBMITTED, "publish", "Отчёт «Саяногорск — 2024» опубликован: он виден всем на сайте."),
        (Status.PUBLISHED, "withdraw", "Отчёт «Саяногорск — 2024» снят с публикации: на сайте его больше нет."),
        (Status.WITHDRAWN, "return_to_draft", "Отчёт «Саяногорск — 2024» снова черновик"),
    ],
)
def test_each_transition_says_what_happened_and_who_was_told(login, make_report, start, name, said):
    report = make_report(start)
    response = login("moderator").post(transition_url(report, name), {"comment": "причина"}, follow=True)
    text = text_of(response)
    assert said in text
    assert "Письмо об этом отправлено 1 человеку." in text  # the city's editor
    assert "Готово:" not in text


# --- object ids from another report are not reachable through one's own -----------------


def test_version_of_another_report_is_404_through_own_report(login, make_report, kogalym, other_editor):
    own = make_report(Status.SUBMITTED)
    foreign = make_report(Status.SUBMITTED, municipality=kogalym, city=other_editor, year=2019)
    foreign_event = foreign.events.get()

    client = login("city")
    detail = client.get(reverse("admin:reports_report_version", args=[own.pk, foreign_event.pk]))
    diff = client.get(admin_urls(own)["version_diff"], {"from": foreign_event.pk, "to": "current"})

    assert detail.status_code == 404
    assert diff.status_code == 404
    for response in (detail, diff):
        assert "Проведён форум ТОС 2019" not in text_of(response)


def test_history_record_of_another_report_is_404_through_own_report(login, make_report, kogalym, other_editor):
    own = make_report(Status.DRAFT)
    foreign = make_report(Status.DRAFT, municipality=kogalym, city=other_editor, year=2019)
    foreign_record = foreign.history.earliest("history_date")

    response = login("city").get(
        reverse("admin:reports_report_simple_history", args=[own.pk, foreign_record.history_id])
    )

    assert response.status_code == 404
    assert "Когалым" not in text_of(response)


def test_version_pages_show_local_time(login, make_report):
    """Times are shown in the portal's time zone (Asia/Krasnoyarsk) everywhere, not in UTC."""
    import datetime

    from django.utils import timezone

    report = make_report(Status.SUBMITTED)
    event = report.events.get()
    local = timezone.localtime(event.created_at).strftime("%d.%m.%Y %H:%M:%S")
    utc = event.created_at.astimezone(datetime.UTC).strftime("%d.%m.%Y %H:%M")
    assert not local.startswith(utc)
    client = login("city")

    detail = text_of(client.get(admin_urls(report)["version"]))
    diff = text_of(client.get(admin_urls(report)["version_diff"]))

    assert f"Отчёт в версии 1 от {local}" in detail  # to the second (issue 14, item 7)
    assert utc not in detail
    assert f"версия 1 — На проверке, {local}" in diff
    assert utc not in diff


def test_missing_report_is_reported_in_russian(login):
    response = login("city").get(reverse("admin:reports_report_change", args=[999999]), follow=True)

    assert response.status_code == 200
    assert DOES_NOT_EXIST in text_of(response)


def test_change_form_carries_expected_version(login, make_report):
    """The optimistic lock needs the version the form was opened at (see test_lost_update)."""
    report = make_report(Status.SUBMITTED)  # version 2 after one transition

    fields = form_fields(login("moderator").get(admin_urls(report)["change"]), form_id="report_form")

    assert fields["expected_version"] == "2"
    assert set(report_form_data(report)) <= set(fields)  # the tests' POSTs are what the page sends


def test_inline_row_cannot_reach_an_item_of_another_report(login, make_report, kogalym, other_editor):
    """A hand-edited inline id pointing at another municipality's achievement changes nothing there."""
    own = make_report(Status.DRAFT)
    foreign = make_report(Status.DRAFT, municipality=kogalym, city=other_editor, year=2019)
    foreign_item = foreign.achievements.get()
    before = report_state(foreign.pk)
    data = report_form_data(own, **{"achievements-0-id": foreign_item.pk, "achievements-0-text": NEW_TEXT})

    response = login("city").post(admin_urls(own)["change"], data)

    # The row is not matched to the foreign item (the formset only knows this report's
    # items); whatever becomes of the typed text, it stays in the city's own report.
    assert response.status_code in (200, 302)
    assert report_state(foreign.pk) == before
    foreign_item.refresh_from_db()
    assert (foreign_item.report_id, foreign_item.text) == (foreign.pk, "Проведён форум ТОС 2019")
    assert not own.achievements.filter(pk=foreign_item.pk).exists()


def test_municipal_editor_without_municipalities_cannot_add(make_user, client, make_report):
    from accounts.roles import MUNICIPAL_EDITORS

    make_report(Status.DRAFT)
    lonely = make_user("lonely_editor", MUNICIPAL_EDITORS)
    client.force_login(lonely)

    assert client.get(reverse("admin:reports_report_add")).status_code == 403
    changelist = client.get(reverse("admin:reports_report_changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == 0
    assert "Саяногорск" not in text_of(changelist)
