"""Through a real job queue: a Celery worker process (production settings) with Redis as the broker.

A workflow transition committed here queues its e-mail; the worker delivers it (console backend,
its output captured), and the outbox row says «отправлено». Needs PostgreSQL (the worker and the
test share the test database) and Redis on 127.0.0.1:6379; CI starts both (.ci/run)."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from outbox.models import OutgoingEmail
from portal.celery import app
from reports import workflow
from reports.status import Status
from tests.portal.live import REDIS, ROOT, database_url, production_env, redis_answers

pytestmark = [pytest.mark.django_db(transaction=True)]

BROKER = "redis://127.0.0.1:6379/13"


@pytest.fixture
def broker():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the worker process and the test share the test database")
    if not redis_answers():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true and no Redis on 127.0.0.1:6379: the job queue must be tested", pytrace=False)
        pytest.skip("no Redis on 127.0.0.1:6379")
    import redis

    redis.Redis(*REDIS, db=13).flushdb()
    yield BROKER
    redis.Redis(*REDIS, db=13).flushdb()


@pytest.fixture
def worker(broker, tmp_path):
    log = tmp_path / "worker.log"
    env = production_env(
        database_url(connection.settings_dict),
        tmp_path,
        CELERY_BROKER_URL=broker,
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--loglevel=INFO"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while b"ready." not in log.read_bytes():
            assert process.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "the worker did not start:\n" + log.read_text(errors="replace")
            time.sleep(0.2)
        yield log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def queue_to(broker):
    """This process queues tasks on the broker instead of running them in-process."""
    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, broker
    _forget_pools()  # the in-memory broker's pools stay open for the tests after this one
    try:
        yield
    finally:
        if app._pool is not None:
            app._pool.force_close_all()  # this test's Redis connections
        app.conf.task_always_eager, app.conf.broker_url = saved
        _forget_pools()


def _forget_pools():
    """Make the app look its connection and producer pools up again (kombu keeps one per URL)."""
    app._pool = None
    app.amqp._producer_pool = None


def test_a_transition_is_mailed_by_the_worker(worker, queue_to, make_report, city_editor):
    report = make_report(Status.DRAFT)
    workflow.submit(report, city_editor)  # commits: its e-mail goes to the queue

    letter = OutgoingEmail.objects.get(kind="transition:submit")
    deadline = time.monotonic() + 60
    while OutgoingEmail.objects.get(pk=letter.pk).state != OutgoingEmail.State.SENT:
        assert time.monotonic() < deadline, worker.read_text(errors="replace")
        time.sleep(0.2)
    letter.refresh_from_db()
    assert letter.to == "moderator@example.org" and letter.attempts == 1
    printed = worker.read_text(errors="replace")
    assert "To: moderator@example.org" in printed
    assert "deliver_email[" in printed and "succeeded" in printed
