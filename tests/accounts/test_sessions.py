"""Sessions end at the latest SESSION_ABSOLUTE_AGE after login; failed logins are logged without the name typed."""

import logging
import time

import pytest

from accounts.sessions import STARTED, username_digest

pytestmark = pytest.mark.django_db


def _age_session(client, seconds):
    session = client.session
    session[STARTED] = int(time.time()) - seconds
    session.save()


def test_an_active_session_ends_at_its_absolute_age(client, moderator, settings):
    client.force_login(moderator)
    assert client.get("/admin/").status_code == 200  # the first request marks the start
    assert isinstance(client.session[STARTED], int)

    _age_session(client, settings.SESSION_ABSOLUTE_AGE - 60)
    assert client.get("/admin/").status_code == 200  # still within the day

    _age_session(client, settings.SESSION_ABSOLUTE_AGE + 1)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in client.session


def test_the_public_site_is_not_affected(client):
    assert client.get("/").status_code == 200


def test_a_failed_login_is_logged_with_a_hashed_name_and_the_address(client, moderator, caplog):
    with caplog.at_level(logging.WARNING, logger="accounts.login"):
        client.post(
            "/admin/login/?next=/admin/", {"username": "moderator", "password": "wrong"}, REMOTE_ADDR="203.0.113.7"
        )
    records = [r for r in caplog.records if r.name == "accounts.login"]
    assert len(records) == 1
    record = records[0]
    assert record.username_hash == username_digest("moderator") and len(record.username_hash) == 16
    assert record.address == "203.0.113.7"
    assert "moderator" not in record.getMessage() and "wrong" not in record.getMessage()


def test_the_digest_is_keyed_and_stable(settings):
    first = username_digest("moderator")
    assert first == username_digest("moderator") != username_digest("moderator2")
    settings.SECRET_KEY = "another-key-" * 5
    assert username_digest("moderator") != first
