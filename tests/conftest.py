"""Shared fixtures: municipalities, one user per role, and a report factory.

Reports are put into a state only through reports.workflow (as in real life).
"""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone, translation

from accounts.roles import ASSOCIATION_EDITORS, MUNICIPAL_EDITORS
from reports import workflow
from reports.models import Achievement, Municipality, Problem, Proposal, Report, Task
from reports.status import Status

PASSWORD = "correct horse battery staple"

# How to reach each status from a fresh draft: (transition, actor role).
PATH_TO = {
    Status.DRAFT: [],
    Status.SUBMITTED: [("submit", "city")],
    # Approved: only while the year's campaign has a common publication date ahead (make_report sets one).
    Status.APPROVED: [("submit", "city"), ("approve", "moderator")],
    Status.CHANGES_REQUESTED: [("submit", "city"), ("request_changes", "moderator")],
    Status.PUBLISHED: [("submit", "city"), ("publish", "moderator")],
    Status.WITHDRAWN: [("submit", "city"), ("publish", "moderator"), ("withdraw", "moderator")],
}


def embargo_until(year, day):
    """The reports of `year` wait for a common publication date (the yearly collection's campaign)."""
    from campaigns.models import ReportingCampaign

    campaign, _ = ReportingCampaign.objects.get_or_create(
        year=year, defaults={"opens_on": date(year + 1, 1, 1), "deadline": date(year + 1, 1, 1)}
    )
    campaign.publication_date = day
    campaign.save()
    return campaign


def prepare_path(status, year):
    """What a report of `year` needs before it can be walked to `status` (PATH_TO): approving asks
    for a common publication date ahead."""
    if status == Status.APPROVED:
        embargo_until(year, timezone.localdate() + timedelta(days=30))


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with empty caches (pages and facts in this process's memory and in the
    shared cache): rows are rolled back between tests, and generation numbers may repeat."""
    from django.core.cache import cache

    from portal.page_cache import clear_process_memory
    from portal.templatetags import chrome

    cache.clear()
    clear_process_memory()
    chrome.forget()
    yield
    # A request in English leaves English active in this thread (LocaleMiddleware activates the
    # language of each request and nothing switches it back); the next test starts in Russian.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def make_user(db, django_user_model):
    def make(username, role=None, municipalities=(), superuser=False, email=None):
        user = django_user_model.objects.create_user(
            username=username,
            password=PASSWORD,
            email=email if email is not None else f"{username}@example.org",
            is_staff=bool(role) or superuser,
            is_superuser=superuser,
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        for m in municipalities:
            user.municipalities.add(m)
        return user

    return make


@pytest.fixture
def sayan(db):
    return Municipality.objects.create(name="Саяногорск", slug="sayanogorsk", region="Республика Хакасия")


@pytest.fixture
def kogalym(db):
    return Municipality.objects.create(
        name="Когалым", slug="kogalym", region="Ханты-Мансийский автономный округ — Югра"
    )


@pytest.fixture
def city_editor(make_user, sayan):
    """Municipal editor of Саяногорск."""
    return make_user("sayan_editor", MUNICIPAL_EDITORS, [sayan])


@pytest.fixture
def other_editor(make_user, kogalym):
    """Municipal editor of another municipality (Когалым)."""
    return make_user("kogalym_editor", MUNICIPAL_EDITORS, [kogalym])


@pytest.fixture
def moderator(make_user):
    """Association editor."""
    return make_user("moderator", ASSOCIATION_EDITORS)


@pytest.fixture
def no_role_user(make_user):
    """Staff account without a role: the "wrong role" rung of the ladder."""
    user = make_user("norole")
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def superuser(make_user):
    return make_user("root", superuser=True)


@pytest.fixture
def make_report(db, city_editor, moderator):
    """make_report(status=..., municipality=..., year=...) with one item in each section."""

    def make(status=Status.DRAFT, municipality=None, year=2024, city=None, items=True):
        municipality = municipality or city_editor.municipalities.first()
        city = city or city_editor
        report = Report.objects.create(municipality=municipality, year=year, created_by=city)
        if items:
            Achievement.objects.create(report=report, text=f"Проведён форум ТОС {year}", position=1)
            Problem.objects.create(report=report, text="Сложно привлечь молодёжь", position=1)
            Task.objects.create(report=report, text="Провести форум ТОС", year=year + 1, position=1)
            Proposal.objects.create(report=report, text="Опыт работы с казачеством", kind="methodology", position=1)
        actors = {"city": city, "moderator": moderator}
        prepare_path(status, year)
        for name, who in PATH_TO[Status(status)]:
            report = workflow.perform(report, actors[who], name, "комментарий")
        report.refresh_from_db()
        return report

    return make


@pytest.fixture
def actors(city_editor, other_editor, moderator, no_role_user, superuser):
    """The rungs of the permission ladder by name ("anon" is nobody)."""
    return {
        "anon": None,
        "city": city_editor,
        "other": other_editor,
        "moderator": moderator,
        "norole": no_role_user,
        "superuser": superuser,
    }


@pytest.fixture
def login(client, actors):
    """login("city") → the test client, now signed in as that rung (or anonymous)."""

    def as_(name):
        client.logout()
        if actors[name] is not None:
            client.force_login(actors[name])
        return client

    return as_
