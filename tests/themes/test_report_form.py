"""The themes of items on the report form: the Association's editors confirm or correct them with
checkboxes; municipal editors do not see them; what the moderator chose stands."""

import pytest
from django.urls import reverse

from reports.models import Achievement, Problem
from reports.status import Status
from tests.reports.admin.helpers import report_form_data
from themes.forms import CONFIRMED
from themes.models import Theme

from .conftest import suggest_and_publish, themes_of

pytestmark = pytest.mark.django_db


def pk(slug):
    return str(Theme.objects.get(slug=slug).pk)


def change_url(report):
    return reverse("admin:reports_report_change", args=[report.pk])


def with_themes(report, **picks):
    """The form as posted with these checkboxes ticked ({"achievements-0": [ids…]}) and the others as shown."""
    data = report_form_data(report)
    for section in ("achievements", "problems", "tasks", "proposals"):
        for index, item in enumerate(getattr(report, section).order_by("position", "id")):
            shown = [str(t.pk) for t in item.themes.all()] + ([CONFIRMED] if item.themes_confirmed else [])
            data[f"{section}-{index}-themes_pick"] = picks.get(f"{section}-{index}", shown)
    return data


@pytest.fixture
def submitted(make_report):
    report = make_report(Status.SUBMITTED)
    suggest_and_publish([report.pk])
    return report


def test_the_moderator_sees_the_checkboxes_in_a_closed_box(login, submitted):
    page = login("moderator").get(change_url(submitted)).content.decode()
    assert page.count('<details class="theme-pick">') == 4 + 4  # the items, and each section's empty row
    assert 'name="achievements-0-themes_pick"' in page
    assert "подобраны по тексту" in page
    assert 'value="confirmed"' in page
    assert "Молодёжь" in page


def test_a_municipal_editor_does_not_see_them_and_keeps_them(login, make_report):
    draft = make_report(Status.DRAFT)
    suggest_and_publish([draft.pk])
    client = login("city")
    page = client.get(change_url(draft)).content.decode()
    assert "themes_pick" not in page and "theme-pick" not in page
    data = report_form_data(draft, **{"problems-0-text": "Сложно привлечь ветеранов"})
    assert client.post(change_url(draft), data).status_code == 302
    assert themes_of(draft.achievements.get()) == ["tos"], "untouched"
    assert themes_of(draft.problems.get()) == ["seniors"], "the new text, suggested again"


def test_changing_the_selection_confirms_it(login, submitted):
    data = with_themes(submitted, **{"achievements-0": [pk("tos"), pk("training")]})
    assert login("moderator").post(change_url(submitted), data).status_code == 302
    achievement = submitted.achievements.get()
    assert themes_of(achievement) == ["tos", "training"]
    assert Achievement.objects.get(pk=achievement.pk).themes_confirmed
    assert not Problem.objects.get(pk=submitted.problems.get().pk).themes_confirmed, "the others as they were"


def test_ticking_confirmed_keeps_the_suggestion_and_it_then_stands(login, submitted):
    client = login("moderator")
    data = with_themes(submitted, **{"problems-0": [pk("youth"), CONFIRMED]})
    assert client.post(change_url(submitted), data).status_code == 302
    problem = Problem.objects.get(pk=submitted.problems.get().pk)
    assert problem.themes_confirmed and themes_of(problem) == ["youth"]
    # A later edit of the text does not touch confirmed themes.
    data = with_themes(submitted)
    data["problems-0-text"] = "Сложно привлечь ветеранов и казаков"
    assert client.post(change_url(submitted), data).status_code == 302
    assert themes_of(problem) == ["youth"]


def test_unticking_confirmed_goes_back_to_suggestions(login, submitted):
    client = login("moderator")
    client.post(change_url(submitted), with_themes(submitted, **{"problems-0": [pk("urban"), CONFIRMED]}))
    assert themes_of(submitted.problems.get()) == ["urban"]
    assert (
        client.post(change_url(submitted), with_themes(submitted, **{"problems-0": [pk("urban")]})).status_code == 302
    )
    problem = Problem.objects.get(pk=submitted.problems.get().pk)
    assert not problem.themes_confirmed and themes_of(problem) == ["youth"]


def test_an_unknown_theme_is_a_form_error_and_nothing_is_saved(login, submitted):
    response = login("moderator").post(change_url(submitted), with_themes(submitted, **{"achievements-0": ["999999"]}))
    assert response.status_code == 200
    assert themes_of(submitted.achievements.get()) == ["tos"]


def test_new_rows_get_suggestions(login, submitted):
    data = with_themes(submitted)
    data.update(
        {
            "achievements-TOTAL_FORMS": 2,
            "achievements-1-text": "Волонтёры провели субботник",
            "achievements-1-position": "",
        }
    )
    assert login("moderator").post(change_url(submitted), data).status_code == 302
    new = submitted.achievements.get(position=2)
    assert themes_of(new) == ["volunteers", "urban"]


def test_a_correction_on_a_published_report_shows_on_its_page(login, make_report, client):
    published = make_report(Status.PUBLISHED)
    suggest_and_publish([published.pk])
    assert "/themes/cossacks/" in client.get(published.get_absolute_url()).content.decode()
    moderator = login("moderator")
    data = with_themes(published, **{"proposals-0": [pk("ethnic")]})
    assert moderator.post(change_url(published), data).status_code == 302
    moderator.logout()
    page = client.get(published.get_absolute_url()).content.decode()
    assert "/themes/cossacks/" not in page and "/themes/ethnic/" in page


def test_a_report_the_moderator_cannot_edit_shows_the_themes_as_text(login, make_report):
    withdrawn = make_report(Status.WITHDRAWN)
    suggest_and_publish([withdrawn.pk])
    page = login("moderator").get(change_url(withdrawn)).content.decode()
    assert "theme-pick-options" not in page and "None" not in page
    assert "Казачество" in page and "подобраны по тексту" in page
