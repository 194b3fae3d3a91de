"""The permission ladder on the item admins (achievements, problems, tasks, proposals).

Items follow their report's rules: seen by whoever may see the report, edited only
while the report is editable for that user, never added outside the report's form.
"""

import pytest
from django.urls import reverse

from reports.models import Achievement, Problem, Proposal, Report, Task
from reports.status import Status

from .helpers import (
    EDITABLE,
    assert_login_redirect,
    assert_refused,
    form_fields,
    item_admin_urls,
    item_form_data,
    text_of,
)

pytestmark = pytest.mark.django_db

MODELS = {"achievement": Achievement, "problem": Problem, "task": Task, "proposal": Proposal}
RELATED = {"achievement": "achievements", "problem": "problems", "task": "tasks", "proposal": "proposals"}
EDITED = "Текст после правки в отчёте"
NEW_TEXT = "ИЗМЕНЕНО ЧЕРЕЗ СПИСОК"

CASES = [
    "changelist GET",
    "change GET",
    "change POST",
    "delete GET",
    "delete POST",
    "history GET",
    "history_record GET",
    "revert POST",
]
OBJECT_CASES = CASES[1:]
MISSING_NOT_FORBIDDEN = {"change GET", "change POST", "delete GET", "delete POST"}


class Setup:
    """A report with an item whose text was edited once (so a revert would change it)."""

    def __init__(self, make_report, model_name, status=Status.DRAFT, **kwargs):
        self.report = make_report(status, **kwargs)
        self.item = getattr(self.report, RELATED[model_name]).get()
        self.original = self.item.text
        self.first_record = self.item.history.earliest("history_date")
        self.item.text = EDITED
        self.item.save()
        self.urls = item_admin_urls(self.item, history_id=self.first_record.history_id)

    def state(self):
        item = type(self.item).objects.filter(pk=self.item.pk).first()
        report = Report.objects.get(pk=self.report.pk)
        return {
            "item": None if item is None else (item.text, item.position, item.report_id),
            "report": (report.status, report.version),
        }

    def request(self, case):
        page, method = case.split()
        if page == "revert":
            url = self.urls["history_record"]
            data = item_form_data(self.item, text=self.original)
        else:
            url = self.urls[page]
            data = {"change": item_form_data(self.item, text=NEW_TEXT), "delete": {"post": "yes"}}.get(page)
        return method, url, data


def send(client, method, url, data):
    return client.get(url) if method == "GET" else client.post(url, data or {})


# --- the ladder ---------------------------------------------------------------------------


@pytest.mark.parametrize("model_name", MODELS)
@pytest.mark.parametrize("case", CASES + ["add GET"])
def test_anonymous_is_sent_to_login(model_name, case, client, make_report):
    s = Setup(make_report, model_name)
    before = s.state()
    method, url, data = s.request(case) if case != "add GET" else ("GET", s.urls["add"], None)

    response = send(client, method, url, data)

    assert_login_redirect(response, url)
    assert s.state() == before


@pytest.mark.parametrize("model_name", MODELS)
@pytest.mark.parametrize("case", OBJECT_CASES)
def test_editor_of_another_municipality_is_refused(model_name, case, login, make_report):
    s = Setup(make_report, model_name)
    before = s.state()
    method, url, data = s.request(case)
    client = login("other")

    response = send(client, method, url, data)

    # Another city's item is "not found", as an id that does not exist (issue 14, item 11).
    how = "missing" if case in MISSING_NOT_FORBIDDEN else "404"
    assert_refused(client, response, how, EDITED, s.original, "Саяногорск")
    assert s.state() == before


@pytest.mark.parametrize("model_name", MODELS)
@pytest.mark.parametrize("case", CASES + ["add GET"])
def test_staff_without_role_gets_403(model_name, case, login, make_report):
    s = Setup(make_report, model_name)
    before = s.state()
    method, url, data = s.request(case) if case != "add GET" else ("GET", s.urls["add"], None)

    response = send(login("norole"), method, url, data)

    assert response.status_code == 403
    for secret in (EDITED, s.original, "Саяногорск"):
        assert secret not in text_of(response)
    assert s.state() == before


@pytest.mark.parametrize("model_name", MODELS)
@pytest.mark.parametrize("who", ["city", "moderator"])
@pytest.mark.parametrize(
    "case, shows",
    [
        ("changelist GET", EDITED),
        ("change GET", EDITED),
        ("delete GET", EDITED),
        ("history GET", EDITED),
        ("history_record GET", "original"),
    ],
)
def test_allowed_user_opens_page(model_name, who, case, shows, login, make_report):
    s = Setup(make_report, model_name)
    before = s.state()
    method, url, _data = s.request(case)

    response = login(who).get(url)

    assert response.status_code == 200
    assert (s.original if shows == "original" else shows) in text_of(response)
    assert s.state() == before


@pytest.mark.parametrize("model_name", MODELS)
@pytest.mark.parametrize("who", ["city", "moderator"])
def test_allowed_user_edits_item(model_name, who, login, make_report):
    s = Setup(make_report, model_name)
    version = s.state()["report"][1]
    method, url, data = s.request("change POST")

    response = login(who).post(url, data)

    assert response.status_code == 302
    assert s.state() == {"item": (NEW_TEXT, s.item.position, s.report.pk), "report": (Status.DRAFT, version + 1)}


@pytest.mark.parametrize("model_name", MODELS)
@pytest.mark.parametrize("who", ["city", "moderator"])
def test_allowed_user_deletes_item(model_name, who, login, make_report):
    s = Setup(make_report, model_name)
    version = s.state()["report"][1]
    method, url, data = s.request("delete POST")

    response = login(who).post(url, data)

    assert response.status_code == 302
    assert s.state() == {"item": None, "report": (Status.DRAFT, version + 1)}


@pytest.mark.parametrize("model_name", MODELS)
@pytest.mark.parametrize("who", ["city", "moderator"])
def test_allowed_user_reverts_item(model_name, who, login, make_report):
    s = Setup(make_report, model_name)
    version = s.state()["report"][1]
    method, url, data = s.request("revert POST")

    response = login(who).post(url, data)

    assert response.status_code == 302
    assert s.state() == {"item": (s.original, s.item.position, s.report.pk), "report": (Status.DRAFT, version + 1)}


# --- add is disabled -----------------------------------------------------------------------


@pytest.mark.parametrize("model_name", MODELS)
@pytest.mark.parametrize("who", ["city", "moderator", "superuser"])
def test_items_cannot_be_added_outside_their_report(model_name, who, login, make_report):
    report = make_report(Status.DRAFT)
    count = MODELS[model_name].objects.count()
    client = login(who)
    add_url = reverse(f"admin:reports_{model_name}_add")

    assert client.get(add_url).status_code == 403
    response = client.post(
        add_url, {"report": report.pk, "position": 1, "text": "Вне формы отчёта", "year": 2025, "kind": "other"}
    )

    assert response.status_code == 403
    assert MODELS[model_name].objects.count() == count
    changelist = client.get(reverse(f"admin:reports_{model_name}_changelist"))
    assert changelist.status_code == 200
    assert add_url not in text_of(changelist)


# --- lists are scoped ----------------------------------------------------------------------


@pytest.fixture
def two_reports(make_report, kogalym, other_editor):
    """Саяногорск 2024 (city_editor's) and Когалым 2019 (other_editor's), same item texts."""
    return make_report(Status.DRAFT), make_report(Status.DRAFT, municipality=kogalym, city=other_editor, year=2019)


# A word from each section's text, in a case the stored text does not use.
SEARCH = {"achievement": "ФОРУМ ТОС", "problem": "ПРИВЛЕЧЬ МОЛОД", "task": "ПРОВЕСТИ ФОРУМ", "proposal": "КАЗАЧЕСТВОМ"}


@pytest.mark.parametrize("model_name", MODELS)
@pytest.mark.parametrize(
    "who, sees_sayan, sees_kogalym",
    [("city", True, False), ("other", False, True), ("moderator", True, True)],
)
@pytest.mark.parametrize("query", [None, "search"])
def test_changelist_and_search_show_only_visible_items(
    model_name, who, sees_sayan, sees_kogalym, query, login, two_reports
):
    params = {"q": SEARCH[model_name]} if query else {}

    response = login(who).get(reverse(f"admin:reports_{model_name}_changelist"), params)

    assert response.status_code == 200
    page = text_of(response)
    assert ("Саяногорск — 2024" in page) is sees_sayan
    assert ("Когалым — 2019" in page) is sees_kogalym
    assert response.context["cl"].result_count == sees_sayan + sees_kogalym


@pytest.mark.parametrize("model_name", MODELS)
@pytest.mark.parametrize("query", ["КОГАЛЫМ", "когалым", "Когалым"])
def test_search_by_foreign_municipality_name_finds_nothing(model_name, query, login, two_reports):
    url = reverse(f"admin:reports_{model_name}_changelist")

    city = login("city").get(url, {"q": query})
    assert city.status_code == 200
    assert city.context["cl"].result_count == 0
    assert "Когалым — 2019" not in text_of(city)

    moderator = login("moderator").get(url, {"q": query})
    assert moderator.context["cl"].result_count == 1  # the search itself works


@pytest.mark.parametrize("model_name", MODELS)
def test_list_filters_offer_only_own_municipalities(model_name, login, two_reports, sayan, kogalym):
    page = text_of(login("city").get(reverse(f"admin:reports_{model_name}_changelist")))

    assert f'href="?municipality={sayan.pk}"' in page
    assert f'href="?municipality={kogalym.pk}"' not in page
    assert 'href="?year=2024"' in page
    assert 'href="?year=2019"' not in page
    assert kogalym.region not in page


@pytest.mark.parametrize("model_name", MODELS)
def test_filter_by_foreign_municipality_finds_nothing(model_name, login, two_reports, kogalym):
    response = login("city").get(reverse(f"admin:reports_{model_name}_changelist"), {"municipality": kogalym.pk})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


# --- edits only while the report is editable for the user --------------------------------


@pytest.mark.parametrize("model_name", MODELS)
@pytest.mark.parametrize("who, status, editable", EDITABLE)
def test_item_edit_follows_report_state(model_name, who, status, editable, login, make_report):
    s = Setup(make_report, model_name, status)
    before = s.state()
    client = login(who)

    page = client.get(s.urls["change"])
    assert page.status_code == 200  # everyone who sees the report may read its items
    assert EDITED in text_of(page)
    assert ('name="_save"' in text_of(page)) is editable
    assert ('name="text"' in text_of(page)) is editable

    response = client.post(s.urls["change"], item_form_data(s.item, text=NEW_TEXT))

    if editable:
        assert response.status_code == 302
        assert s.state() == {
            "item": (NEW_TEXT, s.item.position, s.report.pk),
            "report": (status, before["report"][1] + 1),
        }
    else:
        assert response.status_code == 403
        assert s.state() == before


@pytest.mark.parametrize("model_name", ["achievement", "task"])
@pytest.mark.parametrize("who, status, editable", EDITABLE)
def test_item_delete_follows_report_state(model_name, who, status, editable, login, make_report):
    s = Setup(make_report, model_name, status)
    before = s.state()
    client = login(who)

    assert client.get(s.urls["delete"]).status_code == (200 if editable else 403)
    response = client.post(s.urls["delete"], {"post": "yes"})

    if editable:
        assert response.status_code == 302
        assert s.state()["item"] is None
    else:
        assert response.status_code == 403
        assert s.state() == before


@pytest.mark.parametrize("model_name", MODELS)
def test_item_change_form_carries_report_version(model_name, login, make_report):
    s = Setup(make_report, model_name, Status.SUBMITTED)  # version 2 after one transition

    fields = form_fields(login("moderator").get(s.urls["change"]), form_id=f"{model_name}_form")

    assert fields["expected_version"] == "2"
    assert fields["text"] == EDITED
    assert set(item_form_data(s.item)) <= set(fields)


def test_item_edit_cannot_move_it_to_another_report(login, make_report, kogalym, other_editor):
    s = Setup(make_report, "achievement")
    foreign = make_report(Status.DRAFT, municipality=kogalym, city=other_editor, year=2019)

    response = login("city").post(s.urls["change"], item_form_data(s.item, text=NEW_TEXT, report=foreign.pk))

    assert response.status_code == 302
    s.item.refresh_from_db()
    assert (s.item.report_id, s.item.text) == (s.report.pk, NEW_TEXT)
    assert foreign.achievements.count() == 1


@pytest.mark.parametrize(("who", "shown"), [("city", False), ("moderator", True), ("superuser", True)])
def test_the_item_lists_are_in_the_menu_of_the_association_only(login, make_report, who, shown):
    """Issue 14, item 6: a city writes items in its report's form; the cross-report lists
    (all achievements, tasks, problems, requests) only crowd its menu."""
    make_report()
    client = login(who)
    for page in ("/admin/", "/admin/reports/"):
        html = client.get(page).content.decode()
        for model in ("achievement", "problem", "task", "proposal"):
            assert (f'href="/admin/reports/{model}/"' in html) is shown, (page, model)
        assert 'href="/admin/reports/report/"' in html
