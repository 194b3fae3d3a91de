"""portal/db_watchdog.py: a request stuck waiting for a silent database gets the 503 page.

The live test (tests/portal/test_live_gunicorn.py) freezes a TCP proxy under real gunicorn;
here the parts: the sweep cuts only what waits past its deadline, and on PostgreSQL a
statement that does not come back in time is a 503 within the timeout.
"""

import socket
import threading
import time

import pytest
from django.db import connection
from django.test import Client

from portal import db_watchdog


class FakePgconn:
    def __init__(self, fd, status):
        self.socket = fd
        self.transaction_status = status


class FakeWrapper:
    vendor = "postgresql"

    def __init__(self, fd, status):
        self.connection = type("Raw", (), {"pgconn": FakePgconn(fd, status)})()


@pytest.fixture
def pair():
    ours, database = socket.socketpair()
    yield ours, database
    ours.close()
    database.close()


def _register(ident, deadline, wrapper):
    with db_watchdog._lock:
        db_watchdog._requests[ident] = (deadline, wrapper)


def test_a_request_past_its_deadline_waiting_for_the_database_is_cut(pair):
    from psycopg import pq

    ours, database = pair
    _register(-1, time.monotonic() - 1, FakeWrapper(ours.fileno(), pq.TransactionStatus.ACTIVE))
    assert db_watchdog.sweep() == 1
    database.settimeout(1)
    assert database.recv(10) == b""  # the other end sees the connection closed
    assert -1 not in db_watchdog._requests


def test_nothing_is_cut_before_the_deadline_or_when_not_waiting_for_the_database(pair):
    from psycopg import pq

    ours, database = pair
    _register(-2, time.monotonic() + 60, FakeWrapper(ours.fileno(), pq.TransactionStatus.ACTIVE))
    _register(-3, time.monotonic() - 1, FakeWrapper(ours.fileno(), pq.TransactionStatus.IDLE))
    try:
        assert db_watchdog.sweep() == 0
        ours.sendall(b"x")
        assert database.recv(1) == b"x"  # still open
    finally:
        with db_watchdog._lock:
            db_watchdog._requests.pop(-2, None)
            db_watchdog._requests.pop(-3, None)


def test_requests_are_registered_only_while_they_run(client, db):
    seen = []

    def peek(execute, sql, params, many, context):
        seen.append(threading.get_ident() in db_watchdog._requests)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(peek):
        client.get("/reports/")
    assert seen and all(seen)
    assert threading.get_ident() not in db_watchdog._requests


@pytest.mark.django_db(transaction=True)
def test_a_statement_that_does_not_come_back_is_a_503_within_the_timeout(settings, make_report):
    if connection.vendor != "postgresql":
        pytest.skip("the watchdog cuts PostgreSQL connections (SQLite has no socket)")
    settings.DB_REQUEST_TIMEOUT = 1

    def silent_database(execute, sql, params, many, context):
        if "reports_report" in sql:
            execute("SELECT pg_sleep(20)", None, False, context)
        return execute(sql, params, many, context)

    client = Client(raise_request_exception=False)
    started = time.monotonic()
    with connection.execute_wrapper(silent_database):
        response = client.get("/reports/")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert elapsed < 3, elapsed
    connection.close()
    assert Client().get("/healthz").status_code == 200  # a new connection
    # The server still runs the sleep (in production statement_timeout ends it): end it here.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE query = 'SELECT pg_sleep(20)' AND pid <> pg_backend_pid()"
        )
