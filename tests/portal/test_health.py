"""Liveness and readiness probes."""

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext


@pytest.mark.django_db
def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_checks_the_database(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert any("SELECT 1" in q["sql"] for q in ctx.captured_queries)


@pytest.mark.django_db
def test_readyz_is_503_with_retry_after_when_the_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response.json()["database"] == "unreachable"


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
@pytest.mark.django_db
def test_probes_accept_only_get(client, url):
    assert client.post(url).status_code == 405


@pytest.mark.django_db
def test_wait_for_db_returns_when_the_database_answers(capsys):
    from django.core.management import call_command

    call_command("wait_for_db", "--timeout", "5")
    assert "отвечает" in capsys.readouterr().out


def test_gunicorn_config_is_sane(monkeypatch):
    import importlib.util
    from pathlib import Path

    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    path = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
    spec = importlib.util.spec_from_file_location("gunicorn_conf", path)
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    assert conf.workers == 3
    assert conf.accesslog == "-"
    assert conf.timeout > 5  # above the database connect timeout
    assert conf.limit_request_line and conf.limit_request_fields
