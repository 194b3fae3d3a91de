"""Login throttling (accounts/throttle.py), unlocking, and password reset that reveals nothing."""

import re

import pytest
from django.core import mail

from accounts.models import LoginFailure

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
    response = fail(client, "ivanova", settings.LOGIN_FAILURE_LIMIT - 1)
    assert response.status_code == 200
    assert "Пожалуйста, введите корректные имя пользователя и пароль" in response.content.decode()
    assert attempt(client, "ivanova", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_limit_makes_that_name_wait_at_that_address_even_with_the_right_password(client, account, settings):
    response = fail(client, "ivanova", settings.LOGIN_FAILURE_LIMIT)
    assert response.status_code == 429  # the failure that reached the limit already says so
    body = response.content.decode()
    assert "Вход временно заблокирован" in body
    assert "Попробуйте снова через 1 минуту" in body
    assert "с другого устройства или из другой сети войти можно" in body
    assert "восстановить пароль" in body
    assert response["Retry-After"] in {"59", "60"}
    assert attempt(client, "ivanova", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_stranger_cannot_keep_the_owner_out(client, account, settings):
    """5 wrong passwords for a known name locked the account for everyone for 15 minutes, repeatably."""
    fail(client, "ivanova", settings.LOGIN_FAILURE_LIMIT * 3, ip="203.0.113.66")
    assert attempt(client, "ivanova", PASSWORD, ip="10.0.0.7").status_code == 302


@pytest.mark.django_db
def test_the_wait_doubles_with_each_failure_after_it_and_ends(client, account, settings):
    from datetime import timedelta

    from accounts.models import LoginFailure

    def age(minutes):
        LoginFailure.objects.update(at=F("at") - timedelta(minutes=minutes))

    from django.db.models import F

    fail(client, "ivanova", settings.LOGIN_FAILURE_LIMIT)
    age(1.01)  # the first wait is over: one more try
    response = attempt(client, "ivanova", "wrong")
    assert response.status_code == 429 and "через 2 минуты" in response.content.decode()
    age(1.01)
    assert attempt(client, "ivanova", PASSWORD).status_code == 429  # still waiting
    age(1.01)
    assert attempt(client, "ivanova", "wrong").status_code == 429  # the 7th: 4 minutes now
    assert "через 4 минуты" in attempt(client, "ivanova", PASSWORD).content.decode()
    age(4.01)
    assert attempt(client, "ivanova", PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username="ivanova").exists()  # the right password clears them


@pytest.mark.django_db
def test_the_wait_never_exceeds_the_maximum(client, account, settings):
    from accounts.throttle import delay

    assert delay(settings.LOGIN_FAILURE_LIMIT - 1, settings.LOGIN_FAILURE_LIMIT) is None
    assert delay(settings.LOGIN_FAILURE_LIMIT + 100, settings.LOGIN_FAILURE_LIMIT) == settings.LOGIN_MAX_DELAY


@pytest.mark.django_db
def test_an_address_trying_many_names_waits_for_every_name(client, account, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        attempt(client, f"guess{i}", "wrong", ip="10.6.6.6")
    refused = attempt(client, "ivanova", PASSWORD, ip="10.6.6.6")
    assert refused.status_code == 429
    assert "Вход с него временно закрыт для всех имён" in refused.content.decode()
    # Someone else, elsewhere, is not affected.
    assert attempt(client, "ivanova", PASSWORD, ip="10.0.0.7").status_code == 302


@pytest.mark.django_db
def test_success_before_the_limit_resets_the_count(client, account, settings):
    fail(client, "ivanova", settings.LOGIN_FAILURE_LIMIT - 1)
    assert attempt(client, "ivanova", PASSWORD).status_code == 302
    client.logout()
    assert fail(client, "ivanova", settings.LOGIN_FAILURE_LIMIT - 1).status_code == 200


# --- the client address behind 0, 1 or 2 proxies -----------------------------------------


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "", "198.51.100.1"),
        (0, "198.51.100.1", "203.0.113.9", "198.51.100.1"),  # nobody trusted: the header is ignored
        (1, "10.0.0.2", "203.0.113.9", "203.0.113.9"),  # nginx appended the client
        (1, "10.0.0.2", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # a forged prefix stays a prefix
        (1, "10.0.0.2", "", "10.0.0.2"),  # no header (a health check from the proxy itself)
        (2, "10.0.0.3", "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),  # balancer, then nginx
        (2, "10.0.0.3", "203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "10.0.0.2", "not-an-address", None),
        (1, "10.0.0.2", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_one_the_trusted_proxies_saw(settings, rf, proxies, remote, forwarded, expected):
    from accounts.throttle import client_address

    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = rf.post("/admin/login/", REMOTE_ADDR=remote, **headers)
    assert client_address(request) == expected


@pytest.mark.django_db
def test_behind_one_proxy_every_client_has_its_own_count(client, account, settings):
    """With one proxy every client resolved to no address: one bucket for everybody."""
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": "ivanova", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.66",
        )
    ok = client.post(
        LOGIN,
        {"username": "ivanova", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.20",
    )
    assert ok.status_code == 302


# --- unlocking from the user admin: the ladder ---------------------------------------


def _lock(settings, client):
    fail(client, "ivanova", settings.LOGIN_FAILURE_LIMIT)
    assert LoginFailure.objects.filter(username="ivanova").exists()


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
    still_locked = LoginFailure.objects.filter(username="ivanova").exists()
    assert still_locked is not allowed
    if allowed:
        assert response.status_code == 302
    else:
        assert response.status_code in (302, 403)  # anonymous → login page; others refused
    if rung == "anon":
        assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_user_list_shows_whose_login_is_limited(login, account, settings):
    from django.test import Client

    _lock(settings, Client())
    html = login("moderator").get("/admin/accounts/user/").content.decode()
    assert "вход ограничен" in html.lower()
    row = re.search(r"<tr>.*?ivanova.*?</tr>", html, re.S).group(0)
    assert "icon-yes.svg" in row


@pytest.mark.django_db
def test_association_editor_can_lift_an_address_wait(login, account, settings):
    from django.test import Client

    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        attempt(Client(), f"guess{i}", "wrong", ip="10.6.6.6")
    client = login("moderator")
    assert client.get("/admin/accounts/loginfailure/").status_code == 200
    ids = list(LoginFailure.objects.filter(address="10.6.6.6").values_list("pk", flat=True))
    response = client.post(
        "/admin/accounts/loginfailure/", {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert response.status_code == 302
    assert not LoginFailure.objects.filter(address="10.6.6.6").exists()
    assert attempt(Client(), "ivanova", PASSWORD, ip="10.6.6.6").status_code == 302
    assert login("city").get("/admin/accounts/loginfailure/").status_code == 403


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
    fail(client, "ivanova", settings.LOGIN_FAILURE_LIMIT)
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


# --- password reset: limited, and the same time for known and unknown addresses ------------


def _ask(client, email, address="198.51.100.7"):
    return client.post("/admin/password_reset/", {"email": email}, REMOTE_ADDR=address)


def test_one_address_may_ask_a_few_times_an_hour(client, account, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 3
    for n in range(3):
        assert _ask(client, f"someone{n}@example.org").status_code == 302
    refused = _ask(client, "ivanova@sayanogorsk.example")
    assert refused.status_code == 429
    assert "Слишком много запросов" in refused.content.decode()
    assert not mail.outbox  # not even for the real account
    assert _ask(client, "ivanova@sayanogorsk.example", address="198.51.100.8").status_code == 302
    assert len(mail.outbox) == 1  # another address may


def test_one_mailbox_gets_a_few_mails_an_hour_and_the_answer_does_not_change(client, account, settings):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 2
    answers = [_ask(client, "ivanova@sayanogorsk.example", address=f"198.51.100.{n}") for n in range(1, 6)]
    assert {a["Location"] for a in answers} == {"/admin/password_reset/done/"}
    assert len(mail.outbox) == 2


def test_requests_older_than_an_hour_no_longer_count(client, account, settings):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import PasswordResetRequest

    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    assert _ask(client, "a@example.org").status_code == 302
    assert _ask(client, "b@example.org").status_code == 429
    PasswordResetRequest.objects.update(created_at=timezone.now() - timedelta(hours=2))
    assert _ask(client, "ivanova@sayanogorsk.example").status_code == 302
    assert PasswordResetRequest.objects.count() == 1  # the old ones are gone
    assert "ivanova" not in str(list(PasswordResetRequest.objects.values_list("email_digest", flat=True)))


@pytest.mark.django_db(transaction=True)
def test_the_mail_is_sent_after_the_answer_and_the_request_does_not_look_up_accounts(client, account, settings):
    """No query of the request touches the users table: known and unknown addresses cost the same."""
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database sends at once (accounts/password_reset.py)")
    settings.PASSWORD_RESET_IN_BACKGROUND = True
    for email in ("ivanova@sayanogorsk.example", "nobody@nowhere.example"):
        with CaptureQueriesContext(connection) as queries:
            assert _ask(client, email, address=f"203.0.113.{len(email)}").status_code == 302
        assert not any("accounts_user" in q["sql"] for q in queries.captured_queries)
    deadline = time.monotonic() + 10
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ivanova@sayanogorsk.example"]
    assert "/admin/reset/" in mail.outbox[0].body


@pytest.mark.django_db
def test_the_reset_pages_show_no_back_office_menu_to_a_visitor(client):
    for url in ("/admin/password_reset/", "/admin/password_reset/done/"):
        html = client.get(url).content.decode()
        assert "Отчёты городов АСДГ" in html
        assert "недостаточно полномочий" not in html and 'id="nav-sidebar"' not in html


@pytest.mark.django_db
def test_the_reset_letter_is_the_portals_own_and_russian(client, account):
    client.post("/admin/password_reset/", {"email": "ivanova@sayanogorsk.example"})
    [letter] = mail.outbox
    assert letter.subject == "Новый пароль для кабинета портала отчётов АСДГ"
    assert "портала отчётов Ассоциации сибирских и дальневосточных городов" in letter.body
    assert "Ваше имя для входа: ivanova" in letter.body
    assert re.search(r"http://testserver/admin/reset/\S+/\S+/", letter.body)
