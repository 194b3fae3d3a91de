"""The user admin: only association editors manage people; nobody below a superuser
can make or touch a superuser; the role sets group, staff flag and municipalities."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.models import User
from accounts.roles import ASSOCIATION_EDITORS, MUNICIPAL_EDITORS, is_municipal_editor
from reports import permissions
from reports.models import Report, ReportEvent
from reports.status import Status
from tests.reports.admin.helpers import assert_login_redirect, form_fields, select_options, text_of

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lake Baikal 1642 metres deep"
DOES_NOT_EXIST = "не существует"


def user_url(name, user=None):
    return reverse(f"admin:accounts_user_{name}", args=[user.pk] if user is not None else [])


def user_state(user):
    user = User.objects.filter(pk=user.pk).first()
    if user is None:
        return None
    return {
        "username": user.username,
        "first_name": user.first_name,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "is_active": user.is_active,
        "password": user.password,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "permissions": sorted(user.user_permissions.values_list("codename", flat=True)),
        "municipalities": sorted(user.municipalities.values_list("name", flat=True)),
    }


def add_data(**overrides):
    data = {
        "username": "new_person",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "last_name": "Иванова",
        "first_name": "Мария",
        "position": "специалист",
        "email": "new_person@example.org",
        "role": "",
    }
    data.update(overrides)
    return data


def change_data(user, **overrides):
    data = {
        "username": user.username,
        "last_name": user.last_name,
        "first_name": "Изменено",
        "position": user.position,
        "email": user.email,
        "role": next(iter(user.groups.values_list("name", flat=True)), ""),
        "municipalities": [m.pk for m in user.municipalities.all()],
        "is_active": "on",
    }
    data.update(overrides)
    return data


# --- the ladder ----------------------------------------------------------------------------

CASES = [
    "changelist GET",
    "add GET",
    "add POST",
    "change GET",
    "change POST",
    "delete GET",
    "delete POST",
    "history GET",
    "password GET",
    "password POST",
]


def build(case, target):
    page, method = case.split()
    if page in ("changelist", "add"):
        url = user_url(page)
    elif page == "password":
        url = reverse("admin:auth_user_password_change", args=[target.pk])  # Django's fixed name
    else:
        url = user_url(page, target)
    data = {
        "add": add_data(role=ASSOCIATION_EDITORS),
        "change": change_data(target, role=ASSOCIATION_EDITORS),
        "delete": {"post": "yes"},
        "password": {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    }.get(page)
    return method, url, data


def send(client, method, url, data):
    return client.get(url) if method == "GET" else client.post(url, data or {})


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("who", ["anon", "city", "norole"])
def test_only_association_editors_reach_user_admin(case, who, login, other_editor):
    target = other_editor
    before, count = user_state(target), User.objects.count()
    method, url, data = build(case, target)

    response = send(login(who), method, url, data)

    if who == "anon":
        assert_login_redirect(response, url)
    else:
        assert response.status_code == 403
    assert "kogalym_editor@example.org" not in text_of(response)
    assert user_state(target) == before
    assert User.objects.count() == count


@pytest.mark.parametrize("case", CASES)
def test_moderator_manages_users(case, login, other_editor):
    target = other_editor
    method, url, data = build(case, target)

    response = send(login("moderator"), method, url, data)

    if method == "GET":
        assert response.status_code == 200
        if case != "add GET":
            assert "kogalym_editor" in text_of(response)
        return
    assert response.status_code == 302
    if case == "add POST":
        assert User.objects.get(username="new_person").groups.get().name == ASSOCIATION_EDITORS
    elif case == "change POST":
        target.refresh_from_db()
        assert target.first_name == "Изменено"
        assert list(target.groups.values_list("name", flat=True)) == [ASSOCIATION_EDITORS]
    elif case == "delete POST":
        assert not User.objects.filter(pk=target.pk).exists()
    elif case == "password POST":
        target.refresh_from_db()
        assert target.check_password(NEW_PASSWORD)


# --- superusers are out of a moderator's reach ---------------------------------------------


def test_moderator_does_not_see_superusers(login, superuser, other_editor):
    response = login("moderator").get(user_url("changelist"))

    assert response.status_code == 200
    listed = {u.username for u in response.context["cl"].result_list}
    assert "root" not in listed
    assert {"moderator", "kogalym_editor"} <= listed
    assert user_url("change", superuser) not in text_of(response)


def test_superuser_sees_superusers(login, superuser):
    response = login("superuser").get(user_url("changelist"))
    assert "root" in {u.username for u in response.context["cl"].result_list}


@pytest.mark.parametrize("case", [c for c in CASES if c.split()[0] not in ("changelist", "add")])
def test_moderator_cannot_open_or_touch_superuser(case, login, superuser):
    before = user_state(superuser)
    method, url, data = build(case, superuser)
    client = login("moderator")

    response = send(client, method, url, data)

    if case.startswith("password"):
        assert response.status_code == 404  # outside the queryset
    else:
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")
        assert DOES_NOT_EXIST in text_of(client.get(response["Location"]))
    assert "root@example.org" not in text_of(response)
    assert user_state(superuser) == before


@pytest.fixture
def powerful_group(db):
    group = Group.objects.create(name="Все права")
    group.permissions.set(Permission.objects.all())
    return group


@pytest.mark.parametrize("target_name", ["norole", "other", "moderator"])
def test_crafted_change_post_cannot_make_superuser_or_grant_permissions(target_name, login, actors, powerful_group):
    target = actors[target_name]
    client = login("moderator")
    page = client.get(user_url("change", target))
    assert page.status_code == 200
    assert 'name="is_superuser"' not in text_of(page)
    data = form_fields(page, form_id="user_form")
    data.update(
        {
            "is_superuser": "on",
            "is_staff": "on",
            "user_permissions": [p.pk for p in Permission.objects.filter(codename__in=["delete_user", "change_group"])],
            "groups": [powerful_group.pk],
            "first_name": "Проверка",
        }
    )

    response = client.post(user_url("change", target), data)

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.first_name == "Проверка"  # the form was saved …
    assert not target.is_superuser  # … without the crafted fields
    assert not target.user_permissions.exists()
    assert not target.groups.filter(pk=powerful_group.pk).exists()
    assert not User.objects.filter(is_superuser=True).exclude(username="root").exists()


def test_crafted_add_post_cannot_make_superuser(login, powerful_group):
    response = login("moderator").post(
        user_url("add"),
        add_data(
            is_superuser="on",
            is_staff="on",
            groups=[powerful_group.pk],
            user_permissions=[Permission.objects.first().pk],
        ),
    )

    assert response.status_code == 302
    user = User.objects.get(username="new_person")
    assert (user.is_superuser, user.is_staff) == (False, False)
    assert not user.groups.exists()
    assert not user.user_permissions.exists()


def test_superuser_can_grant_superuser(login, no_role_user):
    """Control for the crafted-POST tests: the field works for the one who may use it."""
    client = login("superuser")
    page = client.get(user_url("change", no_role_user))
    data = form_fields(page, form_id="user_form")
    data["is_superuser"] = "on"

    assert client.post(user_url("change", no_role_user), data).status_code == 302
    no_role_user.refresh_from_db()
    assert no_role_user.is_superuser


# --- roles -------------------------------------------------------------------------------


def test_role_choices_are_the_short_list(login):
    options = select_options(login("moderator").get(user_url("add")), "role")
    assert [value for value, _label in options] == ["", MUNICIPAL_EDITORS, ASSOCIATION_EDITORS]


def test_creating_municipal_editor_binds_group_staff_and_municipality(login, sayan, kogalym):
    response = login("moderator").post(user_url("add"), add_data(role=MUNICIPAL_EDITORS, municipalities=[sayan.pk]))

    assert response.status_code == 302
    user = User.objects.get(username="new_person")
    assert response["Location"] == user_url("change", user)
    assert user.is_staff
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [MUNICIPAL_EDITORS]
    assert list(user.municipalities.all()) == [sayan]
    assert user.check_password(NEW_PASSWORD)
    assert is_municipal_editor(user)
    assert list(permissions.visible_municipalities(user)) == [sayan]


def test_creating_association_editor_drops_municipalities(login, sayan):
    response = login("moderator").post(user_url("add"), add_data(role=ASSOCIATION_EDITORS, municipalities=[sayan.pk]))

    assert response.status_code == 302
    user = User.objects.get(username="new_person")
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == [ASSOCIATION_EDITORS]
    assert not user.municipalities.exists()


def test_creating_user_without_role_gives_no_access(login, sayan):
    response = login("moderator").post(user_url("add"), add_data(role="", municipalities=[sayan.pk]))

    assert response.status_code == 302
    user = User.objects.get(username="new_person")
    assert (user.is_staff, user.groups.exists(), user.municipalities.exists()) == (False, False, False)


def test_municipal_role_without_municipalities_is_a_form_error_on_add(login):
    response = login("moderator").post(user_url("add"), add_data(role=MUNICIPAL_EDITORS))

    assert response.status_code == 200
    assert "Укажите хотя бы один муниципалитет для редактора муниципалитета." in text_of(response)
    assert not User.objects.filter(username="new_person").exists()


def test_municipal_role_without_municipalities_is_a_form_error_on_change(login, no_role_user):
    before = user_state(no_role_user)

    response = login("moderator").post(
        user_url("change", no_role_user), change_data(no_role_user, role=MUNICIPAL_EDITORS, municipalities=[])
    )

    assert response.status_code == 200
    assert "Укажите хотя бы один муниципалитет для редактора муниципалитета." in text_of(response)
    assert user_state(no_role_user) == before


def test_change_form_shows_current_role(login, city_editor, sayan):
    fields = form_fields(login("moderator").get(user_url("change", city_editor)), form_id="user_form")
    assert fields["role"] == MUNICIPAL_EDITORS
    assert fields["municipalities"] == str(sayan.pk)


def test_removing_role_removes_group_staff_and_municipalities(login, city_editor, client):
    response = login("moderator").post(user_url("change", city_editor), change_data(city_editor, role=""))

    assert response.status_code == 302
    city_editor.refresh_from_db()
    assert not city_editor.is_staff
    assert not city_editor.groups.exists()
    assert not city_editor.municipalities.exists()
    # … and the person is out of the back office.
    client.force_login(city_editor)
    assert client.get(reverse("admin:index")).status_code == 302


def test_switching_role_to_association_editor(login, city_editor):
    response = login("moderator").post(
        user_url("change", city_editor), change_data(city_editor, role=ASSOCIATION_EDITORS)
    )

    assert response.status_code == 302
    city_editor.refresh_from_db()
    assert city_editor.is_staff
    assert list(city_editor.groups.values_list("name", flat=True)) == [ASSOCIATION_EDITORS]
    assert not city_editor.municipalities.exists()


def test_rebinding_municipal_editor_to_other_municipality(login, city_editor, kogalym):
    response = login("moderator").post(
        user_url("change", city_editor), change_data(city_editor, role=MUNICIPAL_EDITORS, municipalities=[kogalym.pk])
    )

    assert response.status_code == 302
    assert list(User.objects.get(pk=city_editor.pk).municipalities.all()) == [kogalym]


def test_deactivating_user_keeps_role_but_locks_out(login, city_editor, client):
    data = change_data(city_editor)
    del data["is_active"]

    assert login("moderator").post(user_url("change", city_editor), data).status_code == 302
    city_editor.refresh_from_db()
    assert not city_editor.is_active
    client.force_login(city_editor)
    assert client.get(reverse("admin:reports_report_changelist")).status_code == 302


# --- deleting people keeps their work ------------------------------------------------------


@pytest.mark.parametrize("who", ["moderator", "superuser"])
def test_deleting_user_keeps_their_reports(who, login, make_report, city_editor):
    draft = make_report(Status.DRAFT, year=2024)
    published = make_report(Status.PUBLISHED, year=2023)
    client = login(who)

    page = client.get(user_url("delete", city_editor))
    assert page.status_code == 200
    response = client.post(user_url("delete", city_editor), {"post": "yes"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=city_editor.pk).exists()
    assert set(Report.objects.values_list("pk", flat=True)) == {draft.pk, published.pk}
    published.refresh_from_db()
    assert (published.status, published.created_by, published.submitted_by) == (Status.PUBLISHED, None, None)
    submit = ReportEvent.objects.get(report=published, transition="submit")
    assert submit.actor is None
    assert submit.actor_name == "sayan_editor"  # the timeline still names them
    assert published.achievements.count() == 1


@pytest.mark.parametrize(("sent", "stored"), [({}, "ru"), ({"language": ""}, "ru"), ({"language": "en"}, "en")])
def test_the_language_of_letters_is_russian_unless_chosen(sent, stored, login, other_editor):
    """The user form's «Язык писем» (the yearly collection's and the workflow's letters)."""
    response = login("moderator").post(user_url("change", other_editor), {**change_data(other_editor), **sent})
    assert response.status_code == 302
    other_editor.refresh_from_db()
    assert other_editor.language == stored


def test_an_unknown_language_is_a_form_error(login, other_editor):
    response = login("moderator").post(
        user_url("change", other_editor), {**change_data(other_editor), "language": "de"}
    )
    assert response.status_code == 200
    other_editor.refresh_from_db()
    assert other_editor.language == "ru"
