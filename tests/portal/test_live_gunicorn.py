"""The portal under real gunicorn with the production settings, on PostgreSQL.

- The database refuses connections, hangs, comes back: visitors get the Russian 503
  page with Retry-After within the connect timeout, no worker is killed, and the site
  recovers by itself.
- Login throttling counts failures across separate processes.
- Static files come from whitenoise: hashed names, compressed, cached for a year.

These run only on PostgreSQL (the production database); CI runs the suite on both.
"""

import time

import pytest
from django.db import connection

from .live import Browserless, GunicornServer, TcpProxy, collectstatic, production_env

CONNECT_TIMEOUT = 2  # seconds (libpq's minimum); production uses 5
REQUEST_TIMEOUT = 2  # seconds a request waits for an open connection gone silent; production 5

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pg():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the production database under real gunicorn")
    return connection.settings_dict


def _url(settings_dict, host, port):
    user = settings_dict["USER"] or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    collectstatic(root, "sqlite:///" + str(root / "unused.sqlite3"))
    return root


@pytest.fixture
def proxy(pg):
    p = TcpProxy(pg["HOST"] or "127.0.0.1", int(pg["PORT"] or 5432))
    yield p
    p.close()


@pytest.fixture
def server_via_proxy(pg, proxy, static_root, tmp_path):
    env = production_env(
        _url(pg, "127.0.0.1", proxy.port),
        static_root,
        DJANGO_DB_CONNECT_TIMEOUT=CONNECT_TIMEOUT,
        DJANGO_DB_REQUEST_TIMEOUT=REQUEST_TIMEOUT,
        GUNICORN_TIMEOUT=30,
        # Every request must reach the database here; with the page cache on, pages
        # visited before the outage keep being served from it (which is fine, but not
        # what this test is about).
        DJANGO_PUBLIC_PAGE_CACHE=0,
    )
    server = GunicornServer(env, workers=1, log_path=tmp_path / "gunicorn.log")
    yield server
    server.stop()


def _timed_get(server, path):
    started = time.monotonic()
    response = server.get(path, headers={"X-Forwarded-Proto": "https"})
    return response, time.monotonic() - started


def _assert_503(response):
    assert response.status == 503
    assert response.getheader("Retry-After") == "30"
    body = response.body.decode()
    assert "Сайт временно недоступен" in body
    assert "Traceback" not in body


def _worker_pids(server):
    import subprocess

    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(server.process.pid)], capture_output=True, text=True)
    return set(out.stdout.split())


def test_database_down_hanging_and_back(server_via_proxy, proxy, make_report):
    from reports.status import Status

    server = server_via_proxy
    report = make_report(status=Status.PUBLISHED)
    page = report.get_absolute_url()

    response, _ = _timed_get(server, page)
    assert response.status == 200
    workers = _worker_pids(server)

    # 1. The port is closed (PostgreSQL stopped): 503 at once.
    proxy.refuse()
    for path in (page, "/", "/reports/?year=2024"):
        response, elapsed = _timed_get(server, path)
        _assert_503(response)
        assert elapsed < 2, elapsed
    response, _ = _timed_get(server, "/readyz")
    assert response.status == 503
    response, _ = _timed_get(server, "/api/reports/")
    assert response.status == 503 and "базой данных" in response.body.decode()

    # 2. The host hangs (accepts, never answers): 503 within the connect timeout.
    proxy.hang()
    response, elapsed = _timed_get(server, page)
    _assert_503(response)
    assert CONNECT_TIMEOUT - 0.5 <= elapsed < CONNECT_TIMEOUT + 3, elapsed

    # 3. It is back: the very next request is served, by the same worker (none was killed).
    proxy.forward()
    response, _ = _timed_get(server, page)
    assert response.status == 200
    assert "Проведён форум ТОС" in response.body.decode()

    # 4. The open connection goes silent mid-use (partition, frozen host): 503 within the
    # request timeout, not a worker killed at 30 s; then back again on a new connection.
    proxy.freeze()
    for path in (page, "/reports/?year=2024"):
        response, elapsed = _timed_get(server, path)
        _assert_503(response)
        # The silent connection is cut after REQUEST_TIMEOUT; Django's health check then tries a
        # new one, which the frozen host does not answer either (the connect timeout).
        assert elapsed < REQUEST_TIMEOUT + CONNECT_TIMEOUT + 1.5, elapsed
    proxy.forward()
    response, _ = _timed_get(server, page)
    assert response.status == 200
    assert _timed_get(server, "/readyz")[0].status == 200
    assert _worker_pids(server) == workers
    assert "WORKER TIMEOUT" not in server.log()
    # The outage is in the log, one JSON line per failure, without the page's text.
    assert '"logger": "portal.database"' in server.log()


@pytest.fixture
def two_servers(pg, static_root, tmp_path):
    # Behind one proxy (as behind nginx): the client address comes from X-Forwarded-For. Two
    # servers of two workers each: four processes that must count the same failures.
    env = production_env(
        _url(pg, pg["HOST"] or "127.0.0.1", pg["PORT"] or 5432), static_root, DJANGO_TRUSTED_PROXY_COUNT=1
    )
    servers = [GunicornServer(env, workers=2, log_path=tmp_path / f"g{i}.log") for i in range(2)]
    yield servers
    for s in servers:
        s.stop()


def test_login_throttling_counts_failures_across_processes(two_servers, make_user, settings):
    a, b = two_servers
    assert a.process.pid != b.process.pid
    user = make_user("petrov", email="petrov@example.org")
    user.is_staff = True
    # Hashed as the production settings can check it (the tests' own hasher is MD5, for speed).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user.set_password("Pravilnyi-parol-1")
    user.save()
    limit = settings.LOGIN_FAILURE_LIMIT  # 5
    wrong = {"username": "petrov", "password": "wrong"}

    attacker = "203.0.113.66"
    for i in range(limit - 1):
        response = Browserless(a if i % 2 == 0 else b, attacker).post_form("/admin/login/", wrong)
        assert response.status == 200, response.body[:300]
    # One more failure, on the other server, reaches the limit.
    response = Browserless(b, attacker).post_form("/admin/login/", wrong)
    assert response.status == 429
    assert "Вход временно заблокирован" in response.body.decode()
    # From that address even the right password must wait, on every process.
    right = {"username": "petrov", "password": "Pravilnyi-parol-1"}
    for server in (a, b, a, b):
        assert Browserless(server, attacker).post_form("/admin/login/", right).status == 429
    # The owner, from anywhere else, signs in at once (a forged prefix does not make them the attacker).
    assert Browserless(a, "198.51.100.20").post_form("/admin/login/", right).status == 302
    assert Browserless(b, f"{attacker}, 198.51.100.21").post_form("/admin/login/", right).status == 302


def test_static_files_are_hashed_compressed_and_cached_for_a_year(two_servers):
    server = two_servers[0]
    html = server.get("/", headers={"X-Forwarded-Proto": "https"}).body.decode()
    import re

    css = re.search(r'href="(/static/public/site\.[0-9a-f]{12}\.css)"', html).group(1)
    response = server.get(css, headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert "max-age=315360000" in response.getheader("Cache-Control")
    assert "immutable" in response.getheader("Cache-Control")
