"""The editorial workflow: who may move a report where, what a move records, who hears about it.

The expectations below are written out by hand from the specification, not read
from reports.workflow.TRANSITIONS, so that a wrong rule in the code fails here.
"""

import smtplib
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import FieldError, PermissionDenied, ValidationError
from django.db import connection, transaction
from django.forms import modelform_factory
from django.utils import timezone

from accounts.roles import ASSOCIATION_EDITORS, MUNICIPAL_EDITORS, sync_roles
from reports import notifications, workflow
from reports.admin.forms import ReportForm
from reports.concurrency import StaleReportError, claim_version
from reports.models import Report, ReportEvent
from reports.status import Status
from tests.conftest import embargo_until

D, S, A, C, P, W = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.APPROVED,
    Status.CHANGES_REQUESTED,
    Status.PUBLISHED,
    Status.WITHDRAWN,
)

# Actor kinds of the matrix.
CITY = "city"  # municipal editor of the report's municipality
OTHER_CITY = "other_city"  # municipal editor of another municipality
ASSOCIATION = "association"  # association editor (moderator)
SUPERUSER = "superuser"
NO_ROLE = "staff_no_role"
INACTIVE_ASSOCIATION = "inactive_association"
ACTOR_KINDS = (CITY, OTHER_CITY, ASSOCIATION, SUPERUSER, NO_ROLE, INACTIVE_ASSOCIATION)

# The specification: transition -> (source statuses, target, actor kinds allowed, comment required).
SPEC = {
    "submit": ({D, C}, S, {CITY, ASSOCIATION, SUPERUSER}, False),
    "recall": ({S}, D, {CITY}, False),  # until the Association acts on it
    "request_changes": ({S, A}, C, {ASSOCIATION, SUPERUSER}, True),
    # From S only without a common publication date ahead; from A always (EMBARGO below).
    "publish": ({S, A}, P, {ASSOCIATION, SUPERUSER}, False),
    # From S only while the year's common publication date is ahead.
    "approve": ({S}, A, {ASSOCIATION, SUPERUSER}, False),
    # The job queue's move on the publication date (actor None, see tests/campaigns): no person may make it.
    "release": ({A}, P, set(), False),
    "withdraw": ({P}, W, {ASSOCIATION, SUPERUSER}, True),
    "return_to_draft": ({W}, D, {CITY, ASSOCIATION, SUPERUSER}, False),
    # The archive importer's move (actor None, see test_publish_archive_*): no person may make it.
    "publish_archive": ({D}, P, set(), False),
}

# What the event should call each allowed actor (the superuser has a full name).
ACTOR_NAMES = {CITY: "sayan_editor", ASSOCIATION: "moderator", SUPERUSER: "Анна Петрова (root)"}

REPORT_NAME = "Саяногорск — 2024"


def _inactive(user):
    user.is_active = False
    user.save()
    return user


@pytest.fixture
def actors(city_editor, other_editor, moderator, superuser, no_role_user, make_user):
    superuser.first_name, superuser.last_name = "Анна", "Петрова"
    superuser.save()
    return {
        CITY: city_editor,
        OTHER_CITY: other_editor,
        ASSOCIATION: moderator,
        SUPERUSER: superuser,
        NO_ROLE: no_role_user,
        INACTIVE_ASSOCIATION: _inactive(make_user("inactive_moderator", ASSOCIATION_EDITORS)),
    }


def db_state(report):
    """Everything a refused transition must leave untouched, read from the database."""
    row = Report.objects.values(
        "status",
        "version",
        "updated_at",
        "submitted_at",
        "submitted_by",
        "published_at",
        "published_by",
    ).get(pk=report.pk)
    row["events"] = ReportEvent.objects.filter(report_id=report.pk).count()
    row["history"] = Report.history.filter(id=report.pk).count()
    return row


def test_spec_covers_exactly_the_transitions_of_the_code():
    assert set(workflow.TRANSITIONS) == set(SPEC)
    assert issubclass(workflow.TransitionNotAllowed, PermissionDenied)
    assert issubclass(workflow.CommentRequired, ValidationError)


# --- the full matrix: transition x status x actor --------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ACTOR_KINDS)
@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("name", list(workflow.TRANSITIONS))
def test_transition_matrix(name, status, kind, actors, make_report):
    sources, target, allowed_kinds, _comment_required = SPEC[name]
    allowed = status in sources and kind in allowed_kinds
    user = actors[kind]
    report = make_report(status)
    if name == "approve":  # approving is for a year whose common publication date is ahead
        embargo_until(report.year, timezone.localdate() + timedelta(days=30))
    elif name == "publish" and status == S:  # and publishing straight away for one without it
        embargo_until(report.year, None)
    before = db_state(report)
    comment = f"  Комментарий к действию {name}  "

    assert workflow.can_transition(user, report, name) is allowed
    assert (name in [t.name for t in workflow.available_transitions(user, report)]) is allowed

    if not allowed:
        with pytest.raises(workflow.TransitionNotAllowed):
            workflow.perform(report, user, name, comment)
        assert db_state(report) == before
        return

    started = timezone.now()
    result = workflow.perform(report, user, name, comment)
    after = db_state(report)

    assert result.status == target
    assert after["status"] == target
    assert result.version == after["version"] == before["version"] + 1
    assert after["events"] == before["events"] + 1
    assert after["history"] == before["history"] + 1

    event = ReportEvent.objects.filter(report=report).latest("id")
    assert event.transition == name
    assert event.from_status == status
    assert event.to_status == target
    assert event.actor == user
    assert event.actor_name == ACTOR_NAMES[kind]
    assert event.comment == f"Комментарий к действию {name}"
    assert event.snapshot["status"] == target
    assert event.snapshot["version"] == before["version"] + 1
    assert event.snapshot["municipality"]["name"] == "Саяногорск"
    assert event.snapshot["year"] == 2024
    assert event.snapshot["achievements"] == [{"text": "Проведён форум ТОС 2024"}]
    assert event.snapshot["tasks"] == [{"text": "Провести форум ТОС", "year": 2025}]

    latest_history = Report.history.filter(id=report.pk).latest("history_id")
    assert latest_history.status == target
    assert latest_history.history_user == user

    if target == S:
        assert after["submitted_by"] == user.pk
        assert after["submitted_at"] >= started
    else:
        assert (after["submitted_at"], after["submitted_by"]) == (before["submitted_at"], before["submitted_by"])
    if target == P:
        assert after["published_by"] == user.pk
        assert after["published_at"] >= started
    else:
        assert (after["published_at"], after["published_by"]) == (before["published_at"], before["published_by"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method, status, target, kind",
    [
        ("submit", D, S, CITY),
        ("request_changes", S, C, ASSOCIATION),
        ("publish", S, P, ASSOCIATION),
        ("withdraw", P, W, SUPERUSER),
        ("return_to_draft", W, D, CITY),
    ],
)
def test_named_transition_functions(method, status, target, kind, actors, make_report):
    report = make_report(status)
    result = getattr(workflow, method)(report, actors[kind], "по плану")
    report.refresh_from_db()
    assert result.status == report.status == target
    assert report.events.latest("id").transition == method


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, status, kind",
    [("submit", D, CITY), ("submit", C, ASSOCIATION), ("publish", S, ASSOCIATION), ("return_to_draft", W, CITY)],
)
@pytest.mark.parametrize("comment", ["", "   ", None])
def test_optional_comment_may_be_empty(name, status, kind, comment, actors, make_report):
    report = make_report(status)
    workflow.perform(report, actors[kind], name, comment)
    event = report.events.latest("id")
    assert event.transition == name
    assert event.comment == ""


# --- the system-only move of the archive importer ---------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(Status))
def test_publish_archive_is_a_system_move_from_draft_only(
    status, make_report, mailoutbox, django_capture_on_commit_callbacks
):
    report = make_report(status)
    before = db_state(report)
    mailoutbox.clear()
    if status != D:
        with pytest.raises(workflow.TransitionNotAllowed):
            workflow.publish_archive(report)
        assert db_state(report) == before
        return
    started = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        result = workflow.publish_archive(report, "  Импортирован из архива  ")
    after = db_state(report)
    assert result.status == after["status"] == P
    assert after["version"] == before["version"] + 1
    assert after["published_at"] >= started
    assert after["published_by"] is None
    event = report.events.get()
    assert (event.transition, event.from_status, event.to_status) == ("publish_archive", D, P)
    assert event.actor is None
    assert event.actor_name == "система"
    assert event.comment == "Импортирован из архива"
    assert event.snapshot["status"] == P
    assert mailoutbox == []  # archives were published long ago: nobody is told


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(workflow.TRANSITIONS))
def test_no_user_cannot_perform_anything_by_name(name, make_report):
    report = make_report(D)
    before = db_state(report)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.perform(report, None, name, "комментарий")
    assert db_state(report) == before


@pytest.mark.django_db
@pytest.mark.parametrize("method, status", [("submit", D), ("publish", S), ("return_to_draft", W)])
def test_no_user_cannot_make_the_people_moves(method, status, make_report):
    report = make_report(status)
    before = db_state(report)
    with pytest.raises(workflow.TransitionNotAllowed):
        getattr(workflow, method)(report, None)
    assert db_state(report) == before


# --- comment required ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name, status", [("request_changes", S), ("withdraw", P)])
@pytest.mark.parametrize("comment", ["", " ", "   \n\t  ", None])
@pytest.mark.parametrize("kind", [ASSOCIATION, SUPERUSER])
def test_comment_required(name, status, comment, kind, actors, make_report):
    report = make_report(status)
    before = db_state(report)
    with pytest.raises(workflow.CommentRequired):
        workflow.perform(report, actors[kind], name, comment)
    assert db_state(report) == before
    with pytest.raises(workflow.CommentRequired):
        getattr(workflow, name)(report, actors[kind], comment)
    assert db_state(report) == before


@pytest.mark.django_db
@pytest.mark.parametrize("name, status", [("request_changes", S), ("withdraw", P)])
def test_required_comment_is_kept_stripped(name, status, moderator, make_report):
    report = make_report(status)
    workflow.perform(report, moderator, name, "\n  Исправьте раздел «Задачи»  \n")
    assert report.events.latest("id").comment == "Исправьте раздел «Задачи»"


# --- unknown transitions --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["delete", "approve", "", "Publish", "SUBMIT", "publish ", "_apply", "ALLOWED"])
@pytest.mark.parametrize("kind", [ASSOCIATION, SUPERUSER])
def test_unknown_transition_is_refused(name, kind, actors, make_report):
    report = make_report(S)
    before = db_state(report)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.perform(report, actors[kind], name, "комментарий")
    assert db_state(report) == before
    assert workflow.can_transition(actors[kind], report, name) is False


# --- no other way to change the status ----------------------------------------------------------


def test_status_and_version_are_not_editable():
    assert Report._meta.get_field("status").editable is False
    assert Report._meta.get_field("version").editable is False
    assert "status" not in ReportForm.base_fields
    assert "status" not in modelform_factory(Report, fields="__all__").base_fields
    with pytest.raises(FieldError):
        modelform_factory(Report, fields=["municipality", "year", "status"])


@pytest.mark.django_db
def test_admin_report_form_ignores_posted_status(make_report, sayan):
    report = make_report(D)
    form = ReportForm(instance=report)
    assert "status" not in form.fields
    data = {"municipality": sayan.pk, "year": 2024, "status": P, "expected_version": report.version}
    form = ReportForm(data=data, instance=report)
    assert form.is_valid(), form.errors
    form.save()
    report.refresh_from_db()
    assert report.status == D
    assert not report.events.exists()


# --- e-mails --------------------------------------------------------------------------------


@pytest.fixture
def mail_users(make_user, sayan, city_editor, other_editor, moderator, no_role_user, superuser):
    """Everybody who could wrongly get a mail, next to those who should."""
    return {
        "moderator2": make_user("moderator2", ASSOCIATION_EDITORS),
        "inactive_moderator": _inactive(make_user("inactive_moderator", ASSOCIATION_EDITORS)),
        "silent_moderator": make_user("silent_moderator", ASSOCIATION_EDITORS, email=""),
        "sayan_editor2": make_user("sayan_editor2", MUNICIPAL_EDITORS, [sayan]),
        "sayan_inactive": _inactive(make_user("sayan_inactive", MUNICIPAL_EDITORS, [sayan])),
        "sayan_silent": make_user("sayan_silent", MUNICIPAL_EDITORS, [sayan], email=""),
    }


def recipients(outbox):
    for message in outbox:
        assert len(message.to) == 1, "one message per person: addresses are not shown to each other"
        assert not message.cc and not message.bcc
    return sorted(message.to[0] for message in outbox)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "actor_kind, expected",
    [
        ("city", ["moderator2@example.org", "moderator@example.org"]),
        ("moderator", ["moderator2@example.org"]),  # not the actor
    ],
)
def test_submit_mails_active_association_editors(
    actor_kind,
    expected,
    mail_users,
    city_editor,
    moderator,
    make_report,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    actor = {"city": city_editor, "moderator": moderator}[actor_kind]
    report = make_report(D)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.submit(report, actor)
    assert transition_callbacks(callbacks) == 1
    assert recipients(mailoutbox) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("name, status", [("request_changes", S), ("publish", S), ("withdraw", P)])
@pytest.mark.parametrize("actor_kind", ["moderator", "moderator2", "superuser"])
def test_decisions_mail_the_municipality_editors_only(
    name,
    status,
    actor_kind,
    mail_users,
    moderator,
    superuser,
    make_report,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    actor = {"moderator": moderator, "moderator2": mail_users["moderator2"], "superuser": superuser}[actor_kind]
    report = make_report(status)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(report, actor, name, "причина")
    assert recipients(mailoutbox) == ["sayan_editor2@example.org", "sayan_editor@example.org"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "actor_kind, expected",
    [
        ("city", ["moderator2@example.org", "moderator@example.org"]),
        ("moderator", ["sayan_editor2@example.org", "sayan_editor@example.org"]),
    ],
)
def test_return_to_draft_mails_the_other_side(
    actor_kind,
    expected,
    mail_users,
    city_editor,
    moderator,
    make_report,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    actor = {"city": city_editor, "moderator": moderator}[actor_kind]
    report = make_report(W)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.return_to_draft(report, actor)
    assert recipients(mailoutbox) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, status, actor_kind, subject, status_label",
    [
        ("submit", D, "city", "Отчёт на проверку: Саяногорск — 2024", "На проверке"),
        (
            "request_changes",
            S,
            "moderator",
            "Отчёт возвращён на доработку: Саяногорск — 2024",
            "Возвращён на доработку",
        ),
        ("publish", S, "moderator", "Отчёт опубликован: Саяногорск — 2024", "Опубликован"),
        ("withdraw", P, "moderator", "Отчёт снят с публикации: Саяногорск — 2024", "Снят с публикации"),
    ],
)
def test_mail_text_is_russian_with_name_comment_and_absolute_link(
    name,
    status,
    actor_kind,
    subject,
    status_label,
    city_editor,
    moderator,
    make_report,
    mailoutbox,
    django_capture_on_commit_callbacks,
    settings,
):
    settings.PORTAL_BASE_URL = "https://otchety.asdg.example"
    settings.DEFAULT_FROM_EMAIL = "portal@asdg.example"
    actor = {"city": city_editor, "moderator": moderator}[actor_kind]
    report = make_report(status)
    mailoutbox.clear()
    comment = 'Уточните раздел "Задачи" & <сроки>'
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(report, actor, name, comment)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == subject
    assert message.from_email == "portal@asdg.example"
    body = message.body
    assert "Здравствуйте!" in body
    assert f"«{REPORT_NAME}»" in body
    assert f"теперь «{status_label}»" in body
    assert actor.username in body
    assert "Комментарий:" in body
    assert comment in body  # plain text: no HTML escaping
    assert f"https://otchety.asdg.example/admin/reports/report/{report.pk}/change/" in body
    assert "Открыть отчёт:" in body
    # Only the publication carries the public address the city wants to share.
    public = f"https://otchety.asdg.example{report.get_absolute_url()}"
    assert (public in body) is (name == "publish")


@pytest.mark.django_db
def test_mail_without_comment_has_no_comment_heading(
    city_editor, make_report, mailoutbox, django_capture_on_commit_callbacks
):
    report = make_report(D)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(report, city_editor, "")
    assert len(mailoutbox) == 1
    assert "Комментарий:" not in mailoutbox[0].body


@pytest.mark.django_db
def test_no_mail_before_commit(city_editor, make_report, mailoutbox, django_capture_on_commit_callbacks):
    report = make_report(D)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.submit(report, city_editor)
    assert len(callbacks) == 1
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):  # the letters go out after their own commit
        callbacks[0]()
    assert recipients(mailoutbox) == ["moderator@example.org"]


@pytest.mark.django_db
def test_rolled_back_transition_registers_no_mail(
    city_editor, make_report, mailoutbox, django_capture_on_commit_callbacks
):
    report = make_report(D)
    before = db_state(report)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                workflow.submit(report, city_editor)
                raise RuntimeError("откат")
    assert callbacks == []
    assert mailoutbox == []
    assert db_state(report) == before

    # The same call that is not rolled back does register and send the mail.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.submit(report, city_editor)
    assert transition_callbacks(callbacks) == 1
    assert recipients(mailoutbox) == ["moderator@example.org"]


@pytest.fixture
def committed_roles(transactional_db):
    """A transactional test starts from a flushed database: make sure the role groups exist."""
    sync_roles()


@pytest.mark.django_db(transaction=True)
def test_mail_is_sent_on_real_commit_only(committed_roles, city_editor, moderator, make_report, mailoutbox):
    report = make_report(D)
    with transaction.atomic():
        workflow.submit(report, city_editor)
        assert mailoutbox == []  # still inside the outer transaction
    assert recipients(mailoutbox) == ["moderator@example.org"]

    mailoutbox.clear()
    workflow.publish(report, moderator)  # autocommit: its own atomic block commits
    assert recipients(mailoutbox) == ["sayan_editor@example.org"]

    other = make_report(D, year=2023)
    mailoutbox.clear()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            workflow.submit(other, city_editor)
            raise RuntimeError("откат")
    assert mailoutbox == []
    other.refresh_from_db()
    assert other.status == D
    assert not ReportEvent.objects.filter(report=other).exists()


class _BrokenConnection:
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("почтовый сервер недоступен")


def _broken_get_connection(*args, **kwargs):
    raise ConnectionRefusedError("почтовый сервер недоступен")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "get_connection",
    [lambda *a, **kw: _BrokenConnection(), _broken_get_connection],
    ids=["send_raises", "connect_raises"],
)
def test_broken_mail_server_does_not_break_transition_nor_lose_the_letter(
    get_connection, monkeypatch, city_editor, make_report, mailoutbox, django_capture_on_commit_callbacks
):
    from outbox.models import OutgoingEmail

    monkeypatch.setattr("django.core.mail.get_connection", get_connection)
    report = make_report(D)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = workflow.submit(report, city_editor)
    assert transition_callbacks(callbacks) == 1
    assert result.status == S
    report.refresh_from_db()
    assert report.status == S
    assert report.events.count() == 1
    assert mailoutbox == []
    # The letter is kept, pending, with what went wrong; the job queue tries again (tests/outbox).
    [letter] = OutgoingEmail.objects.all()
    assert (letter.to, letter.state, letter.attempts) == ("moderator@example.org", "pending", 1)
    assert "почтовый сервер недоступен" in letter.last_error


@pytest.mark.django_db
def test_notify_transition_returns_number_sent(
    mail_users, city_editor, make_report, mailoutbox, django_capture_on_commit_callbacks
):
    report = make_report(D)
    workflow.submit(report, city_editor)  # no capture: the on_commit callback never runs here
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.notify_transition(report.events.get().pk) == 2
    assert recipients(mailoutbox) == ["moderator2@example.org", "moderator@example.org"]


def transition_callbacks(callbacks) -> int:
    """How many of the captured on-commit callbacks the transition registered itself (the others
    are the outbox's, one per letter, registered by it)."""
    return sum(1 for c in callbacks if c.__qualname__.startswith("_apply."))


# --- concurrency ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_stale_copies_cannot_publish_twice(moderator, superuser, make_report):
    report = make_report(S)
    first, second = Report.objects.get(pk=report.pk), Report.objects.get(pk=report.pk)
    start_version = first.version

    workflow.perform(first, moderator, "publish")
    assert second.status == S  # the stale copy still says "submitted" in memory
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.perform(second, superuser, "publish")
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.perform(second, superuser, "request_changes", "поздно")

    report.refresh_from_db()
    assert report.status == P
    assert report.version == start_version + 1
    assert report.published_by == moderator
    assert report.events.filter(transition="publish").count() == 1
    assert list(report.events.values_list("transition", flat=True)) == ["submit", "publish"]


@pytest.mark.django_db
def test_stale_copy_acts_on_the_database_state(moderator, make_report):
    report = make_report(S)
    stale = Report.objects.get(pk=report.pk)
    start_version = stale.version
    workflow.publish(report, moderator)
    # The stale copy says "submitted", the database says "published": withdraw is what counts.
    result = workflow.withdraw(stale, moderator, "ошибка в отчёте")
    assert result.status == W
    assert result.version == start_version + 2
    event = result.events.latest("id")
    assert (event.from_status, event.to_status) == (P, W)


@pytest.mark.django_db
def test_stale_admin_form_version_is_refused_after_transition(city_editor, make_report):
    report = make_report(D)
    form_version = report.version  # what an open admin form carries
    workflow.submit(report, city_editor)
    with pytest.raises(StaleReportError):
        claim_version(report.pk, form_version)
    report.refresh_from_db()
    assert report.version == form_version + 1
    assert report.status == S


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a real row-lock race needs PostgreSQL (SQLite has no SELECT … FOR UPDATE and allows one writer)",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_real_race_of_two_publishes(year, committed_roles, moderator, superuser, make_report, mailoutbox):
    report = make_report(S, year=year)
    start_version = Report.objects.get(pk=report.pk).version
    mailoutbox.clear()  # the submit in make_report really committed and mailed
    barrier = threading.Barrier(2)
    results = []

    def publish(user):
        try:
            copy = Report.objects.get(pk=report.pk)
            barrier.wait(timeout=10)
            workflow.perform(copy, user, "publish")
            results.append("ok")
        except workflow.TransitionNotAllowed:
            results.append("refused")
        except Exception as exc:  # noqa: BLE001 — reported by the assertion below
            results.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(user,)) for user in (moderator, superuser)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)

    assert sorted(results) == ["ok", "refused"]
    report.refresh_from_db()
    assert report.status == P
    assert report.version == start_version + 1
    assert report.events.filter(transition="publish").count() == 1
    assert recipients(mailoutbox) == ["sayan_editor@example.org"]


# --- the common publication date (embargo) ------------------------------------------------------


@pytest.mark.django_db
def test_with_a_publication_date_ahead_the_association_approves_instead_of_publishing(make_report, moderator):
    report = make_report(S)
    embargo_until(report.year, timezone.localdate() + timedelta(days=10))
    assert {t.name for t in workflow.available_transitions(moderator, report)} == {"request_changes", "approve"}
    with pytest.raises(workflow.TransitionNotAllowed, match="общий день публикации"):
        workflow.publish(report, moderator)
    report = workflow.approve(report, moderator)
    assert report.status == A and not Report.objects.published().filter(pk=report.pk).exists()
    # Approved, it may still be returned, or published at once by a moderator.
    assert {t.name for t in workflow.available_transitions(moderator, report)} == {"request_changes", "publish"}


@pytest.mark.django_db
def test_without_a_publication_date_ahead_there_is_nothing_to_approve_for(make_report, moderator):
    report = make_report(S)
    for day in (None, timezone.localdate(), timezone.localdate() - timedelta(days=1)):
        embargo_until(report.year, day)
        assert not workflow.can_transition(moderator, report, "approve")
        with pytest.raises(workflow.TransitionNotAllowed, match="общего дня публикации впереди нет"):
            workflow.approve(report, moderator)
    assert workflow.publish(report, moderator).status == P


@pytest.mark.django_db
@pytest.mark.parametrize("status", [D, S, C, P, W])
def test_release_is_only_for_approved_reports(make_report, status):
    report = make_report(status)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.release(report)
