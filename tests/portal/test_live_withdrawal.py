"""The page cache under real gunicorn with 5 workers: not one stale page, API record, feed entry or
304 after a withdrawal; junk parameters and made-up session cookies served from one cached copy.

The finding this answers: with per-process caches 19 of 25 anonymous GETs still returned a
withdrawn report, and a withdrawal made while Redis was unreachable came back when Redis did.
Here the report's page, its API record, its city's page, the list and the feed are requested
again and again (so every worker has them cached, in its memory and in Redis), the report is
withdrawn, and then every answer — with Redis, without it, with Redis refusing connections and
then hanging, and after it comes back still holding the old pages — must show the withdrawal;
a browser that sends the old ETag must never get 304 Not Modified.

PostgreSQL only, like the other live tests (CI runs the suite on both databases); the Redis
cases need a Redis on 127.0.0.1:6379 (.ci/run starts one).
"""

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from django.db import connection

from reports import workflow
from reports.status import Status

from .live import REDIS, GunicornServer, TcpProxy, collectstatic, database_url, production_env, redis_answers

pytestmark = [pytest.mark.django_db(transaction=True)]

WORKERS = 5
REPEAT = 25  # requests per address and phase, as in the finding
REDIS_DB = 14
HEADERS = {"X-Forwarded-Proto": "https"}


@pytest.fixture
def pg():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the production database under real gunicorn")
    return connection.settings_dict


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("static-withdrawal")
    collectstatic(root, "sqlite:///" + str(root / "unused.sqlite3"))
    return root


@pytest.fixture
def redis_proxy():
    if not redis_answers():
        pytest.skip("no Redis on 127.0.0.1:6379")
    import redis

    redis.Redis(*REDIS, db=REDIS_DB).flushdb()
    proxy = TcpProxy(*REDIS)
    yield proxy
    proxy.close()
    redis.Redis(*REDIS, db=REDIS_DB).flushdb()


def _start(pg, static_root, tmp_path, cache_url: str = "") -> GunicornServer:
    env = production_env(
        database_url(pg), static_root, DJANGO_CACHE_URL=cache_url, GUNICORN_ACCESS_LOG=0, GUNICORN_TIMEOUT=30
    )
    return GunicornServer(env, workers=WORKERS, log_path=tmp_path / "gunicorn.log")


class Site:
    """The addresses that show one published report, and what a stale answer of each looks like."""

    def __init__(self, server: GunicornServer, report):
        self.server = server
        self.report = report
        self.urls = {
            "page": report.get_absolute_url(),
            "api": f"/api/reports/{report.pk}/",
            "city": report.municipality.get_absolute_url(),
            "list": "/reports/",
            "feed": "/feed/",
        }
        self.etags: dict[str, str] = {}

    def get(self, name, etag=None):
        headers = dict(HEADERS, Accept="application/json" if name == "api" else "text/html")
        if etag:
            headers["If-None-Match"] = etag
        return self.server.get(self.urls[name], headers=headers)

    def shows_report(self, name, response) -> bool:
        if name in ("page", "api", "city"):
            return response.status not in (404, 410)  # the page's former address answers 410
        body = response.body.decode()
        return self.report.municipality.name in body

    def hammer(self, phase: str) -> dict:
        """REPEAT GETs of every address (5 at a time) and REPEAT more with the ETags remembered
        before the withdrawal; counts of stale answers and of 304s, by address."""
        jobs = [(name, None) for name in self.urls for _ in range(REPEAT)]
        jobs += [(name, self.etags[name]) for name in self.etags for _ in range(REPEAT)]
        with ThreadPoolExecutor(WORKERS) as pool:
            answers = list(pool.map(lambda job: (job, self.get(*job)), jobs))
        stale = {}
        for (name, etag), response in answers:
            assert response.status in (200, 304, 404, 410), (phase, name, response.status, response.body[:300])
            if response.status == 304 or self.shows_report(name, response):
                key = f"{name}{' (old ETag)' if etag else ''}"
                stale[key] = stale.get(key, 0) + 1
        return stale

    def warm(self) -> None:
        for name in self.urls:
            for _ in range(2 * REPEAT):
                response = self.get(name)
                assert response.status == 200 and self.shows_report(name, response), name
                if response.getheader("ETag"):
                    self.etags[name] = response.getheader("ETag")


@pytest.fixture
def report(make_report, sayan):
    return make_report(status=Status.PUBLISHED, municipality=sayan, year=2024)


@contextmanager
def warmed_site(pg, static_root, tmp_path, report, cache_url=""):
    """gunicorn with 5 workers serving the report, every address asked for until cached."""
    server = _start(pg, static_root, tmp_path, cache_url)
    try:
        site = Site(server, report)
        site.warm()
        yield site
    finally:
        server.stop()


def _redis_url(proxy) -> str:
    return f"redis://127.0.0.1:{proxy.port}/{REDIS_DB}"


def test_without_redis_five_workers_serve_no_withdrawn_report(pg, static_root, tmp_path, report, moderator):
    with warmed_site(pg, static_root, tmp_path, report) as site:
        workflow.withdraw(report, moderator, "ошибка в цифрах")
        assert site.hammer("after") == {}
        # Several processes and no shared cache: the page cache said at start-up that it is off.
        assert "Public page cache is OFF: 5 worker processes and no shared cache" in site.server.log()


def test_with_redis_five_workers_serve_no_withdrawn_report(pg, static_root, tmp_path, redis_proxy, report, moderator):
    with warmed_site(pg, static_root, tmp_path, report, _redis_url(redis_proxy)) as site:
        assert site.etags.keys() >= {"page", "api", "list", "feed", "city"}  # the pages were cached
        workflow.withdraw(report, moderator, "ошибка в цифрах")
        assert site.hammer("after") == {}


def test_redis_refusing_then_hanging_during_the_withdrawal(pg, static_root, tmp_path, redis_proxy, report, moderator):
    import redis

    with warmed_site(pg, static_root, tmp_path, report, _redis_url(redis_proxy)) as site:
        kept = redis.Redis(*REDIS, db=REDIS_DB).dbsize()
        assert kept >= 2  # the list and the feed with the report are in Redis, and stay there

        redis_proxy.refuse()
        for name in site.urls:  # still published: served, by rendering
            assert site.shows_report(name, site.get(name)), name
        redis_proxy.hang()
        workflow.withdraw(report, moderator, "ошибка в цифрах")
        assert site.hammer("Redis hangs") == {}
        redis_proxy.refuse()
        assert site.hammer("Redis refuses") == {}
        redis_proxy.forward()  # back, with every page of before the withdrawal in it
        assert redis.Redis(*REDIS, db=REDIS_DB).dbsize() >= kept
        assert site.hammer("Redis is back") == {}
        assert "WORKER TIMEOUT" not in site.server.log()


def test_junk_parameters_and_made_up_cookies_are_served_from_one_cached_copy(
    pg, static_root, tmp_path, redis_proxy, report
):
    """The page cache's other finding: 400 requests with junk parameters filled 3 MB of cache in
    30 s, and any `Cookie: sessionid=x` was served uncached, rendered every time."""
    import redis

    server = _start(pg, static_root, tmp_path, _redis_url(redis_proxy))
    try:
        store = redis.Redis(*REDIS, db=REDIS_DB)
        first = server.get("/reports/?year=2024", headers=HEADERS)
        assert first.status == 200
        keys = store.dbsize()
        hits = 0
        for n in range(200):
            response = server.get(f"/reports/?utm_source=n{n}&year=2024&junk{n}={n}", headers=HEADERS)
            assert response.status == 200
            assert response.body == first.body  # the same page: the junk never reached it
            hits += response.getheader("X-Page-Cache") == "hit"
        assert store.dbsize() == keys  # not one more copy in Redis
        assert hits >= 200 - WORKERS  # each worker fetches it from Redis once, then from memory
        for cookie in ("sessionid=x", "sessionid=" + "a" * 32, "sessionid="):
            response = server.get("/reports/?year=2024", headers=dict(HEADERS, Cookie=cookie))
            assert response.status == 200 and response.getheader("X-Page-Cache") == "hit", cookie
    finally:
        server.stop()
