"""Login throttling (django-axes), unlocking, and password reset that reveals nothing."""

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def account(make_user):
    user = make_user("ivanova", role=None, email="ivanova@sayanogorsk.example")
    user.is_staff = True
    user.set_password(PASSWORD)
    user.save()
    return user


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(client, username, times, ip="10.0.0.1"):
    for _ in range(times):
        response = attempt(client, username, "wrong", ip=ip)
    return response


@pytest.mark.django_db
def test_wrong_passwords_below_the_limit_just_fail(client, account, settings):
    response = fail(client, "ivanova", settings.AXES_FAILURE_LIMIT - 1)
    assert response.status_code == 200
    assert "Пожалуйста, введите корректные имя пользователя и пароль" in response.content.decode()
    assert attempt(client, "ivanova", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_limit_locks_the_account_with_a_russian_page_even_for_the_right_password(client, account, settings):
    response = fail(client, "ivanova", settings.AXES_FAILURE_LIMIT)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Вход временно заблокирован" in body
    assert "Попробуйте снова через 15 минут" in body
    assert "восстановить пароль" in body
    # From another address too: the account itself is locked.
    response = attempt(client, "ivanova", PASSWORD, ip="10.9.9.9")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_limit_locks_the_address_for_every_account(client, account, make_user, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"guess{i}", "wrong", ip="10.6.6.6")
    assert attempt(client, "ivanova", PASSWORD, ip="10.6.6.6").status_code == 429
    # Someone else, elsewhere, is not affected.
    assert attempt(client, "ivanova", PASSWORD, ip="10.0.0.7").status_code == 302


@pytest.mark.django_db
def test_success_before_the_limit_resets_the_count(client, account, settings):
    fail(client, "ivanova", settings.AXES_FAILURE_LIMIT - 1)
    assert attempt(client, "ivanova", PASSWORD).status_code == 302
    client.logout()
    assert fail(client, "ivanova", settings.AXES_FAILURE_LIMIT - 1).status_code == 200


@pytest.mark.django_db
def test_lock_expires_after_the_cool_off(client, account, settings):
    fail(client, "ivanova", settings.AXES_FAILURE_LIMIT)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - settings.AXES_COOLOFF_TIME)
    assert attempt(client, "ivanova", PASSWORD).status_code == 302


# --- unlocking from the user admin: the ladder ---------------------------------------


def _lock(settings, client):
    fail(client, "ivanova", settings.AXES_FAILURE_LIMIT)
    assert AccessAttempt.objects.filter(username="ivanova").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "rung, allowed", [("anon", False), ("city", False), ("norole", False), ("moderator", True), ("superuser", True)]
)
def test_unlock_action_ladder(rung, allowed, login, account, settings):
    client = login(rung)
    # Lock from a different client so the admin session is not the one locked out.
    from django.test import Client

    _lock(settings, Client())
    response = client.post(
        "/admin/accounts/user/", {"action": "unlock_login", "_selected_action": [account.pk]}, REMOTE_ADDR="10.1.1.1"
    )
    still_locked = AccessAttempt.objects.filter(username="ivanova").exists()
    assert still_locked is not allowed
    if allowed:
        assert response.status_code == 302
    else:
        assert response.status_code in (302, 403)  # anonymous → login page; others refused
    if rung == "anon":
        assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_user_list_shows_who_is_locked(login, account, settings):
    from django.test import Client

    _lock(settings, Client())
    html = login("moderator").get("/admin/accounts/user/").content.decode()
    assert "вход заблокирован" in html.lower()
    row = re.search(r"<tr>.*?ivanova.*?</tr>", html, re.S).group(0)
    assert "icon-yes.svg" in row


@pytest.mark.django_db
def test_association_editor_can_lift_an_address_lock(login, account, settings):
    from django.test import Client

    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(Client(), f"guess{i}", "wrong", ip="10.6.6.6")
    client = login("moderator")
    assert client.get("/admin/axes/accessattempt/").status_code == 200
    ids = list(AccessAttempt.objects.filter(ip_address="10.6.6.6").values_list("pk", flat=True))
    response = client.post(
        "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(ip_address="10.6.6.6").exists()
    assert login("city").get("/admin/axes/accessattempt/").status_code == 403


# --- password reset ----------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_login_page_offers_password_reset(client):
    html = client.get(LOGIN).content.decode()
    assert 'href="/admin/password_reset/"' in html


@pytest.mark.django_db
def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client, account):
    known = client.post("/admin/password_reset/", {"email": "ivanova@sayanogorsk.example"})
    unknown = client.post("/admin/password_reset/", {"email": "nobody@nowhere.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/admin/password_reset/done/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ivanova@sayanogorsk.example"]
    done = client.get("/admin/password_reset/done/").content.decode()
    assert "ivanova" not in done and "nobody" not in done


@pytest.mark.django_db
def test_a_broken_mail_server_does_not_reveal_the_account(client, account, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    known = client.post("/admin/password_reset/", {"email": "ivanova@sayanogorsk.example"})
    unknown = client.post("/admin/password_reset/", {"email": "nobody@nowhere.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert "Failed to send password reset email" in caplog.text  # logged, not shown


@pytest.mark.django_db
def test_reset_link_sets_a_new_password_and_lifts_the_lock(client, account, settings):
    fail(client, "ivanova", settings.AXES_FAILURE_LIMIT)
    client.post("/admin/password_reset/", {"email": "ivanova@sayanogorsk.example"})
    link = re.search(r"http://testserver(/admin/reset/\S+/)", mail.outbox[0].body).group(1)
    assert "Отчёты городов АСДГ" in client.get(link, follow=True).content.decode()
    form_url = client.get(link)["Location"]
    new = "Novyi-parol-2026!"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response["Location"] == "/admin/reset/done/"
    assert attempt(client, "ivanova", new).status_code == 302


@pytest.mark.django_db
def test_reset_refuses_a_weak_password(client, account):
    client.post("/admin/password_reset/", {"email": "ivanova@sayanogorsk.example"})
    link = re.search(r"http://testserver(/admin/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert "слишком" in response.content.decode().lower()
