"""Fixtures of the open data API tests: published reports in a few municipalities, a JSON getter."""

import json

import pytest

from reports import workflow
from reports.models import Achievement, Municipality, Problem, Proposal, Task
from reports.status import Status
from tests.conftest import PATH_TO, prepare_path

HIDDEN_STATUSES = [Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.CHANGES_REQUESTED, Status.WITHDRAWN]
SECRET = "засекреченнаяформулировка"


@pytest.fixture
def api_get(client):
    """api_get(path, **params) → (response, parsed JSON body); asks for JSON like a script would."""

    def get(path, **params):
        response = client.get(path, params, HTTP_ACCEPT="application/json")
        body = json.loads(response.content.decode("utf-8")) if response.content else None
        return response, body

    return get


@pytest.fixture
def report_in(make_report, moderator, sayan, city_editor, django_capture_on_commit_callbacks):
    """report_in(municipality, year, status=published, items=True, extra=[(Model, text, kwargs)]).

    Like real life: the draft gets its items first, then goes through the workflow, and the
    after-commit work runs (search indexing on publication, notifications). Саяногорск's reports
    are filed by its editor, other cities' by the moderator.
    """

    def make(municipality, year=2024, status=Status.PUBLISHED, items=True, extra=()):
        city = city_editor if municipality == sayan else moderator
        actors = {"city": city, "moderator": moderator}
        with django_capture_on_commit_callbacks(execute=True):
            report = make_report(Status.DRAFT, municipality=municipality, year=year, city=city, items=items)
            for model, text, kwargs in extra:
                model.objects.create(report=report, text=text, **{"position": 1, **kwargs})
            prepare_path(status, year)
            for name, who in PATH_TO[Status(status)]:
                report = workflow.perform(report, actors[who], name, "комментарий")
        report.refresh_from_db()
        return report

    return make


@pytest.fixture
def abakan(db):
    return Municipality.objects.create(name="Абакан", slug="abakan", region="Республика Хакасия")


@pytest.fixture
def corpus(report_in, sayan, kogalym, abakan):
    """Four published reports with known words:

    - Саяногорск 2024: the standard items («Проведён форум ТОС 2024»…);
    - Саяногорск 2023: no «ТОС», no pandemic;
    - Когалым 2024: «…из-за пандемии…», no «ТОС»;
    - Абакан 2023 (same region as Саяногорск): «благоустройство», no «ТОС».
    """
    return {
        "sayan_2024": report_in(sayan, 2024),
        "sayan_2023": report_in(sayan, 2023, items=False, extra=[(Achievement, "Отремонтированы дворы и скверы", {})]),
        "kogalym_2024": report_in(
            kogalym, 2024, items=False, extra=[(Problem, "Из-за пандемии встречи с жителями проходили онлайн", {})]
        ),
        "abakan_2023": report_in(
            abakan, 2023, items=False, extra=[(Task, "Продолжить благоустройство дворов", {"year": 2024})]
        ),
    }


@pytest.fixture
def hidden(report_in):
    """One report in every non-public status, each in its own municipality and year, with a secret word
    (the withdrawn one was published — and indexed for search — before it was withdrawn)."""
    reports = {}
    for n, status in enumerate(HIDDEN_STATUSES, start=1):
        municipality = Municipality.objects.create(
            name=f"Закрытград{n}", slug=f"closed-{n}", region=f"Закрытый край {n}"
        )
        reports[status] = report_in(
            municipality,
            2010 + n,
            status=status,
            extra=[(Achievement, f"{SECRET} форум ТОС", {"position": 2}), (Proposal, f"{SECRET} пандемия", {})],
        )
    return reports


def ids(body):
    return [row["id"] for row in body["results"]]
