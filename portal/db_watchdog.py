"""A database that stops answering mid-request costs a visitor seconds, not a worker.

The connect timeout covers a database that does not accept connections. A connection that is
already open and then goes silent (a network partition, a frozen host, a hung proxy) is not
covered by it: the worker waits in recv() until gunicorn kills it at 30 s and the visitor gets
an empty 500. Here every request of a web process has a deadline (DJANGO_DB_REQUEST_TIMEOUT);
a watchdog thread looks four times a second for requests past theirs whose connection has a
command in progress, and shuts that connection's socket down. The waiting driver then fails
at once with an OperationalError, which portal.errors answers with the 503 page; the next
request opens a new connection. A slow page that is not waiting for the database is left alone.

Real partitions are also caught by the kernel (TCP keepalive and user timeout, settings), and
runaway statements by PostgreSQL (statement_timeout, set for web processes by gunicorn.conf.py).
"""

import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import connections

logger = logging.getLogger("portal.database")

_requests: dict[int, tuple[float, object]] = {}  # thread id → (deadline, its DatabaseWrapper)
_lock = threading.Lock()
_watcher_pid: int | None = None  # the process the watcher thread runs in (gunicorn forks)


def _command_in_progress(wrapper):
    """The socket of this connection if it is waiting for the server's answer, else None."""
    raw = getattr(wrapper, "connection", None)
    if raw is None or wrapper.vendor != "postgresql":
        return None
    try:
        from psycopg import pq

        pgconn = raw.pgconn
        if pgconn.transaction_status == pq.TransactionStatus.ACTIVE:
            return pgconn.socket
    except Exception:  # noqa: BLE001 — a connection closing under us: nothing to cut
        return None
    return None


def _cut(fd: int) -> None:
    duplicate = socket.socket(fileno=os.dup(fd))
    try:
        duplicate.shutdown(socket.SHUT_RDWR)  # acts on the connection, not on our descriptor
    except OSError:
        pass
    finally:
        duplicate.close()


def sweep(now: float | None = None) -> int:
    """Cut the connections of requests past their deadline that wait for the database."""
    now = time.monotonic() if now is None else now
    with _lock:
        overdue = [(ident, wrapper) for ident, (deadline, wrapper) in _requests.items() if deadline <= now]
    cut = 0
    for ident, wrapper in overdue:
        fd = _command_in_progress(wrapper)
        if fd is not None:
            with _lock:
                if _requests.pop(ident, None) is None:  # the request finished meanwhile
                    continue
            _cut(fd)
            cut += 1
            logger.error(
                "database did not answer within %s s: connection cut",
                settings.DB_REQUEST_TIMEOUT,
                extra={"thread_id": ident},
            )
    return cut


def _watch() -> None:
    while True:
        time.sleep(0.25)
        sweep()


def _ensure_watcher() -> None:
    global _watcher_pid
    if _watcher_pid != os.getpid():  # not yet, or forked from the process that had it
        with _lock:
            if _watcher_pid != os.getpid():
                threading.Thread(target=_watch, name="db-watchdog", daemon=True).start()
                _watcher_pid = os.getpid()


class DatabaseDeadlineMiddleware:
    """Early in MIDDLEWARE: the deadline covers the page cache's query and the view."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.timeout = settings.DB_REQUEST_TIMEOUT

    def __call__(self, request):
        if not self.timeout:
            return self.get_response(request)
        _ensure_watcher()
        ident = threading.get_ident()
        with _lock:
            _requests[ident] = (time.monotonic() + self.timeout, connections["default"])
        try:
            return self.get_response(request)
        finally:
            with _lock:
                _requests.pop(ident, None)
