"""Real gunicorn processes with the production settings, for tests that need them.

`GunicornServer` starts `gunicorn -c gunicorn.conf.py portal.wsgi` (DEBUG off, secure
cookies, the manifest static storage) against the test database; `TcpProxy` stands
between it and PostgreSQL so a test can make the database refuse connections or hang.
`Browserless` is a tiny HTTP client that handles the secure cookies and CSRF of the
production settings over plain HTTP (it says X-Forwarded-Proto: https, as nginx would).
"""

from __future__ import annotations

import http.client
import os
import re
import select
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]


REDIS = ("127.0.0.1", 6379)


def redis_answers() -> bool:
    """Whether a Redis listens on 127.0.0.1:6379 (.ci/run starts one)."""
    try:
        with socket.create_connection(REDIS, timeout=0.5):
            return True
    except OSError:
        return False


def database_url(settings_dict) -> str:
    """The test database (PostgreSQL) as a DATABASE_URL for a process of its own."""
    user = settings_dict["USER"] or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TcpProxy:
    """127.0.0.1:port → target, switchable to "refuse" (port closed) or "hang" (never answers)."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.mode = "forward"
        self._listener: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._open()

    def _open(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            with self._lock:
                self._conns.append(client)
            if self.mode in ("hang", "freeze"):
                continue  # accepted by the kernel and by us, never answered
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns.append(upstream)
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a, b):
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 0.2)
                if self.mode == "freeze":
                    continue  # open connections stay open, and nothing gets through either way
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    (b if s is a else a).sendall(data)
        except (OSError, ValueError):  # a socket closed by _drop_connections (fd -1 in select)
            return
        finally:
            for s in (a, b):
                try:
                    s.close()
                except OSError:
                    pass

    def _drop_connections(self):
        with self._lock:
            conns, self._conns = self._conns, []
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def refuse(self):
        """The database is down: connections refused, open ones cut."""
        self.mode = "refuse"
        if self._listener:
            # shutdown() first: on Linux a plain close() leaves a socket that another
            # thread is blocked in accept() on still listening.
            try:
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._listener.close()
            self._listener = None
        self._drop_connections()

    def freeze(self):
        """The database goes silent: open connections stay open but nothing passes any more, and
        new ones are accepted and never answered (a network partition, a frozen host)."""
        self.mode = "freeze"

    def hang(self):
        """The database host hangs: connections are accepted and never answered."""
        self._drop_connections()
        self.mode = "hang"
        if self._listener is None:
            self._open()

    def forward(self):
        """The database is back."""
        self._drop_connections()
        self.mode = "forward"
        if self._listener is None:
            self._open()

    def close(self):
        self.refuse()


def production_env(database_url: str, static_root: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY="live-test-secret-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_LOG_FORMAT="json",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def collectstatic(static_root: Path, database_url: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=production_env(database_url, static_root),
        check=True,
        timeout=120,
    )


class GunicornServer:
    def __init__(self, env: dict, workers: int = 1, log_path: Path | None = None):
        self.port = free_port()
        env = dict(env, GUNICORN_BIND=f"127.0.0.1:{self.port}", GUNICORN_WORKERS=str(workers))
        self.log_path = log_path
        self._log = open(log_path, "wb") if log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "portal.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._wait_up()

    def _wait_up(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}: {self.log()}")
            try:
                if self.get("/healthz").status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not come up: " + self.log())

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def request(self, method, path, body=None, headers=None, timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            response.body = response.read()
            return response
        finally:
            conn.close()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        if self._log is not subprocess.DEVNULL:
            self._log.close()


class Browserless:
    """Cookies and CSRF by hand: the production cookies are Secure, so urllib would drop them."""

    def __init__(self, server: GunicornServer, client_address: str | None = None):
        self.server = server
        self.cookies: dict[str, str] = {}
        self.client_address = client_address  # as a trusted proxy would pass it (X-Forwarded-For)

    def _headers(self, extra=None):
        headers = {"X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{self.server.port}"}
        if self.client_address:
            headers["X-Forwarded-For"] = self.client_address
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def _remember(self, response):
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]

    def get(self, path):
        response = self.server.get(path, headers=self._headers())
        self._remember(response)
        return response

    def post_form(self, path, data: dict):
        page = self.get(path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1).decode()
        body = urlencode(dict(data, csrfmiddlewaretoken=token))
        response = self.server.request(
            "POST",
            path,
            body=body,
            headers=self._headers(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Referer": f"https://127.0.0.1:{self.server.port}{path}",
                }
            ),
        )
        self._remember(response)
        return response
