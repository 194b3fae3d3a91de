"""Who sees and edits which reports: reports/permissions.py against hand-written tables."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.roles import ASSOCIATION_EDITORS, MUNICIPAL_EDITORS
from reports import permissions
from reports.models import Achievement, Municipality, Report
from reports.status import Status

D, S, A, C, P, W = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.APPROVED,  # waiting for the year's common publication date
    Status.CHANGES_REQUESTED,
    Status.PUBLISHED,
    Status.WITHDRAWN,
)
ALL = {D, S, A, C, P, W}

ROLES = (
    "city",  # municipal editor of Саяногорск
    "other_city",  # municipal editor of Когалым
    "two_cities",  # municipal editor of Саяногорск and Когалым
    "no_cities",  # municipal editor bound to no municipality
    "association",
    "superuser",
    "staff_no_role",
    "inactive_association",
    "inactive_city",
    "inactive_superuser",
    "anonymous",
)

# Reports of Саяногорск: role -> (may view, statuses editable, statuses deletable).
SAYAN_RULES = {
    "city": (True, {D, C}, {D}),
    "other_city": (False, set(), set()),
    "two_cities": (True, {D, C}, {D}),
    "no_cities": (False, set(), set()),
    "association": (True, {D, S, A, C, P}, {D}),
    "superuser": (True, {D, S, A, C, P}, {D}),
    "staff_no_role": (False, set(), set()),
    "inactive_association": (False, set(), set()),
    "inactive_city": (False, set(), set()),
    "inactive_superuser": (False, set(), set()),
    "anonymous": (False, set(), set()),
}

# Reports of Когалым.
KOGALYM_RULES = {
    **SAYAN_RULES,
    "city": (False, set(), set()),
    "other_city": (True, {D, C}, {D}),
}

# Which municipalities each role sees (Норильск has no editor at all).
VISIBLE_MUNICIPALITIES = {
    "city": {"Саяногорск"},
    "other_city": {"Когалым"},
    "two_cities": {"Саяногорск", "Когалым"},
    "no_cities": set(),
    "association": {"Саяногорск", "Когалым", "Норильск"},
    "superuser": {"Саяногорск", "Когалым", "Норильск"},
    "staff_no_role": set(),
    "inactive_association": set(),
    "inactive_city": set(),
    "inactive_superuser": set(),
    "anonymous": set(),
}

CAN_ADD = {
    "city": True,
    "other_city": True,
    "two_cities": True,
    "no_cities": False,
    "association": True,
    "superuser": True,
    "staff_no_role": False,
    "inactive_association": False,
    "inactive_city": False,
    "inactive_superuser": False,
    "anonymous": False,
}


def _inactive(user):
    user.is_active = False
    user.save()
    return user


@pytest.fixture
def norilsk(db):
    return Municipality.objects.create(name="Норильск", slug="norilsk", region="Красноярский край")


@pytest.fixture
def users(make_user, sayan, kogalym, city_editor, other_editor, moderator, superuser, no_role_user):
    return {
        "city": city_editor,
        "other_city": other_editor,
        "two_cities": make_user("two_cities", MUNICIPAL_EDITORS, [sayan, kogalym]),
        "no_cities": make_user("no_cities", MUNICIPAL_EDITORS),
        "association": moderator,
        "superuser": superuser,
        "staff_no_role": no_role_user,
        "inactive_association": _inactive(make_user("inactive_moderator", ASSOCIATION_EDITORS)),
        "inactive_city": _inactive(make_user("inactive_city", MUNICIPAL_EDITORS, [sayan])),
        "inactive_superuser": _inactive(make_user("inactive_root", superuser=True)),
        "anonymous": AnonymousUser(),
    }


def test_tables_cover_every_role():
    for table in (SAYAN_RULES, KOGALYM_RULES, VISIBLE_MUNICIPALITIES, CAN_ADD):
        assert set(table) == set(ROLES)


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("role", ROLES)
def test_view_edit_delete_own_municipality(role, status, users, make_report):
    report = make_report(status)
    may_view, editable, deletable = SAYAN_RULES[role]
    user = users[role]
    assert permissions.can_view_report(user, report) is may_view
    assert permissions.can_edit_report(user, report) is (status in editable)
    assert permissions.can_delete_report(user, report) is (status in deletable)


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("role", ROLES)
def test_view_edit_delete_other_municipality(role, status, users, make_report, kogalym, other_editor):
    report = make_report(status, municipality=kogalym, city=other_editor)
    may_view, editable, deletable = KOGALYM_RULES[role]
    user = users[role]
    assert permissions.can_view_report(user, report) is may_view
    assert permissions.can_edit_report(user, report) is (status in editable)
    assert permissions.can_delete_report(user, report) is (status in deletable)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_can_add_report(role, users):
    assert permissions.can_add_report(users[role]) is CAN_ADD[role]
    # "edit a report that does not exist yet" is adding one
    assert permissions.can_edit_report(users[role], None) is CAN_ADD[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_visible_municipalities(role, users, norilsk):
    names = set(permissions.visible_municipalities(users[role]).values_list("name", flat=True))
    assert names == VISIBLE_MUNICIPALITIES[role]
    assert set(permissions.editable_municipalities(users[role]).values_list("name", flat=True)) == names


@pytest.fixture
def reports_everywhere(make_report, sayan, kogalym, norilsk, other_editor, moderator):
    """One report in every status, spread over three municipalities."""
    return {
        ("Саяногорск", 2020): make_report(D, year=2020),
        ("Саяногорск", 2021): make_report(S, year=2021),
        ("Саяногорск", 2022): make_report(C, year=2022),
        ("Когалым", 2022): make_report(P, municipality=kogalym, city=other_editor, year=2022),
        ("Когалым", 2023): make_report(W, municipality=kogalym, city=other_editor, year=2023),
        ("Норильск", 2023): make_report(P, municipality=norilsk, city=moderator, year=2023),
    }


def _keys(queryset):
    return {(r.municipality.name, r.year) for r in queryset.select_related("municipality")}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_visible_reports(role, users, reports_everywhere):
    user = users[role]
    expected = {key for key in reports_everywhere if key[0] in VISIBLE_MUNICIPALITIES[role]}
    assert _keys(permissions.visible_reports(user)) == expected
    # Given a queryset, it narrows that queryset (the admin passes its own).
    narrowed = permissions.visible_reports(user, Report.objects.filter(year=2022))
    assert _keys(narrowed) == {key for key in expected if key[1] == 2022}
    # Every report in the visible set is one can_view_report allows, and no other.
    for key, report in reports_everywhere.items():
        assert permissions.can_view_report(user, report) is (key in expected)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_visible_report_q_for_items(role, users, reports_everywhere):
    q = permissions.visible_report_q(users[role], "report__")
    items = Achievement.objects.all() if q is None else Achievement.objects.filter(q)
    expected = {key for key in reports_everywhere if key[0] in VISIBLE_MUNICIPALITIES[role]}
    assert {(a.report.municipality.name, a.report.year) for a in items} == expected


@pytest.mark.django_db
def test_binding_a_second_municipality_grants_access(users, make_report, kogalym, other_editor):
    """A municipal editor bound to a second municipality sees its reports too."""
    report = make_report(D, municipality=kogalym, city=other_editor)
    user = User.objects.get(pk=users["city"].pk)
    assert not permissions.can_view_report(user, report)
    user.municipalities.add(kogalym)
    fresh = User.objects.get(pk=user.pk)
    assert permissions.can_view_report(fresh, report)
    assert permissions.can_edit_report(fresh, report)
