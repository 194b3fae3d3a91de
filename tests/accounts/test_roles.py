"""Roles as groups: set up by code, idempotent; role checks; deleting people keeps the record."""

from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.management import call_command

from accounts.models import User
from accounts.roles import (
    ASSOCIATION_EDITORS,
    MUNICIPAL_EDITORS,
    ROLE_PERMISSIONS,
    is_association_editor,
    is_municipal_editor,
    role_label,
    sync_roles,
)
from reports import workflow
from reports.models import Report, ReportEvent
from reports.status import Status

CRUD = ("view", "add", "change", "delete")
ITEMS = ("achievement", "problem", "task", "proposal")

# Written out independently of accounts/roles.py.
EXPECTED_PERMISSIONS = {
    MUNICIPAL_EDITORS: {f"reports.{a}_report" for a in CRUD}
    | {f"reports.{a}_{m}" for m in ITEMS for a in CRUD}
    | {"reports.view_municipality"},
    ASSOCIATION_EDITORS: {f"reports.{a}_report" for a in CRUD}
    | {f"reports.{a}_{m}" for m in ITEMS for a in CRUD}
    | {f"reports.{a}_municipality" for a in CRUD}
    | {f"accounts.{a}_user" for a in CRUD}
    | {"auth.view_group"}
    | {"accounts.view_loginfailure", "accounts.delete_loginfailure"},
}


def group_permissions():
    return {
        group.name: {
            f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
        }
        for group in Group.objects.filter(name__in=[MUNICIPAL_EDITORS, ASSOCIATION_EDITORS])
    }


def test_role_table_is_what_the_code_lists():
    assert {name: set(perms) for name, perms in ROLE_PERMISSIONS.items()} == EXPECTED_PERMISSIONS
    assert len(EXPECTED_PERMISSIONS[MUNICIPAL_EDITORS]) == 21
    assert len(EXPECTED_PERMISSIONS[ASSOCIATION_EDITORS]) == 31


@pytest.mark.django_db
def test_groups_exist_after_migrations_with_exact_permissions():
    assert group_permissions() == EXPECTED_PERMISSIONS


@pytest.mark.django_db
@pytest.mark.parametrize(
    "group, permission, has",
    [
        (MUNICIPAL_EDITORS, "reports.change_report", True),
        (MUNICIPAL_EDITORS, "reports.delete_task", True),
        (MUNICIPAL_EDITORS, "reports.view_municipality", True),
        (MUNICIPAL_EDITORS, "reports.change_municipality", False),
        (MUNICIPAL_EDITORS, "accounts.view_user", False),
        (MUNICIPAL_EDITORS, "auth.view_group", False),
        (ASSOCIATION_EDITORS, "reports.add_municipality", True),
        (ASSOCIATION_EDITORS, "accounts.change_user", True),
        (ASSOCIATION_EDITORS, "auth.view_group", True),
        (ASSOCIATION_EDITORS, "auth.change_group", False),
        (ASSOCIATION_EDITORS, "auth.add_permission", False),
        (ASSOCIATION_EDITORS, "reports.change_reportevent", False),
    ],
)
def test_group_permission_spot_checks(group, permission, has, make_user):
    user = make_user("spot_check", group)
    assert user.has_perm(permission) is has


@pytest.mark.django_db
def test_sync_roles_is_idempotent():
    ids = dict(Group.objects.values_list("name", "id"))
    before = group_permissions()
    sync_roles()
    sync_roles()
    assert group_permissions() == before == EXPECTED_PERMISSIONS
    assert dict(Group.objects.values_list("name", "id")) == ids
    assert Group.objects.filter(name__in=[MUNICIPAL_EDITORS, ASSOCIATION_EDITORS]).count() == 2


@pytest.mark.django_db
def test_sync_roles_repairs_drifted_groups():
    municipal = Group.objects.get(name=MUNICIPAL_EDITORS)
    municipal.permissions.add(Permission.objects.get(codename="delete_municipality"))
    municipal.permissions.remove(Permission.objects.get(codename="view_municipality"))
    Group.objects.filter(name=ASSOCIATION_EDITORS).delete()
    assert group_permissions() != EXPECTED_PERMISSIONS
    sync_roles()
    assert group_permissions() == EXPECTED_PERMISSIONS


@pytest.mark.django_db
def test_setup_roles_command_prints_both_groups():
    Group.objects.filter(name=ASSOCIATION_EDITORS).delete()
    out = StringIO()
    call_command("setup_roles", stdout=out)
    lines = out.getvalue().splitlines()
    assert f"{MUNICIPAL_EDITORS}: прав — 21" in lines
    assert f"{ASSOCIATION_EDITORS}: прав — 31" in lines
    assert group_permissions() == EXPECTED_PERMISSIONS
    call_command("setup_roles", stdout=StringIO())  # again: still fine
    assert group_permissions() == EXPECTED_PERMISSIONS


# --- role checks --------------------------------------------------------------------------------


@pytest.fixture
def people(make_user, sayan, city_editor, moderator, superuser, no_role_user):
    inactive_moderator = make_user("inactive_moderator", ASSOCIATION_EDITORS)
    inactive_moderator.is_active = False
    inactive_moderator.save()
    inactive_city = make_user("inactive_city", MUNICIPAL_EDITORS, [sayan])
    inactive_city.is_active = False
    inactive_city.save()
    both = make_user("both_roles", MUNICIPAL_EDITORS, [sayan])
    both.groups.add(Group.objects.get(name=ASSOCIATION_EDITORS))
    return {
        "city": city_editor,
        "association": moderator,
        "superuser": superuser,
        "staff_no_role": no_role_user,
        "plain_user": make_user("plain"),
        "both_roles": both,
        "inactive_association": inactive_moderator,
        "inactive_city": inactive_city,
        "anonymous": AnonymousUser(),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind, association, municipal",
    [
        ("city", False, True),
        ("association", True, False),
        ("superuser", True, False),
        ("staff_no_role", False, False),
        ("plain_user", False, False),
        ("both_roles", True, True),
        ("inactive_association", False, False),
        ("inactive_city", False, False),
        ("anonymous", False, False),
    ],
)
def test_role_checks(kind, association, municipal, people):
    user = people[kind]
    assert is_association_editor(user) is association
    assert is_municipal_editor(user) is municipal


def test_role_checks_without_user():
    assert is_association_editor(None) is False
    assert is_municipal_editor(None) is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind, label",
    [
        ("city", "Редактор муниципалитета"),
        ("association", "Редактор Ассоциации"),
        ("superuser", "Администратор"),
        ("staff_no_role", "Без роли"),
        ("plain_user", "Без роли"),
        ("both_roles", "Редактор Ассоциации"),
        ("anonymous", "Без роли"),
    ],
)
def test_role_label(kind, label, people):
    assert role_label(people[kind]) == label


# --- deleting a person keeps the record ---------------------------------------------------------


@pytest.mark.django_db
def test_deleting_users_keeps_reports_and_events(make_report, city_editor, moderator):
    moderator.first_name, moderator.last_name = "Мария", "Иванова"
    moderator.save()
    report = make_report(Status.DRAFT)
    report = workflow.submit(report, city_editor, "Готово")
    report = workflow.publish(report, moderator, "Принято")
    history_rows = Report.history.filter(id=report.pk).count()
    assert (report.created_by, report.submitted_by, report.published_by) == (city_editor, city_editor, moderator)

    city_editor.delete()
    moderator.delete()
    assert not User.objects.filter(username__in=["sayan_editor", "moderator"]).exists()

    report = Report.objects.get(pk=report.pk)
    assert report.status == Status.PUBLISHED
    assert (report.created_by_id, report.submitted_by_id, report.published_by_id) == (None, None, None)
    assert report.submitted_at is not None and report.published_at is not None
    assert report.achievements.count() == 1

    events = list(ReportEvent.objects.filter(report=report).order_by("id"))
    assert [(e.transition, e.actor_id, e.actor_name, e.comment) for e in events] == [
        ("submit", None, "sayan_editor", "Готово"),
        ("publish", None, "Мария Иванова (moderator)", "Принято"),
    ]
    assert events[1].snapshot["status"] == Status.PUBLISHED
    assert Report.history.filter(id=report.pk).count() == history_rows
