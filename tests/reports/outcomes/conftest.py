import pytest

from reports import workflow
from reports.models import Report, Task
from reports.outcomes.models import TaskOutcome
from reports.outcomes.plan import sync
from reports.status import Status
from tests.conftest import PATH_TO

# make_report's task of a 2024 report is «Провести форум ТОС» for 2025; these are added to it.
FORUM = "Провести форум ТОС"
COUNCIL = "Создать совет старост при администрации"
TRAINING = "Обучить председателей ТОС"
LATER = "Построить общественный центр"  # set for 2026: not answered in the 2025 report


@pytest.fixture
def plan_2024(make_report, sayan, city_editor, moderator, django_capture_on_commit_callbacks):
    """Саяногорск's published report about 2024, setting three tasks for 2025 (and one for 2026)."""
    report = make_report(Status.DRAFT, municipality=sayan, year=2024)
    Task.objects.create(report=report, text=COUNCIL, year=2025, position=2)
    Task.objects.create(report=report, text=TRAINING, year=2025, position=3)
    Task.objects.create(report=report, text=LATER, year=2026, position=4)
    return walk(report, Status.PUBLISHED, city_editor, moderator, django_capture_on_commit_callbacks)


def walk(report, status, city, moderator, capture):
    """Take a draft to `status` the way people do (tests.conftest.PATH_TO), running what commits run."""
    actors = {"city": city, "moderator": moderator}
    with capture(execute=True):
        for name, who in PATH_TO[status]:
            report = workflow.perform(report, actors[who], name, "комментарий")
    return Report.objects.get(pk=report.pk)


@pytest.fixture
def draft_2025(plan_2024, make_report, sayan):
    """Its draft about 2025, with the rows of the three tasks made (as opening it does)."""
    report = make_report(Status.DRAFT, municipality=sayan, year=2025)
    sync(report)
    return report


def rows(report):
    return list(TaskOutcome.objects.filter(report=report).order_by("position", "id"))


def mark(report, **outcomes):
    """mark(report, forum=("done", "comment"), …) by the first words of the tasks (test shorthand)."""
    texts = {"forum": FORUM, "council": COUNCIL, "training": TRAINING}
    for key, value in outcomes.items():
        outcome, comment = value if isinstance(value, tuple) else (value, "")
        TaskOutcome.objects.filter(report=report, task_text=texts[key]).update(outcome=outcome, comment=comment)
