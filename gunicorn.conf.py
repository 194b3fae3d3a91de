"""gunicorn settings for the portal (read by `gunicorn -c gunicorn.conf.py portal.wsgi`).

Every value can be overridden from the environment (GUNICORN_*), so the same
file serves `make serve`, docker-compose and a bigger server.
"""

import multiprocessing
import os


def env(name: str, default) -> str:
    # An empty value (NAME= in an env file) counts as unset.
    return os.environ.get(name, "").strip() or str(default)


bind = env("GUNICORN_BIND", "0.0.0.0:8000")
# The usual 2 × cores + 1 sync workers: requests are short and database-bound.
workers = int(env("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Told to the portal: with several processes and no shared cache it turns its page cache off
# (portal/page_cache.py). The workers inherit the environment, with preload_app or without.
os.environ["PORTAL_SERVER_PROCESSES"] = str(workers)
# Well above the database connect timeout (DJANGO_DB_CONNECT_TIMEOUT, 5 s by default),
# so a database outage is answered with a 503 page before the worker would be killed.
timeout = int(env("GUNICORN_TIMEOUT", "30"))
# No statement of a web request may outlive the worker's own timeout on the server either
# (milliseconds; the portal's settings read it; management commands run without one).
if not os.environ.get("DJANGO_DB_STATEMENT_TIMEOUT_MS", "").strip():
    os.environ["DJANGO_DB_STATEMENT_TIMEOUT_MS"] = str(max(1, timeout - 5) * 1000)
graceful_timeout = int(env("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(env("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so a slow leak cannot grow forever.
# The jitter is half the limit: evenly loaded workers would otherwise all restart within
# the same second and leave nobody to answer (seen in `make bench`).
max_requests = int(env("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = int(env("GUNICORN_MAX_REQUESTS_JITTER", "5000"))
# Load Django once in the master and fork the workers from it: a recycled (or killed) worker is
# back in milliseconds instead of re-importing everything (~1 s of CPU each time, measured in
# `make bench`), and the workers share the loaded code's memory. Nothing opens a database or
# cache connection at import time, so no socket is shared across the fork. A code change then
# needs a restart of the whole server (as a container deploy does anyway). GUNICORN_PRELOAD=0
# turns it off.
preload_app = env("GUNICORN_PRELOAD", "1").lower() not in ("0", "false", "no", "off")
# Limits on what a client may send before Django even sees it.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# One JSON line per request on stdout; GUNICORN_ACCESS_LOG=0 turns it off (make bench does).
accesslog = None if env("GUNICORN_ACCESS_LOG", "1").lower() in ("0", "false", "no", "off") else "-"
errorlog = "-"
loglevel = env("GUNICORN_LOG_LEVEL", "info")
access_log_format = '{"remote":"%(h)s","request":"%(r)s","status":%(s)s,"bytes":"%(B)s","ms":%(M)s,"agent":"%(a)s"}'
forwarded_allow_ips = env("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
