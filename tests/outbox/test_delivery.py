"""The outbox: letters are written with the transaction that causes them, delivered after the
commit, kept pending with the error while the mail server is down, retried with backoff, given up
on (and shown to the Association) after MAX_ATTEMPTS; the list is the Association's only."""

import smtplib

import pytest
from django.urls import reverse

from outbox import services, tasks
from outbox.models import OutgoingEmail

pytestmark = pytest.mark.django_db


class _Down:
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("сервер недоступен")


def test_a_letter_is_delivered_after_the_commit(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        letter = services.enqueue("a@example.org", "Тема\nв две строки", "Текст", kind="test")
    assert mailoutbox == [] and len(callbacks) == 1
    callbacks[0]()
    letter.refresh_from_db()
    assert letter.state == "sent" and letter.attempts == 1 and letter.sent_at is not None
    [sent] = mailoutbox
    assert (sent.to, sent.subject, sent.body) == (["a@example.org"], "Тема в две строки", "Текст")


def test_a_rolled_back_transaction_sends_nothing(mailoutbox, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.enqueue("a@example.org", "Тема", "Текст")
            raise RuntimeError
    assert mailoutbox == [] and not OutgoingEmail.objects.exists()


def test_delivering_twice_sends_once(mailoutbox):
    letter = OutgoingEmail.objects.create(to="a@example.org", subject="Тема", body="Текст")
    assert services.deliver(letter.pk) is True
    assert services.deliver(letter.pk) is True
    assert len(mailoutbox) == 1


def test_a_server_that_is_down_keeps_the_letter_and_finally_gives_up(monkeypatch, mailoutbox):
    monkeypatch.setattr("django.core.mail.get_connection", lambda *a, **k: _Down())
    letter = OutgoingEmail.objects.create(to="a@example.org", subject="Тема", body="Текст")
    for attempt in range(1, services.MAX_ATTEMPTS):
        assert services.deliver(letter.pk) is None  # try again later
        letter.refresh_from_db()
        assert (letter.state, letter.attempts) == ("pending", attempt)
        assert "сервер недоступен" in letter.last_error
    assert services.deliver(letter.pk) is False
    letter.refresh_from_db()
    assert letter.state == "failed" and letter.attempts == services.MAX_ATTEMPTS
    assert mailoutbox == []


def test_the_job_asks_celery_to_retry_with_a_growing_delay(monkeypatch):
    letter = OutgoingEmail.objects.create(to="a@example.org", subject="Тема", body="Текст")
    monkeypatch.setattr(services, "deliver", lambda pk: None)
    delays = []

    class Retry(Exception):
        pass

    def retry(countdown):
        delays.append(countdown)
        return Retry()

    for retries in range(3):
        task = tasks.deliver_email
        monkeypatch.setattr(task, "retry", retry)
        task.push_request(retries=retries, is_eager=False)
        try:
            with pytest.raises(Retry):
                task.run(letter.pk)
        finally:
            task.pop_request()
    assert delays == [60, 120, 240]


def test_letters_whose_job_was_lost_are_queued_again(mailoutbox):
    letter = OutgoingEmail.objects.create(to="a@example.org", subject="Тема", body="Текст")
    OutgoingEmail.objects.filter(pk=letter.pk).update(created_at=letter.created_at.replace(year=2000))
    assert tasks.retry_pending_emails.delay().get() == 1  # eager here: delivered at once
    letter.refresh_from_db()
    assert letter.state == "sent" and len(mailoutbox) == 1


@pytest.mark.parametrize(("who", "status"), [("anon", 302), ("city", 403), ("norole", 403), ("moderator", 200)])
def test_the_list_of_letters_is_the_associations(login, who, status):
    OutgoingEmail.objects.create(to="a@example.org", subject="Тема письма", body="Текст", state="failed")
    response = login(who).get(reverse("admin:outbox_outgoingemail_changelist"))
    assert response.status_code == status
    if status == 200:
        assert "Тема письма" in response.content.decode()
        assert "не доставлено" in response.content.decode()


def test_sending_failed_letters_again(login, mailoutbox):
    letter = OutgoingEmail.objects.create(to="a@example.org", subject="Тема", body="Текст", state="failed", attempts=8)
    response = login("moderator").post(
        reverse("admin:outbox_outgoingemail_changelist"),
        {"action": "send_again", "_selected_action": [letter.pk]},
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == "sent" and len(mailoutbox) == 1
