"""docker-compose.yml, Dockerfile, .env.example and the settings agree with each other.

Docker cannot run on our machines, so these files are checked by reading them: the
services and their healthchecks, the volumes, and every environment variable name
(the settings read → .env.example documents → compose passes).
"""

import re

import pytest
import yaml

from .live import ROOT

READERS = [ROOT / "portal" / "settings.py", ROOT / "gunicorn.conf.py", ROOT / "scripts" / "entrypoint.sh"]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def example():
    names = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            names[name.strip()] = value.strip()
    return names


def variables_read_by_the_code() -> set[str]:
    names = set()
    pattern = re.compile(r"""(?:env_str|env_bool|env_list|env|os\.environ\.get)\(\s*["']([A-Z][A-Z0-9_]+)["']""")
    for path in READERS:
        text = path.read_text()
        names |= set(pattern.findall(text))
        names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", text)) - {"PYTHON"}
    return names


def test_the_code_reads_variables_we_can_see():
    names = variables_read_by_the_code()
    # A sanity floor, so that a broken pattern cannot make the next tests pass vacuously.
    assert {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "GUNICORN_WORKERS", "DB_WAIT_SECONDS"} <= names
    assert len(names) >= 30


def test_every_variable_the_code_reads_is_documented(example):
    missing = variables_read_by_the_code() - set(example)
    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_every_documented_variable_is_read_somewhere(example):
    compose_only = {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"}
    stale = set(example) - variables_read_by_the_code() - compose_only
    assert not stale, f".env.example documents variables nothing reads: {sorted(stale)}"


def test_no_secret_has_a_value_in_the_example(example):
    for name in ("DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "DJANGO_EMAIL_HOST_PASSWORD"):
        assert example[name] == "", name
    assert example["DJANGO_DEBUG"] in ("0", "")


def test_env_files_with_secrets_are_never_committed_or_copied_into_the_image():
    assert ".env" in (ROOT / ".gitignore").read_text().split()
    assert ".env" in (ROOT / ".dockerignore").read_text().split()


def test_services_volumes_and_healthchecks(compose):
    services = compose["services"]
    assert set(services) == {"db", "cache", "broker", "web", "worker", "beat"}
    db = services["db"]
    assert db["image"] == "postgres:16"
    assert "pgdata:/var/lib/postgresql/data" in db["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert "redis-cli" in services["cache"]["healthcheck"]["test"]
    web = services["web"]
    assert "/readyz" in " ".join(web["healthcheck"]["test"])
    assert web["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "cache": {"condition": "service_healthy"},
        "broker": {"condition": "service_healthy"},
    }
    assert set(compose["volumes"]) == {"pgdata", "backups", "brokerdata", "media"}
    # The compendiums: built by the worker, served by web, from one volume (compendium/).
    assert "media:/app/media" in services["web"]["volumes"] and "media:/app/media" in services["worker"]["volumes"]
    # The broker keeps its queue on disk and never evicts (the cache may do both).
    broker = " ".join(services["broker"]["command"])
    assert "--appendonly yes" in broker and "noeviction" in broker
    assert "brokerdata:/data" in services["broker"]["volumes"]
    for name, role in (("worker", "worker"), ("beat", "beat")):
        job = services[name]
        assert job["command"][:4] == ["celery", "-A", "portal", role]
        assert (
            job["environment"]["CELERY_BROKER_URL"]
            == web["environment"]["CELERY_BROKER_URL"]
            == "redis://broker:6379/0"
        )
        assert job["environment"]["DATABASE_URL"] == web["environment"]["DATABASE_URL"]
    for service in services.values():
        for volume in service.get("volumes", []):
            assert volume.split(":")[0] in compose["volumes"], volume
        assert service.get("restart") == "unless-stopped"


def test_web_environment_names_are_ones_the_settings_read(compose, example):
    web = compose["services"]["web"]
    assert web["env_file"] == ".env"
    names = set(web["environment"])
    assert names <= variables_read_by_the_code()
    # Variables interpolated into the file come from .env.
    interpolated = set(re.findall(r"\$\{([A-Z_]+)", (ROOT / "docker-compose.yml").read_text()))
    assert interpolated <= set(example)
    assert (
        web["environment"]["DATABASE_URL"].startswith("postgres://")
        and "@db:5432/" in web["environment"]["DATABASE_URL"]
    )
    assert web["environment"]["DJANGO_CACHE_URL"] == "redis://cache:6379/0"


def test_web_port_matches_gunicorn_bind(compose):
    assert compose["services"]["web"]["ports"] == ["127.0.0.1:8000:8000"]
    assert 'env("GUNICORN_BIND", "0.0.0.0:8000")' in (ROOT / "gunicorn.conf.py").read_text()


def test_image_collects_static_at_build_and_starts_through_the_entrypoint():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^RUN .*manage\.py collectstatic --noinput", dockerfile, re.M)
    assert 'CMD ["sh", "scripts/entrypoint.sh"]' in dockerfile
    assert re.search(r"^USER portal$", dockerfile, re.M)
    entrypoint = (ROOT / "scripts" / "entrypoint.sh").read_text()
    steps = [entrypoint.index(s) for s in ("wait_for_db", "migrate --noinput", "gunicorn -c gunicorn.conf.py")]
    assert steps == sorted(steps)


def test_make_serve_uses_the_same_entrypoint():
    makefile = (ROOT / "Makefile").read_text()
    serve = makefile[makefile.index("\nserve:") :]
    assert "sh scripts/entrypoint.sh" in serve.split("\n\n")[0]


def test_make_run_on_another_port_gives_e_mail_links_that_port():
    import subprocess

    result = subprocess.run(
        ["make", "-n", "run", "PORT=8101"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    runserver = next(line for line in result.stdout.splitlines() if "runserver" in line)
    assert "PORTAL_BASE_URL=http://127.0.0.1:8101" in runserver and runserver.endswith("127.0.0.1:8101")
