"""The report form and its inlines, the workflow buttons, the start page, the municipality admin."""

import pytest
from django.urls import reverse

from reports.models import Municipality, Report
from reports.status import Status
from reports.workflow import TRANSITIONS

from .helpers import admin_urls, form_fields, management, report_form_data, report_state, text_of, transition_url

pytestmark = pytest.mark.django_db


def rows(prefix, *items, start=0):
    """Inline rows: each item a dict of field → value."""
    data = {}
    for index, item in enumerate(items, start=start):
        for field, value in item.items():
            data[f"{prefix}-{index}-{field}"] = value
    return data


def new_report_data(municipality, year=2030):
    data = {"municipality": municipality.pk, "year": year}
    data.update(management("achievements", 4))
    data.update(
        rows(
            "achievements",
            {"position": 5, "text": "Второе по счёту"},
            {"position": 2, "text": "Первое по счёту"},
            {"position": 5, "text": "Третье (тот же номер, ниже на экране)"},
            {"position": 0, "text": "Без номера — в конец"},
        )
    )
    data.update(management("problems", 2))
    data.update(rows("problems", {"position": 9, "text": "Проблема Б"}, {"position": 3, "text": "Проблема А"}))
    data.update(management("tasks", 2))
    data.update(
        rows(
            "tasks",
            {"position": 1, "text": "Задача с годом", "year": 2033},
            {"position": 2, "text": "Задача без года", "year": ""},
        )
    )
    data.update(management("proposals", 2))
    data.update(
        rows(
            "proposals",
            {"position": 2, "kind": "training", "text": "Курс по работе с ТОС"},
            {"position": 1, "kind": "conference", "text": "Обсудить гранты"},
        )
    )
    return data


@pytest.mark.parametrize("who", ["city", "moderator"])
def test_new_report_with_items_saves_them_renumbered(who, login, sayan):
    response = login(who).post(reverse("admin:reports_report_add"), new_report_data(sayan))

    assert response.status_code == 302
    report = Report.objects.get(municipality=sayan, year=2030)
    assert list(report.achievements.order_by("position").values_list("position", "text")) == [
        (1, "Первое по счёту"),
        (2, "Второе по счёту"),
        (3, "Третье (тот же номер, ниже на экране)"),
        (4, "Без номера — в конец"),
    ]
    assert list(report.problems.order_by("position").values_list("position", "text")) == [
        (1, "Проблема А"),
        (2, "Проблема Б"),
    ]
    assert list(report.tasks.order_by("position").values_list("position", "text", "year")) == [
        (1, "Задача с годом", 2033),
        (2, "Задача без года", 2031),  # empty year → the year after the report's
    ]
    assert list(report.proposals.order_by("position").values_list("position", "kind", "text")) == [
        (1, "conference", "Обсудить гранты"),
        (2, "training", "Курс по работе с ТОС"),
    ]
    assert report.status == Status.DRAFT
    assert report.version == 1


def test_blank_extra_rows_of_add_form_are_ignored(login, sayan):
    client = login("city")
    fields = form_fields(client.get(reverse("admin:reports_report_add")), form_id="report_form")
    assert fields["municipality"] == str(sayan.pk)  # the only choice is preselected
    assert fields["achievements-TOTAL_FORMS"] == "1"  # one empty row per section
    fields.update({"year": "2029", "achievements-0-text": "Единственное достижение"})

    response = client.post(reverse("admin:reports_report_add"), fields)

    assert response.status_code == 302
    report = Report.objects.get(municipality=sayan, year=2029)
    assert list(report.achievements.values_list("position", "text")) == [(1, "Единственное достижение")]
    assert (report.problems.count(), report.tasks.count(), report.proposals.count()) == (0, 0, 0)


def test_editing_items_renumbers_and_deletes(login, make_report):
    report = make_report(Status.DRAFT)
    original = report.achievements.get()
    data = report_form_data(report)
    data.update(management("achievements", 3, initial=1))
    data.update(
        rows(
            "achievements",
            {"position": 7, "text": "Новое второе"},
            {"position": 3, "text": "Новое первое"},
            start=1,
        )
    )
    data["achievements-0-position"] = 10
    data.update({"problems-0-DELETE": "on"})

    response = login("city").post(admin_urls(report)["change"], data)

    assert response.status_code == 302
    assert list(report.achievements.order_by("position").values_list("position", "text")) == [
        (1, "Новое первое"),
        (2, "Новое второе"),
        (3, original.text),
    ]
    assert report.problems.count() == 0
    assert report_state(report.pk)["version"] == report.version + 1


@pytest.mark.parametrize("who", ["city", "moderator"])
def test_changing_year_to_an_existing_one_is_a_form_error(who, login, make_report):
    make_report(Status.DRAFT, year=2024)
    report = make_report(Status.DRAFT, year=2023)
    before = report_state(report.pk)

    response = login(who).post(admin_urls(report)["change"], report_form_data(report, year=2024))

    assert response.status_code == 200
    assert "У этого муниципалитета уже есть отчёт за 2024 год." in text_of(response)
    assert "year" in response.context["adminform"].form.errors
    assert report_state(report.pk) == before


def test_adding_a_second_report_for_the_same_year_is_a_form_error(login, make_report, sayan):
    make_report(Status.DRAFT, year=2024)

    response = login("city").post(
        reverse("admin:reports_report_add"), report_form_data(None, municipality=sayan.pk, year=2024)
    )

    assert response.status_code == 200
    assert "уже есть отчёт" in text_of(response)
    assert Report.objects.filter(municipality=sayan, year=2024).count() == 1


def test_a_double_clicked_save_on_a_new_report_is_a_form_error_that_keeps_the_text(
    login, sayan, city_editor, monkeypatch
):
    """The other click's INSERT lands between this one's form check and its own INSERT (simulated:
    the report exists, and the first form check does not see it). That was a 500 that lost the text."""
    from reports.admin.forms import ReportForm

    other_click = Report.objects.create(municipality=sayan, year=2030, created_by=city_editor)
    checks = []
    clean, validate_unique = ReportForm.clean, ReportForm.validate_unique

    def clean_before_the_other_click(self):
        checks.append(self)
        if len(checks) == 1:
            return super(ReportForm, self).clean()  # the clash check of ReportForm.clean missed it
        return clean(self)

    def validate_unique_before_the_other_click(self):
        if self is not checks[0]:
            validate_unique(self)

    validate_constraints = Report.validate_constraints

    def constraints_before_the_other_click(self, *args, **kwargs):
        if checks and self is checks[0].instance and len(checks) == 1:
            return None
        return validate_constraints(self, *args, **kwargs)

    monkeypatch.setattr(ReportForm, "clean", clean_before_the_other_click)
    monkeypatch.setattr(ReportForm, "validate_unique", validate_unique_before_the_other_click)
    monkeypatch.setattr(Report, "validate_constraints", constraints_before_the_other_click)
    client = login("city")
    client.raise_request_exception = False
    response = client.post(reverse("admin:reports_report_add"), new_report_data(sayan, 2030))

    assert len(checks) == 2  # saved, refused by the database, checked again
    assert response.status_code == 200
    assert "У этого муниципалитета уже есть отчёт за 2030 год." in text_of(response)
    assert "Второе по счёту" in response.content.decode()  # what was typed is shown back
    assert list(Report.objects.filter(municipality=sayan, year=2030)) == [other_click]
    assert other_click.achievements.count() == 0  # nothing of this click was stored


def test_same_year_for_another_municipality_is_fine(login, make_report, kogalym, other_editor):
    make_report(Status.DRAFT, year=2024)

    response = login("other").post(
        reverse("admin:reports_report_add"), report_form_data(None, municipality=kogalym.pk, year=2024)
    )

    assert response.status_code == 302
    assert Report.objects.filter(year=2024).count() == 2


@pytest.mark.parametrize("year", [1989, 2101])
def test_year_out_of_range_is_a_form_error(year, login, sayan):
    response = login("city").post(
        reverse("admin:reports_report_add"), report_form_data(None, municipality=sayan.pk, year=year)
    )

    assert response.status_code == 200
    assert "year" in response.context["adminform"].form.errors
    assert not Report.objects.exists()


def test_changing_municipality_of_existing_report_is_ignored(login, make_report, kogalym):
    report = make_report(Status.DRAFT)

    response = login("moderator").post(
        admin_urls(report)["change"], report_form_data(report, municipality=kogalym.pk, year=2025)
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.municipality.name, report.year) == ("Саяногорск", 2025)


# --- workflow buttons -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status, expected",
    [
        ("city", Status.DRAFT, {"submit"}),
        ("moderator", Status.DRAFT, {"submit"}),
        ("city", Status.SUBMITTED, {"recall"}),  # until the Association acts on it
        ("moderator", Status.SUBMITTED, {"request_changes", "publish"}),
        ("city", Status.CHANGES_REQUESTED, {"submit"}),
        ("city", Status.PUBLISHED, set()),
        ("moderator", Status.PUBLISHED, {"withdraw"}),
        ("city", Status.WITHDRAWN, {"return_to_draft"}),
        ("moderator", Status.WITHDRAWN, {"return_to_draft"}),
    ],
)
def test_change_page_shows_only_available_workflow_buttons(who, status, expected, login, make_report):
    report = make_report(status)

    page = text_of(login(who).get(admin_urls(report)["change"]))

    links = {name for name in TRANSITIONS if f'href="{transition_url(report, name)}"' in page}
    # On a form this person may still edit, the buttons save it first (issue 14, item 2).
    buttons = {name for name in TRANSITIONS if f'name="_then" value="{name}"' in page}
    assert links | buttons == expected
    assert not links & buttons
    editable = who == "moderator" or status in (Status.DRAFT, Status.CHANGES_REQUESTED)
    assert (buttons if editable and status != Status.WITHDRAWN else links) == expected
    for name in links:
        assert str(TRANSITIONS[name].label) in page


# --- the start page ------------------------------------------------------------------------


def section(page, label):
    start = page.index(f'aria-labelledby="{label}"')
    return page[start : page.index("</section>", start)]


def test_index_shows_my_reports_to_municipal_editor(login, make_report, kogalym, other_editor):
    make_report(Status.DRAFT, year=2024)
    make_report(Status.PUBLISHED, year=2023)
    make_report(Status.SUBMITTED, municipality=kogalym, city=other_editor, year=2019)

    response = login("city").get(reverse("admin:index"))

    assert response.status_code == 200
    page = text_of(response)
    assert "Мои отчёты" in page
    mine = section(page, "my-reports")
    assert "Саяногорск — 2024" in mine
    assert "Саяногорск — 2023" in mine
    assert "Когалым" not in page
    assert "Ждут проверки" not in page


def test_index_shows_review_queue_to_moderator(login, make_report, kogalym, other_editor):
    make_report(Status.SUBMITTED, year=2024)
    make_report(Status.DRAFT, year=2023)
    make_report(Status.PUBLISHED, municipality=kogalym, city=other_editor, year=2019)

    response = login("moderator").get(reverse("admin:index"))

    assert response.status_code == 200
    page = text_of(response)
    assert "Ждут проверки" in page
    queue = section(page, "queue")
    assert "Саяногорск — 2024" in queue
    assert "Саяногорск — 2023" not in queue  # a draft is not waiting for review
    assert "Когалым — 2019" not in queue  # published already
    assert "Мои отчёты" not in page


@pytest.mark.parametrize("who", ["norole", "other"])
def test_index_shows_no_foreign_reports(who, login, make_report):
    make_report(Status.SUBMITTED, year=2024)

    response = login(who).get(reverse("admin:index"))

    assert response.status_code == 200
    assert "Саяногорск" not in text_of(response)
    assert "Ждут проверки" not in text_of(response)


def test_index_redirects_anonymous_to_login(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- municipality admin ---------------------------------------------------------------------

MUNICIPALITY_POST = {"name": "Абакан", "slug": "abakan", "region": "Республика Хакасия", "website": ""}


@pytest.mark.parametrize(
    "who, visible", [("city", ["Саяногорск"]), ("other", ["Когалым"]), ("moderator", ["Когалым", "Саяногорск"])]
)
def test_municipality_list_is_scoped(who, visible, login, sayan, kogalym):
    response = login(who).get(reverse("admin:reports_municipality_changelist"))

    assert response.status_code == 200
    assert [m.name for m in response.context["cl"].result_list] == visible
    for name in {"Саяногорск", "Когалым"} - set(visible):
        assert name not in text_of(response)


def test_municipal_editor_can_view_but_not_change_own_municipality(login, sayan, kogalym):
    client = login("city")
    url = reverse("admin:reports_municipality_change", args=[sayan.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "Саяногорск" in text_of(page)
    assert 'name="_save"' not in text_of(page)

    response = client.post(url, {**MUNICIPALITY_POST, "name": "Переименован", "slug": "renamed"})
    assert response.status_code == 403
    sayan.refresh_from_db()
    assert (sayan.name, sayan.slug) == ("Саяногорск", "sayanogorsk")

    foreign = client.get(reverse("admin:reports_municipality_change", args=[kogalym.pk]))
    assert foreign.status_code == 302
    assert foreign["Location"] == reverse("admin:index")


@pytest.mark.parametrize("who", ["city", "norole"])
def test_only_association_may_add_municipalities(who, login, sayan):
    client = login(who)
    url = reverse("admin:reports_municipality_add")

    assert client.get(url).status_code == 403
    assert client.post(url, MUNICIPALITY_POST).status_code == 403
    assert not Municipality.objects.filter(slug="abakan").exists()


def test_moderator_adds_municipality(login):
    client = login("moderator")
    url = reverse("admin:reports_municipality_add")

    assert client.get(url).status_code == 200
    response = client.post(url, MUNICIPALITY_POST)

    assert response.status_code == 302
    assert Municipality.objects.get(slug="abakan").name == "Абакан"


@pytest.mark.parametrize("who", ["moderator", "superuser"])
def test_municipality_with_reports_cannot_be_deleted(who, login, make_report, sayan):
    make_report(Status.DRAFT)
    client = login(who)
    url = reverse("admin:reports_municipality_delete", args=[sayan.pk])

    assert client.get(url).status_code == 403
    response = client.post(url, {"post": "yes"})

    assert response.status_code == 403
    assert Municipality.objects.filter(pk=sayan.pk).exists()


def test_municipality_without_reports_can_be_deleted_by_moderator(login, make_user):
    empty = Municipality.objects.create(name="Абакан", slug="abakan", region="Республика Хакасия")
    client = login("moderator")
    url = reverse("admin:reports_municipality_delete", args=[empty.pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Municipality.objects.filter(pk=empty.pk).exists()


def test_municipal_editor_cannot_delete_own_municipality_even_without_reports(login, sayan):
    client = login("city")
    url = reverse("admin:reports_municipality_delete", args=[sayan.pk])

    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Municipality.objects.filter(pk=sayan.pk).exists()


@pytest.mark.parametrize(
    "who, page, expected",
    [
        ("city", "history", 200),
        ("city", "record", 200),
        ("other", "history", 404),  # not theirs: "not found", as a missing one (issue 14, item 11)
        ("other", "record", 404),
        ("norole", "history", 403),
        ("moderator", "history", 200),
    ],
)
def test_municipality_history_is_scoped(who, page, expected, login, sayan):
    record = sayan.history.earliest("history_date")
    url = (
        reverse("admin:reports_municipality_history", args=[sayan.pk])
        if page == "history"
        else reverse("admin:reports_municipality_simple_history", args=[sayan.pk, record.history_id])
    )

    response = login(who).get(url)

    assert response.status_code == expected
    assert ("Саяногорск" in text_of(response)) is (expected == 200)


@pytest.mark.parametrize("who, allowed", [("city", False), ("other", False), ("moderator", True)])
def test_municipality_revert_only_by_association(who, allowed, login, sayan):
    first = sayan.history.earliest("history_date")
    sayan.name = "Саяногорск (переименован)"
    sayan.save()
    url = reverse("admin:reports_municipality_simple_history", args=[sayan.pk, first.history_id])

    response = login(who).post(
        url, {"name": "Саяногорск", "slug": "sayanogorsk", "region": sayan.region, "website": ""}
    )

    sayan.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert sayan.name == "Саяногорск"
    else:
        assert response.status_code == (404 if who == "other" else 403)  # another city's: not found
        assert sayan.name == "Саяногорск (переименован)"


@pytest.mark.parametrize(
    ("status", "shown"), [(Status.PUBLISHED, True), (Status.SUBMITTED, False), (Status.DRAFT, False)]
)
def test_the_status_panel_links_to_the_public_page_once_published(login, make_report, status, shown):
    report = make_report(status)
    html = login("moderator").get(admin_urls(report)["change"]).content.decode()
    link = f'<a href="{report.get_absolute_url()}">Открыть опубликованный отчёт на сайте</a>'
    assert (link in html) is shown
