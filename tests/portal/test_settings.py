"""Production settings are safe by default: they refuse to start rather than guess."""

import subprocess
import sys

import pytest

from .live import ROOT

PROBE = "import django; django.setup(); from django.conf import settings; print('DEBUG', settings.DEBUG)"


def run(env_overrides, *args):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    env.update(env_overrides)
    cmd = [sys.executable, *args] if args else [sys.executable, "-c", PROBE]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_refuses_to_start_without_a_secret_key_when_not_in_debug():
    result = run({"DJANGO_ALLOWED_HOSTS": "reports.example.org"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is not set" in result.stderr


def test_refuses_to_start_without_allowed_hosts_when_not_in_debug():
    result = run({"DJANGO_SECRET_KEY": "s" * 50})
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = run({"DJANGO_SECRET_KEY": "s" * 50, "DJANGO_ALLOWED_HOSTS": "reports.example.org"})
    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout


def test_development_starts_without_secrets_only_with_debug_on():
    result = run({"DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    assert "DEBUG True" in result.stdout


@pytest.mark.parametrize("value", ["0", "false", "no", ""])
def test_falsy_debug_values_keep_production_rules(value):
    result = run({"DJANGO_DEBUG": value})
    assert result.returncode != 0


def test_check_deploy_passes_with_production_settings():
    result = run(
        {
            "DJANGO_SECRET_KEY": "k8#Yq2!vR7@pL4$wN9^zT1&mX6*bF3(hJ5)cD0_gS8+aQ2-eU7=iO4",
            "DJANGO_ALLOWED_HOSTS": "reports.example.org",
            "DJANGO_CSRF_TRUSTED_ORIGINS": "https://reports.example.org",
        },
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_security_settings():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_AGE, s.CSRF_TRUSTED_ORIGINS, "
        "s.DATA_UPLOAD_MAX_MEMORY_SIZE, s.LOGGING['handlers']['console']['formatter'], "
        "s.DATABASES['default']['OPTIONS'].get('connect_timeout'), s.DATABASES['default']['CONN_HEALTH_CHECKS'])"
    )
    result = run(
        {
            "DJANGO_SECRET_KEY": "s" * 50,
            "DJANGO_ALLOWED_HOSTS": "reports.example.org",
            "DJANGO_CSRF_TRUSTED_ORIGINS": "https://reports.example.org,https://www.reports.example.org",
            "DATABASE_URL": "postgres://portal:pw@db:5432/portal",
        },
        "-c",
        code,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(None, 6)[:6] == [
        "True",
        "True",
        "True",
        "31536000",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
    ]
    assert (
        "True 28800 ['https://reports.example.org', 'https://www.reports.example.org'] 5242880 json 5 True"
        in result.stdout
    )


DEVTOOLS_PROBE = (
    "import django; django.setup(); from django.apps import apps; "
    "from django.core.management import get_commands; "
    "print('devtools', apps.is_installed('devtools'), 'generate_demo_data' in get_commands())"
)


def test_production_settings_do_not_install_the_developer_tooling():
    result = run({"DJANGO_SECRET_KEY": "s" * 50, "DJANGO_ALLOWED_HOSTS": "reports.example.org"}, "-c", DEVTOOLS_PROBE)
    assert result.returncode == 0, result.stderr
    assert "devtools False False" in result.stdout


@pytest.mark.parametrize("env", [{"DJANGO_DEBUG": "1"}, {"DJANGO_BENCH": "1"}])
def test_development_and_the_benchmark_server_have_it(env):
    result = run({"DJANGO_SECRET_KEY": "s" * 50, "DJANGO_ALLOWED_HOSTS": "127.0.0.1", **env}, "-c", DEVTOOLS_PROBE)
    assert result.returncode == 0, result.stderr
    assert "devtools True True" in result.stdout
