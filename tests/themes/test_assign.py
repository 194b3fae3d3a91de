"""themes.assign: suggestions from the text, the moderator's choice standing, merging."""

import pytest
from django.core.management import call_command

from reports.models import Achievement, Problem, Report, Task
from reports.status import Status
from themes import assign
from themes.models import Theme

from .conftest import themes_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(make_report):
    return make_report(Status.DRAFT)


def test_the_curated_themes_are_there():
    assert Theme.objects.count() == 20
    assert Theme.objects.filter(slug="tos", name="ТОС").exists()
    assert all(theme.keywords.strip() and theme.description for theme in Theme.objects.all())


def test_suggestions_follow_the_words_of_each_item(draft):
    changed = assign.suggest_for_reports([draft.pk])
    assert changed == {draft.pk}
    assert themes_of(draft.achievements.get()) == ["tos"]
    assert themes_of(draft.problems.get()) == ["youth"]
    assert themes_of(draft.tasks.get()) == ["tos"]
    assert themes_of(draft.proposals.get()) == ["cossacks"]
    assert assign.suggest_for_reports([draft.pk]) == set(), "nothing changes the second time"


def test_a_text_edit_suggests_again_unless_confirmed(draft):
    achievement, problem = draft.achievements.get(), draft.problems.get()
    assign.suggest_for_reports([draft.pk])
    assign.confirm(problem, [Theme.objects.get(slug="seniors").pk])
    for item in (achievement, problem):
        item.text = "Серебряные волонтёры помогают казачьему обществу"
        item.save()
    assign.suggest([achievement, problem])
    assert themes_of(achievement) == ["seniors", "cossacks", "volunteers"]
    assert themes_of(problem) == ["seniors"], "the moderator's choice stands"


def test_a_rule_change_reaches_unconfirmed_items_only(draft):
    assign.suggest_for_reports([draft.pk])
    achievement, task = draft.achievements.get(), draft.tasks.get()
    assign.confirm(task, [Theme.objects.get(slug="tos").pk])
    Theme.objects.filter(slug="tos").update(keywords="территориальное общественное самоуправление")
    Theme.objects.filter(slug="training").update(keywords="форум*")
    assert assign.suggest_everywhere() == {draft.pk}
    assert themes_of(achievement) == ["training"]
    assert themes_of(task) == ["tos"]


def test_confirming_with_no_themes_keeps_none(draft):
    assign.suggest_for_reports([draft.pk])
    item = draft.achievements.get()
    assert assign.confirm(item, [])
    assign.suggest_everywhere()
    assert themes_of(item) == []
    assert Achievement.objects.get(pk=item.pk).themes_confirmed


def test_unconfirming_goes_back_to_suggestions(draft):
    item = draft.achievements.get()
    assign.confirm(item, [Theme.objects.get(slug="youth").pk])
    assert assign.unconfirm(item)
    assert themes_of(item) == ["tos"]
    assert not Achievement.objects.get(pk=item.pk).themes_confirmed


def test_moving_assignments_keeps_confirmed_and_unconfirmed_items(draft, make_report, kogalym):
    other = make_report(Status.DRAFT, municipality=kogalym)
    assign.suggest_for_reports([draft.pk, other.pk])
    youth, seniors = Theme.objects.get(slug="youth"), Theme.objects.get(slug="seniors")
    confirmed = other.problems.get()
    assign.confirm(confirmed, [youth.pk, seniors.pk])
    assert assign.move_assignments(youth, seniors) == {draft.pk, other.pk}
    assert themes_of(draft.problems.get()) == ["seniors"]
    assert themes_of(confirmed) == ["seniors"]


def test_import_with_publish_applies_suggestions(tmp_path, db):
    source = tmp_path / "report.txt"
    source.write_text(
        "КОГАЛЫМ\n\nЧто наиболее значительное удалось сделать в области взаимодействия с общественностью "
        "в 2021 году\n\nПроведён форум ТОС.\n\nНКО получили гранты.\n\nКакие задачи стоят в 2022 году\n\n"
        "- работа с казачеством\n",
        encoding="utf-8",
    )
    call_command("import_reports", str(source), "--publish", stdout=open("/dev/null", "w"))
    report = Report.objects.get(year=2021)
    assert report.status == Status.PUBLISHED
    assert [themes_of(item) for item in report.achievements.order_by("position")] == [["tos"], ["nko", "grants"]]
    assert themes_of(report.tasks.get()) == ["cossacks"]
    assert not Task.objects.filter(themes_confirmed=True).exists()


def test_load_demo_applies_suggestions(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))
    tagged = sum(model.objects.filter(themes__isnull=False).distinct().count() for model in (Achievement, Problem))
    assert tagged > 20
    kogalym_draft = Report.objects.get(municipality__name="Когалым", year=2024)
    assert themes_of(kogalym_draft.proposals.get()) == ["nko", "grants", "training"]
