"""Fixtures of the search tests: the five seed reports published (through the workflow, so the
index is built by its on_commit hook), hidden reports with a secret word, report builders."""

import pytest

from reports import workflow
from reports.importer.loader import store_report
from reports.importer.parser import parse_file
from reports.models import Achievement, Municipality, Problem, Proposal, Report, Task
from reports.status import Status
from tests.conftest import PATH_TO, prepare_path
from tests.reports.importer.helpers import SEED_NAMES, seed_path

SECRET = "секретныйпроект"
HIDDEN_STATUSES = [Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.CHANGES_REQUESTED, Status.WITHDRAWN]
SECTION_MODELS = {"achievements": Achievement, "problems": Problem, "tasks": Task, "proposals": Proposal}


def names(hits):
    return [(hit.report.municipality.name, hit.report.year) for hit in hits]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs the on_commit callbacks (the index hooks) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def seeds(sayan, kogalym, committed):
    """{(municipality, year): report} of the five seed reports, published as archives (Саяногорск and
    Когалым are the shared fixtures' municipalities, found by name)."""
    with committed():
        reports = [store_report(parse_file(seed_path(key)), publish=True).report for key in SEED_NAMES]
    return {(r.municipality.name, r.year): r for r in reports}


@pytest.fixture
def build(db, city_editor, moderator, committed):
    """build(municipality_name, year, status=published, **sections) → a report with exactly these
    items (each section a list of texts), walked to `status` through the workflow."""

    def make(name, year=2024, status=Status.PUBLISHED, **sections):
        municipality = Municipality.objects.filter(name=name).first() or Municipality.objects.create(
            name=name, slug=f"m-{Municipality.objects.count() + 1}", region="Тестовый край"
        )
        report = Report.objects.create(municipality=municipality, year=year, created_by=moderator)
        for section, texts in sections.items():
            model = SECTION_MODELS[section]
            for position, text in enumerate(texts, 1):
                extra = {"year": year + 1} if model is Task else {}
                model.objects.create(report=report, text=text, position=position, **extra)
        with committed():
            prepare_path(status, year)
            for name_, _who in PATH_TO[Status(status)]:
                report = workflow.perform(report, moderator, name_, "комментарий")
        return Report.objects.select_related("municipality").get(pk=report.pk)

    return make


@pytest.fixture
def hidden(build):
    """A report in every non-public status, each in its own municipality («Секретград1…»), with
    the secret word and words the tests search for. The withdrawn one was published (and indexed)
    before it was withdrawn."""
    return {
        status: build(
            f"Секретград{n}",
            2010 + n,
            status,
            achievements=[f"{SECRET} форум ТОС во время пандемии"],
            proposals=[f"Объединённый {SECRET} с казачеством"],
        )
        for n, status in enumerate(HIDDEN_STATUSES, 1)
    }
