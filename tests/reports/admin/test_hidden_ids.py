"""Issue 14, item 11: a city editor cannot learn which other cities' report ids exist.

Every back-office URL that takes the id of a report or of one of its items answers a city editor
exactly the same (status, where it sends them, the page) for another city's object as for an id
that does not exist. The URLs are read from the admin's own get_urls(), so a new page cannot be
left out: a URL parameter this test does not know makes it fail until it is taught.
"""

import re

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.urls import URLPattern, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from reports.models import Achievement, Municipality, Problem, Proposal, Report, Task
from reports.status import Status

pytestmark = pytest.mark.django_db

# The models whose objects belong to a report (their admin pages take their id).
REPORT_SCOPED = (Report, Achievement, Problem, Task, Proposal)
# Registered in the reports app but not report-scoped: municipalities are public, not a secret.
NOT_SCOPED = {Municipality}
SECRET = "Когалымский секрет"


def test_every_reports_model_in_the_admin_is_covered():
    registered = {model for model in admin.site._registry if model._meta.app_label == "reports"}
    assert registered == set(REPORT_SCOPED) | NOT_SCOPED


def _route_params(pattern):
    if isinstance(pattern.pattern, RoutePattern):
        return list(pattern.pattern.converters)
    assert isinstance(pattern.pattern, RegexPattern)
    regex = pattern.pattern.regex
    return list(regex.groupindex) or [f"group{i}" for i in range(1, regex.groups + 1)]


def _cases():
    """(id, model, pattern) of every admin URL with parameters: the ModelAdmins of report-scoped
    models, and the admin site's own pages that take an object id ("view on site")."""
    cases = []
    for model in REPORT_SCOPED:
        for pattern in admin.site._registry[model].get_urls():
            if isinstance(pattern, URLPattern) and _route_params(pattern):
                cases.append(pytest.param(model, pattern, id=f"{model._meta.model_name}:{pattern.pattern}"))
    for pattern in admin.site.get_urls():
        if isinstance(pattern, URLPattern) and "object_id" in _route_params(pattern):
            for model in REPORT_SCOPED:
                cases.append(pytest.param(model, pattern, id=f"site:{pattern.pattern}:{model._meta.model_name}"))
    return cases


def build_url(model, pattern, object_id, foreign):
    """The URL of `pattern` for this object id; the other parameters come from the foreign report
    (its first event, the latest history record of the foreign object), the same in both probes."""
    site_level = pattern in admin.site.get_urls()
    values = {
        "object_id": object_id,
        "event_id": foreign["event"],
        "name": "publish",
        "content_type_id": ContentType.objects.get_for_model(model).pk,
        # simple-history's re_path("^([^/]+)/history/([^/]+)/$"): the object and the record.
        "group1": object_id,
        "group2": foreign["history"][model],
    }
    params = _route_params(pattern)
    unknown = set(params) - set(values)
    assert not unknown, f"teach this test the URL parameter(s) {unknown} of {pattern.pattern}"
    if isinstance(pattern.pattern, RoutePattern):
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), str(pattern.pattern))
    else:
        groups = iter(params)
        path = re.sub(r"\((?:\?P<\w+>)?[^)]*\)", lambda m: str(values[next(groups)]), str(pattern.pattern))
        path = path.lstrip("^").rstrip("$")
    prefix = reverse("admin:index") if site_level else reverse(f"admin:reports_{model._meta.model_name}_changelist")
    return prefix + path


@pytest.fixture
def foreign(make_report, kogalym, other_editor):
    """Когалым's report (submitted: it has a version and history), with its items."""
    report = make_report(Status.SUBMITTED, municipality=kogalym, city=other_editor)
    report.achievements.update(text=SECRET)
    objects = {Report: report, **{type(i): i for i in (report.achievements.get(), report.problems.get())}}
    objects[Task] = report.tasks.get()
    objects[Proposal] = report.proposals.get()
    return {
        "objects": objects,
        "event": report.events.values_list("pk", flat=True).first(),
        "history": {
            model: model.history.filter(id=obj.pk).values_list("history_id", flat=True).last()
            for model, obj in objects.items()
        },
    }


def missing_id(model):
    """An id no object of this model ever had (not even in its history)."""
    top = max(model.objects.aggregate(n=Max("pk"))["n"] or 0, model.history.aggregate(n=Max("id"))["n"] or 0)
    return top + 1000


def normalised(response, client, *ids):
    """What the person gets, with the typed id and the per-request CSRF token taken out."""

    def scrub(text):
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', text)
        for value in ids:
            text = re.sub(rf"(?<=[/«“\"]){value}(?=[/»“”\"])", "<ID>", text)
        return text

    answer = [response.status_code, scrub(response.get("Location", ""))]
    if response.status_code in (301, 302):
        landing = client.get(response["Location"])  # where it sends them, and what that page says
        answer += [landing.status_code, scrub(landing.content.decode())]
    else:
        answer.append(scrub(response.content.decode()))
    return answer


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("model, pattern", _cases())
def test_another_citys_id_answers_like_a_missing_one(model, pattern, method, foreign, login, make_report):
    make_report(Status.DRAFT)  # the city's own report: its start page lists it in both answers
    client = login("city")
    theirs = foreign["objects"][model].pk
    nobodys = missing_id(model)
    send = client.get if method == "GET" else client.post

    answers = []
    for object_id in (theirs, nobodys):
        response = send(build_url(model, pattern, object_id, foreign))
        assert response.status_code in (301, 302, 404), (object_id, response.status_code)
        assert SECRET not in response.content.decode()
        assert "Когалым" not in response.content.decode()
        answers.append(normalised(response, client, theirs, nobodys))

    assert answers[0] == answers[1]


def test_history_of_another_citys_deleted_item_answers_like_a_missing_one(foreign, login):
    achievement = foreign["objects"][Achievement]
    deleted_pk = achievement.pk
    achievement.delete()  # its history stays (simple-history shows deleted objects' history)
    client = login("city")

    gone = client.get(reverse("admin:reports_achievement_history", args=[deleted_pk]))
    never = client.get(reverse("admin:reports_achievement_history", args=[missing_id(Achievement)]))

    assert gone.status_code == never.status_code == 404
    assert SECRET not in gone.content.decode()
