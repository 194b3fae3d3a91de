#!/usr/bin/env python3
"""`make bench`: the public pages under load, each compared with a trivial view (docs/performance.md).

Starts gunicorn with the production settings (DEBUG off, the manifest static storage, the
Redis cache when one answers) against a PostgreSQL database filled by
`manage.py generate_demo_data`, then loads one page at a time with wrk from a separate
process: the trivial view first (a constant 20 KB page through the same middleware,
devtools/yardstick.py), then home, the filtered list, a report page from the cache, report pages
on a cold cache, a municipality, search, the API list and the API detail, and the trivial
view once more to see whether the machine drifted. Then the server is started again with
every cache off (DJANGO_PUBLIC_PAGE_CACHE=0) and the pages are loaded once more, each over
many different addresses where there are many (reports, cities, API records): the cold
figures. For each page: requests per second, p50 and p99, errors, and the ratio to the
trivial view of the same server. The table goes to docs/bench-<reports>.md and to stdout.

    python -m devtools.bench [--database-url URL] [--connections 16] [--duration 20]
                            [--threads 2] [--output docs/bench-N.md] [--json [PATH]]
                            [--ensure-reports 40000 --years 20]

devtools/loadtest.py reuses the server and wrk helpers below.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlencode

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/portal_bench"
# The benchmark's own Redis database: it is flushed before the cold-cache run.
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"
HEADERS = {"X-Forwarded-Proto": "https"}  # as nginx says it; the production settings trust it
ITEM_TABLES = ("reports_achievement", "reports_problem", "reports_task", "reports_proposal")
WRK_MARK = "BENCH_JSON "

# wrk script: every thread walks the path list from its own offset (one path: a fixed page;
# many: one report after another, so that most requests miss the page cache) and, when
# done, prints the exact figures as one JSON line (more reliable than parsing wrk's text).
WRK_LUA = r"""
local paths = {}
local counter = 0
local thread_count = 0
local threads = {}
-- per thread (globals, read by done() through thread:get): X-Page-Cache of the responses
hits, misses = 0, 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("number", thread_count)
  threads[#threads + 1] = thread
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  local number = wrk.thread:get("number") or 1
  local total = tonumber(args[2]) or 1
  -- threads start evenly apart in the list, so they do not ask for the same pages
  counter = math.floor((number - 1) * #paths / total)
end

function request()
  counter = counter + 1
  return wrk.format(nil, paths[(counter % #paths) + 1])
end

function response(status, headers, body)
  local cached = headers["X-Page-Cache"] or headers["x-page-cache"]
  if cached == "hit" then hits = hits + 1 elseif cached then misses = misses + 1 end
end

function done(summary, latency, requests)
  local e = summary.errors
  local all_hits, all_misses = 0, 0
  for _, thread in ipairs(threads) do
    all_hits = all_hits + (thread:get("hits") or 0)
    all_misses = all_misses + (thread:get("misses") or 0)
  end
  io.write(string.format(
    '%s{"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,' ..
    '"max_us":%d,"mean_us":%.1f,"cache_hits":%d,"cache_misses":%d}\n',
    "__MARK__", summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean, all_hits, all_misses))
end
""".replace("__MARK__", WRK_MARK)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


# --- the database ---------------------------------------------------------------------------


def pg_connect(url: str, **kwargs):
    import psycopg

    return psycopg.connect(url, connect_timeout=5, **kwargs)


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?", 1)[0]


def django_env(database_url: str, **extra) -> dict:
    """For manage.py commands that only touch the database (migrate, generate_demo_data)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(DATABASE_URL=database_url, DJANGO_DEBUG="1", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def report_count(database_url: str) -> int | None:
    """Reports in the database; None if the database or its tables do not exist yet."""
    import psycopg

    try:
        with pg_connect(database_url) as conn:
            return conn.execute("SELECT count(*) FROM reports_report").fetchone()[0]
    except psycopg.errors.UndefinedTable:
        return None
    except psycopg.OperationalError as error:
        if "does not exist" in str(error):
            return None
        raise


def ensure_data(database_url: str, reports: int, years: int) -> None:
    """Create the database if missing, migrate it, and generate `reports` reports unless it has them."""
    import psycopg

    name = database_name(database_url)
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with pg_connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            say(f"Создаю базу {name}")
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=django_env(database_url),
        check=True,
    )
    have = report_count(database_url) or 0
    if have == reports:
        say(f"В базе {name} уже {have} отчётов: генерация не нужна")
        ensure_renderings(database_url)
        return
    municipalities = max(1, -(-reports // years))
    say(
        f"В базе {name} {have} отчётов, нужно {reports}: генерирую {municipalities} муниципалитетов × {years} лет "
        "(на 350 000 отчётов это десятки минут)"
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "generate_demo_data",
            "--clear",
            "--municipalities",
            str(municipalities),
            "--years",
            str(years),
            "--seed",
            "1",
        ],
        cwd=ROOT,
        env=django_env(database_url),
        check=True,
    )
    with pg_connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def ensure_renderings(database_url: str) -> None:
    """The stored public renderings of every published report, as the entrypoint makes them after a
    deployment (a database generated or migrated by an older release may lack them)."""
    say("Готовый вид опубликованных отчётов (render_public_pages)…")
    subprocess.run(
        [sys.executable, "manage.py", "render_public_pages", "--jobs", str(os.cpu_count() or 1)],
        cwd=ROOT,
        env=django_env(database_url),
        check=True,
    )


@dataclass
class Targets:
    """The real addresses to load, picked from the data (deterministically: the same data, the same pages)."""

    report: str
    report_id: int
    municipality: str
    region: str
    year: int
    search_word: str
    cold_reports: list[str]
    cold_api: list[str]
    cold_municipalities: list[str]
    regen_count: int = 0


def data_counts(database_url: str) -> dict:
    with pg_connect(database_url) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        counts = {
            "reports": one("SELECT count(*) FROM reports_report"),
            "published": one("SELECT count(*) FROM reports_report WHERE status = 'published'"),
            "municipalities": one("SELECT count(*) FROM reports_municipality"),
            "items": sum(one(f"SELECT count(*) FROM {table}") for table in ITEM_TABLES),
            "events": one("SELECT count(*) FROM reports_reportevent"),
            "search_documents": one("SELECT count(*) FROM reports_searchdocument"),
            "report_terms": one("SELECT count(*) FROM reports_reportterms"),
        }
        # (A database of a release before the stored renderings has none: measured for comparison.)
        if one("SELECT to_regclass('reports_reportrendering') IS NOT NULL"):
            counts["renderings"] = one("SELECT count(*) FROM reports_reportrendering") + one(
                "SELECT count(*) FROM reports_municipalityrendering"
            )
        counts["postgres"] = one("SHOW server_version")
    return counts


def data_fingerprint(database_url: str) -> dict:
    """Counts plus a digest of every report's row: what a crash must not change."""
    fingerprint = data_counts(database_url)
    fingerprint.pop("postgres", None)
    with pg_connect(database_url) as conn:
        fingerprint["reports_digest"] = conn.execute(
            "SELECT md5(coalesce(string_agg(id || ':' || status || ':' || version || ':' || updated_at, ',' "
            "ORDER BY id), '')) FROM reports_report"
        ).fetchone()[0]
    return fingerprint


def common_words(conn, count: int = 1, sample: int = 3000) -> list[str]:
    """The words found in the most documents of an even sample of the search index (≥ 6 letters)."""
    low, high = conn.execute(
        "SELECT min(id), max(id) FROM reports_searchdocument WHERE section <> 'municipality'"
    ).fetchone()
    if low is None:
        raise BenchError("Поисковый индекс пуст: нечего искать (manage.py rebuild_search_index?)")
    step = max(1, (high - low) // sample)
    rows = conn.execute(
        "SELECT text FROM reports_searchdocument WHERE id = ANY(%s) AND section <> 'municipality'",
        [list(range(low, high + 1, step))],
    ).fetchall()
    documents = collections.Counter()
    for (text,) in rows:
        documents.update(set(re.findall(r"[а-яё]{6,}", text.lower())))
    return [word for word, _ in documents.most_common(count)]


def pick_targets(database_url: str, cold_count: int, search_word: str | None = None) -> Targets:
    with pg_connect(database_url) as conn:
        row = conn.execute(
            """
            SELECT r.id, m.slug, r.year, m.region
            FROM reports_report r JOIN reports_municipality m ON m.id = r.municipality_id
            WHERE r.status = 'published' AND m.region <> ''
              AND r.year = (SELECT max(year) FROM reports_report WHERE status = 'published')
            ORDER BY md5(r.id::text) LIMIT 1
            """
        ).fetchone()
        if row is None:
            raise BenchError(
                "В базе нет опубликованных отчётов с регионом. Заполните её: "
                "manage.py generate_demo_data (или make bench, который делает это сам)."
            )
        report_id, slug, year, region = row
        cold = conn.execute(
            """
            SELECT '/reports/' || m.slug || '/' || r.year || '/', r.id
            FROM reports_report r JOIN reports_municipality m ON m.id = r.municipality_id
            WHERE r.status = 'published' AND r.id <> %s
            ORDER BY md5(r.id::text || 'cold') LIMIT %s
            """,
            [report_id, cold_count],
        ).fetchall()
        cities = conn.execute(
            """
            SELECT '/municipalities/' || m.slug || '/' FROM reports_municipality m
            WHERE EXISTS (SELECT 1 FROM reports_report r WHERE r.municipality_id = m.id AND r.status = 'published')
            ORDER BY md5(m.id::text || 'cold') LIMIT %s
            """,
            [cold_count],
        ).fetchall()
        word = search_word or common_words(conn)[0]
    return Targets(
        report=f"/reports/{slug}/{year}/",
        report_id=report_id,
        municipality=f"/municipalities/{slug}/",
        region=region,
        year=year,
        search_word=word,
        cold_reports=[path for path, _id in cold],
        cold_api=[f"/api/reports/{pk}/" for _path, pk in cold],
        cold_municipalities=[path for (path,) in cities],
    )


def pages(targets: Targets) -> list[dict]:
    """The benchmark with the caches on, in order. `paths` of more than one entry are rotated
    through; `cold`: the cache is emptied first; `regen`: the pages are served for a while (each
    2 × workers times), then another city's report of the newest year is published (what that
    does to the cache: the generations of its scopes move on)."""
    list_query = urlencode({"region": targets.region, "year": targets.year})
    one = lambda key, title, path: {"key": key, "title": title, "paths": [path]}  # noqa: E731
    return [
        one("trivial", "Пустая страница (эталон)", "/bench/trivial"),
        one("home", "Главная", "/"),
        one("list", "Список с фильтрами", f"/reports/?{list_query}"),
        one("report", "Отчёт (из кэша)", targets.report),
        {"key": "report_cold", "title": "Отчёт (холодный кэш)", "paths": targets.cold_reports, "cold": True},
        {
            "key": "report_regen",
            "title": "Отчёт сразу после публикации другого отчёта",
            "paths": targets.cold_reports[: targets.regen_count],
            "regen": True,
        },
        one("municipality", "Муниципалитет", targets.municipality),
        {
            "key": "municipality_cold",
            "title": "Муниципалитет (холодный кэш)",
            "paths": targets.cold_municipalities,
            "cold": True,
        },
        one("search", "Поиск", f"/search/?q={quote(targets.search_word)}"),
        one("api_list", "API: список", f"/api/reports/?year={targets.year}"),
        one("api_detail", "API: отчёт", f"/api/reports/{targets.report_id}/"),
        {"key": "api_detail_cold", "title": "API: отчёт (холодный кэш)", "paths": targets.cold_api, "cold": True},
        one("feed", "Лента", "/feed/"),
        one("trivial_end", "Пустая страница (повтор)", "/bench/trivial"),
    ]


def pages_off(targets: Targets) -> list[dict]:
    """The same pages with every cache off (DJANGO_PUBLIC_PAGE_CACHE=0): every request renders."""
    list_query = urlencode({"region": targets.region, "year": targets.year})
    one = lambda key, title, path: {"key": key, "title": title, "paths": [path]}  # noqa: E731
    return [
        one("off_trivial", "Пустая страница (эталон)", "/bench/trivial"),
        one("off_home", "Главная", "/"),
        one("off_list", "Список с фильтрами", f"/reports/?{list_query}"),
        {"key": "off_report", "title": "Отчёт", "paths": targets.cold_reports},
        {"key": "off_municipality", "title": "Муниципалитет", "paths": targets.cold_municipalities},
        one("off_search", "Поиск", f"/search/?q={quote(targets.search_word)}"),
        one("off_api_list", "API: список", f"/api/reports/?year={targets.year}"),
        {"key": "off_api_detail", "title": "API: отчёт", "paths": targets.cold_api},
        one("off_feed", "Лента", "/feed/"),
        one("off_trivial_end", "Пустая страница (повтор)", "/bench/trivial"),
    ]


# Targets of issue 11 (16 connections): minimum ratio to the trivial view, maximum p99 — p99 ≤ 100 ms
# for every page, with the caches on and off.
GOALS = {
    "report": {"ratio": 0.85},
    "report_cold": {"ratio": 0.25},
    "report_regen": {"ratio": 0.35},
    "municipality_cold": {"ratio": 0.15},
    "api_detail_cold": {"ratio": 0.3},
    "off_report": {"ratio": 0.25},
    "off_municipality": {"ratio": 0.15},
    "off_api_detail": {"ratio": 0.3},
}
P99_MS = 100


# --- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except Exception:
        return False


def new_generation(database_url: str, *scopes: str) -> None:
    """What a change does to the page cache: the generations of its scopes move on
    (reports.publication.advance), so no cached page of those scopes is current any more."""
    with pg_connect(database_url, autocommit=True) as conn:
        for scope in scopes:
            conn.execute(
                "INSERT INTO reports_publicgeneration (scope, number, changed_at) VALUES "
                "(%s, (extract(epoch from clock_timestamp()) * 1000000)::bigint, now()) "
                "ON CONFLICT (scope) DO UPDATE SET number = greatest(reports_publicgeneration.number + 1, "
                "(extract(epoch from clock_timestamp()) * 1000000)::bigint), changed_at = now()",
                [scope],
            )


def publication_elsewhere(database_url: str, paths: list[str]) -> str:
    """What publishing one more report does to the page cache: the lists, the report's city (one
    of none of `paths`) and its year (the newest, as in real life) get a new generation."""
    with pg_connect(database_url) as conn:
        year = conn.execute("SELECT max(year) FROM reports_report WHERE status = 'published'").fetchone()[0]
        slugs = [slug for (slug,) in conn.execute("SELECT slug FROM reports_municipality ORDER BY md5(slug) LIMIT 200")]
    taken = {path.split("/")[2] for path in paths}
    city = next(slug for slug in slugs if slug not in taken)
    new_generation(database_url, "lists", f"city:{city}", f"year:{year}")
    return f"{city} {year}"


def warm(server, paths: list[str], workers: int = 8) -> int:
    """GET every path once (in parallel); returns how many answered 200."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers) as pool:
        return sum(1 for status, _body in pool.map(server.get, paths) if status == 200)


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=5).flushdb()


def children(pid: int) -> list[int]:
    """PIDs whose parent is `pid` (gunicorn's workers are the master's children)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry))
    return sorted(found)


class Server:
    """gunicorn -c gunicorn.conf.py portal.wsgi with the production settings, on a free loopback port."""

    def __init__(
        self,
        database_url: str,
        workdir: Path,
        workers: int,
        cache_url: str | None,
        access_log: bool = False,
        max_requests: int | None = None,
        settings_module: str | None = None,
        static_root: Path | None = None,
        extra: list[str] = (),
        extra_env: list[str] = (),
    ):
        self.port = free_port()
        self.workers = workers
        self.workdir = workdir
        self.log_path = workdir / "gunicorn.log"
        static_root = static_root or workdir / "static"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
        env.update(
            DATABASE_URL=database_url,
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_SECURE_SSL_REDIRECT="0",
            DJANGO_BENCH="1",
            DJANGO_STATIC_ROOT=str(static_root),
            DJANGO_CACHE_URL=cache_url or "",
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            GUNICORN_WORKERS=str(workers),
            GUNICORN_ACCESS_LOG="1" if access_log else "0",
            PYTHONUNBUFFERED="1",
        )
        if max_requests is not None:
            env["GUNICORN_MAX_REQUESTS"] = str(max_requests)
        if settings_module:
            env["DJANGO_SETTINGS_MODULE"] = settings_module
        for item in extra_env:
            name, _, value = item.partition("=")
            env[name.strip()] = value
        self.env = env
        if not (static_root / "staticfiles.json").exists():
            say("collectstatic во временный каталог…")
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=ROOT,
                env=env,
                check=True,
                timeout=300,
            )
        # The project's gunicorn.conf.py as it is, with the access log switched off unless asked
        # for: one log line per request would be measured too.
        config = workdir / "gunicorn.bench.conf.py"
        config.write_text(
            f"_path = {str(ROOT / 'gunicorn.conf.py')!r}\n"
            "exec(compile(open(_path).read(), _path, 'exec'))\n"
            + ("" if access_log else "accesslog = None\n")
            + "".join(f"{name.strip()} = {value.strip()}\n" for name, _, value in (e.partition("=") for e in extra))
        )
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(config), "portal.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def boots_since(self, offset: int) -> int:
        """Workers booted since the log had `offset` bytes: restarts (max_requests, crashes)."""
        with open(self.log_path, "rb") as log:
            log.seek(offset)
            return log.read().count(b"Booting worker with pid")

    def worker_pids(self) -> list[int]:
        return children(self.process.pid)

    def wait_ready(self, timeout: float = 120) -> None:
        """Until /readyz answers 200 and every worker has booted."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn завершился с кодом {self.process.returncode}:\n{self.log_tail()}")
            try:
                if self.get("/readyz", timeout=5)[0] == 200 and len(self.worker_pids()) >= self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise BenchError("gunicorn не поднялся:\n" + self.log_tail())

    def get(self, path: str, timeout: float = 30) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", path, headers=HEADERS)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


# --- wrk ------------------------------------------------------------------------------------


def wrk_binary() -> str:
    path = shutil.which("wrk")
    if not path:
        raise BenchError(
            "Нет программы wrk (генератор нагрузки). Поставьте её: sudo apt-get install -y wrk "
            "(Debian/Ubuntu) или brew install wrk (macOS)."
        )
    return path


def wrk_version() -> str:
    out = subprocess.run([wrk_binary(), "-v"], capture_output=True, text=True)
    return (out.stdout + out.stderr).strip().splitlines()[0] if (out.stdout + out.stderr).strip() else "?"


@dataclass
class Result:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    error_kinds: dict
    bytes: int
    cache_hits: int = 0  # responses with X-Page-Cache: hit (portal/page_cache.py)
    cache_misses: int = 0
    text: str = ""

    def as_dict(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k != "text"}
        return data


def run_wrk(
    base_url: str,
    paths: list[str],
    workdir: Path,
    *,
    connections: int,
    threads: int,
    duration: float,
    timeout: float = 10,
) -> Result:
    """Load `paths` (rotated) for `duration` seconds; exact figures from the Lua done() hook."""
    script = workdir / "bench.lua"
    if not script.exists():
        script.write_text(WRK_LUA)
    path_file = workdir / f"paths-{os.getpid()}-{time.monotonic_ns()}.txt"
    path_file.write_text("\n".join(paths) + "\n")
    threads = max(1, min(threads, connections))
    command = [
        wrk_binary(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        f"--timeout={max(1, round(timeout))}s",
        "--latency",
        "-H",
        "X-Forwarded-Proto: https",
        "-s",
        str(script),
        base_url + paths[0],
        "--",
        str(path_file),
        str(threads),
    ]
    out = subprocess.run(command, capture_output=True, text=True, timeout=duration + timeout + 60)
    path_file.unlink(missing_ok=True)
    line = next((row for row in out.stdout.splitlines() if row.startswith(WRK_MARK)), None)
    if out.returncode != 0 or line is None:
        raise BenchError(f"wrk завершился с кодом {out.returncode}:\n{out.stdout}\n{out.stderr}")
    data = json.loads(line[len(WRK_MARK) :])
    seconds = data["duration_us"] / 1e6
    kinds = {k: data[k] for k in ("connect", "read", "write", "timeout", "status")}
    return Result(
        requests=data["requests"],
        seconds=round(seconds, 2),
        rps=round(data["requests"] / seconds, 1) if seconds else 0.0,
        p50_ms=round(data["p50_us"] / 1000, 1),
        p90_ms=round(data["p90_us"] / 1000, 1),
        p99_ms=round(data["p99_us"] / 1000, 1),
        max_ms=round(data["max_us"] / 1000, 1),
        errors=sum(kinds.values()),
        error_kinds=kinds,
        bytes=data["bytes"],
        cache_hits=data["cache_hits"],
        cache_misses=data["cache_misses"],
        text=out.stdout.replace(line, "").strip(),
    )


# --- the report -----------------------------------------------------------------------------


def git_commit() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
        return commit + (" (+ незакоммиченные изменения)" if dirty.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "?"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def fmt_int(number: float) -> str:
    return f"{number:,.0f}".replace(",", " ")


def judge(row: dict) -> dict:
    """The page against its targets of issue 11: {"text": "доля ≥ 0.25, p99 ≤ 100 мс", "ok": bool}."""
    goal = GOALS.get(row["key"], {})
    result, parts, ok = row["result"], [], row["result"]["errors"] == 0
    if "ratio" in goal:
        parts.append(f"доля ≥ {goal['ratio']}")
        ok = ok and row["ratio"] >= goal["ratio"]
    # Every page with the caches on; with them off, the pages with a cold target (the others, such as
    # the home page's counts over every published report, are what the caches are for).
    timed = not row["key"].startswith("off_") or row["key"] in GOALS
    if timed and not row["key"].endswith(("trivial", "trivial_end")):
        parts.append(f"p99 ≤ {P99_MS} мс")
        ok = ok and result["p99_ms"] <= P99_MS
    return {"text": ", ".join(parts + ["без ошибок"]), "ok": ok}


def hit_share(result: dict) -> str:
    """Share of responses the page cache answered (X-Page-Cache: hit); "—" for pages it does not cover."""
    seen = result["cache_hits"] + result["cache_misses"]
    return f"{result['cache_hits'] / seen:.0%}" if seen else "—"


def _table(phase: dict) -> list[str]:
    lines = [
        f"## {phase['title']}",
        "",
        "| Страница | URL | запр/с | p50, мс | p99, мс | ошибки | доля от пустой | из кэша | КБ | перезапуски | цель |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in phase["pages"]:
        result = row["result"]
        url = unquote(row["url"])
        if row["url_count"] > 1:
            url = f"{url} … ({fmt_int(row['url_count'])} адресов)"
        verdict = row["goal"]
        errors = str(result["errors"])
        if result["errors"]:
            errors += " (" + ", ".join(f"{k} {v}" for k, v in result["error_kinds"].items() if v) + ")"
        lines.append(
            f"| {row['title']} | `{url}` | {fmt_int(result['rps'])} | {result['p50_ms']:.1f} | "
            f"{result['p99_ms']:.1f} | {errors} | {row['ratio']:.2f} | {hit_share(result)} | {row['size_kb']:.1f} | "
            f"{row['restarts']} | {'✅' if verdict['ok'] else '❌'} {verdict['text']} |"
        )
    lines += [
        "",
        f"Эталон — пустая страница: {fmt_int(phase['trivial_rps'])} запр/с (среднее первого и последнего "
        f"прогона; последний отличается от первого на {phase['drift_pct']:+.1f} %).",
        "",
    ]
    return lines


def markdown(report: dict) -> str:
    meta = report["meta"]
    counts = meta["data"]
    lines = [
        f"# Замер: {fmt_int(counts['reports'])} отчётов",
        "",
        f"- Дата: {meta['date']}; коммит: {meta['commit']}",
        f"- Данные (база {meta['database']}): отчётов {fmt_int(counts['reports'])} "
        f"(опубликовано {fmt_int(counts['published'])}), муниципалитетов {fmt_int(counts['municipalities'])}, "
        f"пунктов {fmt_int(counts['items'])}, поисковых документов {fmt_int(counts['search_documents'])}, "
        f"готовых видов {fmt_int(counts.get('renderings', 0))}; PostgreSQL {counts['postgres']}",
        f"- Машина: процессорных ядер {meta['cpus']} ({meta['cpu_model']}); средняя загрузка перед замером "
        f"{meta['loadavg_before']}, после {meta['loadavg_after']}; Python {meta['python']}; {meta['wrk']}",
        f"- gunicorn: sync-процессов {meta['workers']}, max_requests {meta['max_requests']}, "
        f"журнал запросов {'включён' if meta['access_log'] else 'выключен'}"
        + (f", дополнительно: {meta['gunicorn_extra']}" if meta["gunicorn_extra"] else "")
        + f"; кэш: {meta['cache']}"
        + (f"; переменные окружения: {meta['env_extra']}" if meta.get("env_extra") else ""),
        f"- Нагрузка: wrk на той же машине, соединений {meta['connections']}, потоков {meta['threads']}, "
        f"{meta['duration']:g} с на страницу (перед ней {meta['warmup']:g} с разогрева), тайм-аут {meta['timeout']:g} с",
        f"- Слово для поиска: «{meta['search_word']}»; разных адресов в холодных прогонах: {fmt_int(meta['cold_urls'])}",
        "",
    ]
    for phase in report["phases"]:
        lines += _table(phase)
    lines += [
        "«Доля» — запросов в секунду страницы, делённые на эталон того же сервера. «Холодный кэш» — "
        "много разных адресов после очистки кэша; «сразу после публикации» — после того, как поколение "
        "опубликованного сдвинулось (все страницы в кэше устарели). «Перезапуски» — сколько процессов "
        "gunicorn перезапустилось за прогон страницы (max_requests). «Из кэша» — доля ответов с заголовком "
        "X-Page-Cache: hit.",
    ]
    if report.get("notes"):
        lines += [""] + [f"- {note}" for note in report["notes"]]
    return "\n".join(lines) + "\n"


# --- the run --------------------------------------------------------------------------------


def preflight(server: Server, page: dict) -> float:
    """One request to the page's first address: it must answer 200. Returns the size in KB."""
    status, body = server.get(page["paths"][0])
    if status != 200:
        hint = ""
        if page["key"].startswith("trivial") and status == 404:
            hint = (
                "\nПустая страница не подключена: в portal/urls.py нужен путь bench/trivial "
                "при BENCH_ENABLED (DJANGO_BENCH=1), см. docs/performance.md."
            )
        raise BenchError(f"{page['title']}: {page['paths'][0]} отвечает {status}{hint}")
    return len(body) / 1024


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def measure(server: Server, plan: list[dict], args, workdir: Path, cache_url, notes: list[str]) -> None:
    """Load each page of the plan in turn; fills in page["result"], ["restarts"], ["size_kb"], ["url"]."""
    for page in plan:
        page["size_kb"] = preflight(server, page)
    run_kwargs = {"connections": args.connections, "threads": args.threads, "timeout": args.timeout}
    for page in plan:
        if page.get("cold"):
            if cache_url:
                flush_redis(cache_url)
            new_generation(args.database_url, "all")  # and the pages in each process's memory
        elif page.get("regen"):
            # Pages that the site has been serving: each asked for often enough to be in the memory
            # of the worker processes (a report page is kept in process memory, portal/page_cache.py).
            started = time.monotonic()
            rounds = 2 * args.workers
            warm(server, page["paths"] * rounds)
            say(
                f"    {len(page['paths'])} отчётов запрошено по {rounds} раз за {time.monotonic() - started:.0f} с; "
                f"публикация: {publication_elsewhere(args.database_url, page['paths'])}"
            )
        elif args.warmup > 0:
            run_wrk(server.base_url, page["paths"], workdir, duration=args.warmup, **run_kwargs)
        say(f"… {page['title']}: {unquote(page['paths'][0])}")
        log_mark = server.log_size()
        result = run_wrk(server.base_url, page["paths"], workdir, duration=args.duration, **run_kwargs)
        page["restarts"] = server.boots_since(log_mark)
        page["result"] = result.as_dict()
        page["url"] = page["paths"][0]
        say(
            f"    {result.rps:.0f} запр/с, p50 {result.p50_ms} мс, p99 {result.p99_ms} мс, ошибок {result.errors}, "
            f"из кэша {hit_share(result.as_dict())}"
            + (f" {result.error_kinds}" if result.errors else "")
            + (f", перезапусков процессов {page['restarts']}" if page["restarts"] else "")
        )
        if result.requests == 0:
            notes.append(f"{page['title']}: ни одного ответа за {args.duration:g} с.")
        seen = result.cache_hits + result.cache_misses
        if page.get("cold") and seen and result.cache_hits / seen > 0.05:
            notes.append(
                f"{page['title']}: {result.cache_hits / seen:.0%} ответов пришли из кэша — адресов "
                f"{fmt_int(len(page['paths']))} на {fmt_int(result.requests)} запросов (больше адресов: "
                "--cold-urls; в базе может не хватить отчётов или городов)."
            )
    if server.process.poll() is not None:
        raise BenchError("gunicorn упал во время замера:\n" + server.log_tail())


def summarize(title: str, plan: list[dict], notes: list[str]) -> dict:
    first = plan[0]["result"]["rps"]
    last = plan[-1]["result"]["rps"]
    trivial = (first + last) / 2
    drift = (last - first) / first * 100 if first else 0.0
    if abs(drift) > 10:
        notes.append(
            f"{title}: эталон в конце отличается от начала на {drift:+.0f} %: на машине шло что-то ещё "
            "или процессы gunicorn перезапускались (столбец «перезапуски»); цифры неточны, повторите замер."
        )
    for page in plan:
        page["ratio"] = round(page["result"]["rps"] / trivial, 3) if trivial else 0.0
        page["goal"] = judge(page)
    return {
        "title": title,
        # The cold runs' address lists are left out (thousands of lines): their sizes only.
        "pages": [{k: v for k, v in p.items() if k != "paths"} | {"url_count": len(p["paths"])} for p in plan],
        "trivial_rps": round(trivial, 1),
        "drift_pct": round(drift, 1),
    }


def run(args) -> dict:
    wrk_binary()
    if args.ensure_reports:
        ensure_data(args.database_url, args.ensure_reports, args.years)
    counts = data_counts(args.database_url)
    say(f"Данные: отчётов {counts['reports']} (опубликовано {counts['published']}), пунктов {counts['items']}")
    cold_count = args.cold_urls or max(2000, int(args.duration * 1000))
    targets = pick_targets(args.database_url, cold_count, args.search_word)
    targets.regen_count = min(cold_count, args.regen_urls or 1000)
    plans = [
        ("Кэши включены", pages(targets), []),
        ("Все кэши выключены", pages_off(targets), ["DJANGO_PUBLIC_PAGE_CACHE=0"]),
    ]
    if args.pages:
        wanted = set(args.pages.split(","))
        plans = [
            (title, [p for p in plan if p["key"] in wanted or p is plan[0] or p is plan[-1]], env)
            for title, plan, env in plans
        ]
        plans = [(title, plan, env) for title, plan, env in plans if len(plan) > 2]
    if args.no_off:
        plans = plans[:1]
    if args.only_off:
        plans = plans[1:]

    notes = []
    cache_url = None
    if args.cache_url.lower() not in ("", "none", "locmem") and redis_answers(args.cache_url):
        cache_url = args.cache_url
        flush_redis(cache_url)
        cache_name = f"Redis {cache_url} (очищается перед замером и перед холодными прогонами)"
    else:
        cache_name = "нет общего кэша (Redis не отвечает или отключён)"
        notes.append("Redis не использовался: при нескольких процессах кэш страниц выключен (portal/page_cache.py).")

    load_before = loadavg()
    workdir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    phases = []
    try:
        for title, plan, env in plans:
            server = Server(
                args.database_url,
                workdir,
                args.workers,
                cache_url,
                access_log=args.access_log,
                max_requests=args.max_requests,
                settings_module=args.settings,
                extra=args.gunicorn,
                extra_env=[*args.env, *env],
            )
            try:
                say(f"{title}. gunicorn: {server.base_url}, процессов {args.workers}, журнал {server.log_path}")
                measure(server, plan, args, workdir, cache_url, notes)
            finally:
                server.stop()
            phases.append(summarize(title, plan, notes))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            say(f"Временный каталог оставлен: {workdir}")

    restarts = sum(p["restarts"] for phase in phases for p in phase["pages"])
    if restarts:
        notes.append(
            f"За замер процессы gunicorn перезапускались {restarts} раз (max_requests). С preload_app (по умолчанию) "
            "новый процесс ответвляется от главного за миллисекунды; без него (GUNICORN_PRELOAD=0) каждый "
            "перезапуск — загрузка Django заново. Без перезапусков: --max-requests 0."
        )
    return {
        "meta": {
            "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "commit": git_commit(),
            "database": database_name(args.database_url),
            "data": counts,
            "cpus": os.cpu_count(),
            "cpu_model": cpu_model(),
            "loadavg_before": load_before,
            "loadavg_after": loadavg(),
            "python": platform.python_version(),
            "wrk": wrk_version(),
            "workers": args.workers,
            "max_requests": args.max_requests if args.max_requests is not None else "из gunicorn.conf.py",
            "access_log": args.access_log,
            "gunicorn_extra": ", ".join(args.gunicorn),
            "env_extra": ", ".join(args.env),
            "cache": cache_name,
            "connections": args.connections,
            "threads": args.threads,
            "duration": args.duration,
            "warmup": args.warmup,
            "timeout": args.timeout,
            "search_word": targets.search_word,
            "cold_urls": len(targets.cold_reports),
        },
        "phases": phases,
        "notes": notes,
    }


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    cpus = os.cpu_count() or 1
    p.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DB") or DEFAULT_DB,
        help=f"PostgreSQL с данными (BENCH_DB; по умолчанию {DEFAULT_DB})",
    )
    p.add_argument("--connections", type=int, default=16, help="одновременных соединений wrk (16)")
    p.add_argument("--duration", type=float, default=20, help="секунд на страницу (по умолчанию 20)")
    p.add_argument("--warmup", type=float, default=3, help="секунд разогрева перед каждой страницей (3)")
    p.add_argument("--threads", type=int, default=2, help="потоков wrk (2)")
    p.add_argument("--timeout", type=float, default=10, help="тайм-аут ответа в wrk, с (10)")
    p.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("GUNICORN_WORKERS") or 2 * cpus + 1),
        help=f"процессов gunicorn (GUNICORN_WORKERS; по умолчанию 2 × ядра + 1 = {2 * cpus + 1})",
    )
    p.add_argument(
        "--max-requests", type=int, default=None, help="GUNICORN_MAX_REQUESTS (0 — не перезапускать процессы)"
    )
    p.add_argument("--access-log", action="store_true", help="не выключать журнал запросов gunicorn")
    p.add_argument(
        "--cache-url",
        default=os.environ.get("BENCH_CACHE_URL") or DEFAULT_REDIS,
        help=f"Redis для кэша портала ({DEFAULT_REDIS}; эта база очищается!); none — без Redis",
    )
    p.add_argument("--cold-urls", type=int, default=0, help="сколько разных отчётов в холодном прогоне")
    p.add_argument(
        "--regen-urls",
        type=int,
        default=0,
        help="сколько разных отчётов в прогоне «сразу после публикации другого отчёта»",
    )
    p.add_argument("--search-word", default=None, help="слово для страницы поиска (по умолчанию самое частое)")
    p.add_argument(
        "--pages",
        default=None,
        help="только эти страницы (эталон — всегда): home,list,report,"
        "report_cold,report_regen,municipality,municipality_cold,search,api_list,api_detail,api_detail_cold,"
        "feed и с выключенными кэшами off_home,off_list,off_report,off_municipality,off_search,off_api_list,"
        "off_api_detail,off_feed",
    )
    p.add_argument("--no-off", action="store_true", help="без прогона с выключенными кэшами")
    p.add_argument("--only-off", action="store_true", help="только прогон с выключенными кэшами")
    p.add_argument(
        "--ensure-reports",
        type=int,
        default=0,
        help="создать базу, применить миграции и сгенерировать столько отчётов, если их другое число",
    )
    p.add_argument("--years", type=int, default=20, help="лет на муниципалитет при генерации (20)")
    p.add_argument("--output", default=None, help="Markdown (по умолчанию docs/bench-<отчётов>.md); - — не писать")
    p.add_argument("--json", nargs="?", const="-", default=None, help="ещё и JSON: в файл или (без значения) в stdout")
    p.add_argument(
        "--gunicorn",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="ещё одна настройка gunicorn поверх gunicorn.conf.py, например preload_app=True",
    )
    p.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="ещё одна переменная окружения портала, например DJANGO_PUBLIC_PAGE_CACHE=0",
    )
    p.add_argument("--settings", default=None, help=argparse.SUPPRESS)  # another DJANGO_SETTINGS_MODULE
    p.add_argument("--keep", action="store_true", help="не удалять временный каталог (журнал gunicorn)")
    return p


def main(argv=None) -> int:
    # A plain `kill` of this script still stops gunicorn (the finally blocks run).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args = parser().parse_args(argv)
    try:
        report = run(args)
    except BenchError as error:
        say(f"Ошибка: {error}")
        return 2
    text = markdown(report)
    output = args.output or f"docs/bench-{report['meta']['data']['reports']}.md"
    if output != "-":
        path = (ROOT / output) if not os.path.isabs(output) else Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        say(f"Записано: {path}")
    if args.json == "-":
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(text)
        if args.json:
            Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
