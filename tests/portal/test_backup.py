"""backup_portal → restore_portal gives back every account, report, item, event and history row.

The data is made through the real code paths (the role fixtures, reports.workflow, saves that
write history); the database is then emptied to what a freshly migrated one holds (role groups
only, ids counting from 1 again), restored, and compared row by row.
"""

import gzip
import io
import json
import os
import stat

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from accounts.roles import ASSOCIATION_EDITORS, MUNICIPAL_EDITORS, sync_roles
from portal.management.commands import _backup
from reports import workflow
from reports.models import Achievement, Municipality, Problem, Proposal, Report, ReportEvent, Task
from reports.search import rebuild_index, search
from reports.search.models import SearchDocument
from reports.status import Status
from tests.conftest import PASSWORD

User = get_user_model()
ITEMS = [Achievement, Problem, Task, Proposal]
PORTAL = [Municipality, User, Report, *ITEMS, ReportEvent]
HISTORY = [Municipality.history.model, Report.history.model, *(m.history.model for m in ITEMS)]
THROUGH = [User.groups.through, User.municipalities.through, User.user_permissions.through]


# --- the data ---------------------------------------------------------------------------------


@pytest.fixture
def portal(make_report, make_user, sayan, kogalym, city_editor, other_editor, moderator, superuser, no_role_user):
    """Reports in every status, edits, deletions, a departed user, extra permissions."""
    published = make_report(Status.PUBLISHED, year=2023)
    make_report(Status.DRAFT, year=2024)
    make_report(Status.CHANGES_REQUESTED, municipality=kogalym, city=other_editor, year=2023)
    withdrawn = make_report(Status.WITHDRAWN, municipality=kogalym, city=other_editor, year=2022)
    workflow.perform(withdrawn, other_editor, "return_to_draft", "исправим и отправим снова")

    # Edits that write history rows, with their author.
    item = published.achievements.get()
    item.text = "Проведён форум ТОС и конкурс «Лучший двор»"
    item._history_user = city_editor
    item.save()
    Task.objects.create(report=published, text="Обучить председателей ТОС", year=2024, position=2)
    Proposal.objects.create(report=published, text="Курсы для старост", kind="training", position=2)
    Problem.objects.create(report=published, text="Временная запись", position=2).delete()
    sayan.website = "https://sayanogorsk.example.org"
    sayan.save()

    # History that points at rows which no longer exist: a deleted report, a departed editor.
    make_report(Status.DRAFT, municipality=kogalym, city=other_editor, year=2019).delete()
    former = make_user("former", MUNICIPAL_EDITORS, [sayan])
    make_report(Status.SUBMITTED, year=2020, city=former)
    former.delete()

    # A group made by hand, a personal permission, a last login.
    view_report = Permission.objects.get(content_type__app_label="reports", codename="view_report")
    watchers = Group.objects.create(name="Наблюдатели")
    watchers.permissions.add(view_report)
    no_role_user.groups.add(watchers)
    no_role_user.user_permissions.add(view_report)
    city_editor.last_login = timezone.now()
    city_editor.position = "Главный специалист"
    city_editor.save()
    other_editor.municipalities.add(sayan)

    rebuild_index()
    return published


def counts():
    return {model._meta.label: model._base_manager.count() for model in PORTAL + HISTORY + THROUGH + [Group]}


def snapshot():
    """Every row of the portal, comparable across databases (groups and permissions by name:
    their ids belong to each database)."""
    rows = {model._meta.label: list(model._base_manager.order_by("pk").values()) for model in PORTAL + HISTORY}
    rows["groups"] = sorted(
        (group.name, sorted(group.permissions.values_list("content_type__app_label", "codename")))
        for group in Group.objects.all()
    )
    rows["user groups"] = sorted(User.groups.through.objects.values_list("user_id", "group__name"))
    rows["user municipalities"] = sorted(User.municipalities.through.objects.values_list("user_id", "municipality_id"))
    rows["user permissions"] = sorted(
        User.user_permissions.through.objects.values_list("user_id", "permission__codename")
    )
    return rows


def empty_database():
    """What a freshly migrated database holds: the role groups, no portal data, ids from 1."""
    gone = [*_backup.derived_models(), *HISTORY, ReportEvent, *ITEMS, Report, *THROUGH, User, Municipality, Session]
    gone += [Group.permissions.through, Group]
    with connection.cursor() as cursor:
        for model in gone:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
        portal_tables = PORTAL + HISTORY + THROUGH  # not the groups: migrations made those
        if connection.vendor == "postgresql":
            for sql in connection.ops.sequence_reset_sql(no_style(), portal_tables):
                cursor.execute(sql)  # empty tables: the next id is 1
        elif connection.vendor == "sqlite":
            tables = [model._meta.db_table for model in portal_tables]
            cursor.execute(f"DELETE FROM sqlite_sequence WHERE name IN ({', '.join(['%s'] * len(tables))})", tables)
    sync_roles()
    assert all(n == 0 for label, n in counts().items() if label != "auth.Group")


def backup(path):
    out = io.StringIO()
    call_command("backup_portal", output=str(path), stdout=out)
    return out.getvalue()


def restore(path, **options):
    out = io.StringIO()
    call_command("restore_portal", str(path), stdout=out, **options)
    return out.getvalue()


def read_lines(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def write_lines(path, lines):
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")


# --- the round trip ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_backup_then_restore_gives_back_every_row(portal, tmp_path, client):
    before_counts, before = counts(), snapshot()
    assert all(before_counts.values()), before_counts  # every kind of row is really there
    archive = tmp_path / "portal.json.gz"
    backup(archive)

    empty_database()
    output = restore(archive)

    assert counts() == before_counts
    after = snapshot()
    for key in before:  # one assertion per table: a failure names it
        assert after[key] == before[key], key
    assert "совпадают с описью" in output

    # Password hashes came back: people sign in with their old passwords.
    assert User.objects.get(username="sayan_editor").check_password(PASSWORD)
    request = RequestFactory().post("/admin/login/")
    assert client.login(request=request, username="moderator", password=PASSWORD)
    assert client.get("/admin/").status_code == 200

    # Roles: the groups are found by name, with the code's permissions.
    moderator = User.objects.get(username="moderator")
    assert moderator.groups.get().name == ASSOCIATION_EDITORS
    assert moderator.has_perm("reports.change_report")

    # The search index was rebuilt from the restored reports.
    assert [hit.report.pk for hit in search("конкурс двор")] == [portal.pk]
    assert [hit.report.pk for hit in search("казачество")] == [portal.pk]  # drafts stay unindexed


@pytest.mark.django_db
def test_new_rows_after_restore_get_fresh_ids(portal, tmp_path, make_user, moderator):
    """The id counters follow the restored rows (on PostgreSQL: reset sequences)."""
    archive = tmp_path / "portal.json.gz"
    backup(archive)
    top = {model: model._base_manager.order_by("-pk").values_list("pk", flat=True).first() for model in PORTAL}
    empty_database()
    restore(archive)

    city = Municipality.objects.create(name="Абакан", slug="abakan")
    editor = make_user("abakan_editor", MUNICIPAL_EDITORS, [city])
    report = Report.objects.create(municipality=city, year=2024, created_by=editor)
    item = Achievement.objects.create(report=report, text="Открыт центр ТОС", position=1)
    report = workflow.perform(report, editor, "submit")
    workflow.perform(report, moderator, "publish")

    assert city.pk > top[Municipality] and editor.pk > top[User] and report.pk > top[Report]
    assert item.pk > top[Achievement]
    assert ReportEvent.objects.filter(report=report).count() == 2
    assert Report.history.filter(id=report.pk).count() == 3


@pytest.mark.django_db
def test_the_archive_has_a_manifest_and_no_search_index(portal, tmp_path, settings):
    settings.BASE_DIR = tmp_path
    output = io.StringIO()
    call_command("backup_portal", stdout=output)

    [archive] = (tmp_path / "backups").iterdir()
    assert archive.name.startswith("portal-") and archive.name.endswith(".json.gz")
    assert stat.S_IMODE(os.stat(archive).st_mode) == 0o600  # password hashes inside
    manifest, *objects = read_lines(archive)
    info = manifest["portal_backup"]
    assert info["format"] == 1
    for label, n in counts().items():
        assert info["counts"][label] == n, label
        assert f"{label}" in output.getvalue()
    models = {obj["model"] for obj in objects}
    assert not {"reports.searchdocument", "reports.reportterms"} & models
    assert not {"contenttypes.contenttype", "auth.permission", "sessions.session", "admin.logentry"} & models
    rows = sum(n for label, n in info["counts"].items() if not apps.get_model(label)._meta.auto_created)
    assert len(objects) == rows  # many-to-many rows travel inside their user or group


@pytest.mark.django_db
def test_every_table_of_the_portal_apps_is_in_the_backup(tmp_path, db):
    """A model added later to accounts or reports is backed up too (only derived data is not: the
    search index, the public renderings and their generation)."""
    archive = tmp_path / "empty.json.gz"
    backup(archive)
    labels = set(read_lines(archive)[0]["portal_backup"]["counts"])
    expected = {
        model._meta.label
        for app in ("accounts", "reports")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if model not in _backup.derived_models()
    }
    assert expected <= labels
    assert {model._meta.label for model in PORTAL + HISTORY + THROUGH} <= labels


# --- refusing, replacing ----------------------------------------------------------------------


@pytest.mark.django_db
def test_restore_refuses_a_database_with_data(portal, tmp_path):
    archive = tmp_path / "portal.json.gz"
    backup(archive)
    before = snapshot()
    with pytest.raises(CommandError, match="уже есть данные портала.*--replace"):
        restore(archive)
    assert snapshot() == before


@pytest.mark.django_db
def test_replace_puts_back_the_backed_up_state(portal, tmp_path, client, sayan, city_editor, moderator):
    archive = tmp_path / "portal.json.gz"
    backup(archive)
    before_counts, before = counts(), snapshot()

    # Life goes on after the backup…
    newer = Report.objects.create(municipality=sayan, year=2025, created_by=city_editor)
    Achievement.objects.create(report=newer, text="Новое", position=1)
    workflow.perform(newer, city_editor, "submit")
    item = portal.achievements.get()
    item.text = "Исправлено после копии"
    item.save()
    User.objects.get(username="norole").delete()
    client.force_login(moderator)
    assert Session.objects.exists()

    restore(archive, replace=True, yes=True)

    assert counts() == before_counts
    assert snapshot() == before
    assert not Session.objects.exists()  # everyone signs in again
    assert [hit.report.pk for hit in search("конкурс")] == [portal.pk]


@pytest.mark.django_db
def test_replace_asks_before_deleting(portal, tmp_path, monkeypatch):
    archive = tmp_path / "portal.json.gz"
    backup(archive)
    before = snapshot()
    monkeypatch.setattr("builtins.input", lambda prompt="": "нет")
    with pytest.raises(CommandError, match="Отменено"):
        restore(archive, replace=True)
    assert snapshot() == before

    monkeypatch.setattr("builtins.input", lambda prompt="": "да")
    restore(archive, replace=True)
    assert snapshot() == before


# --- damaged archives leave the database as it was ---------------------------------------------


def truncated(path, tmp_path):
    data = path.read_bytes()
    bad = tmp_path / "truncated.json.gz"
    bad.write_bytes(data[: len(data) * 2 // 3])
    return bad


def corrupted(path, tmp_path):
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(64)
    bad = tmp_path / "corrupted.json.gz"
    bad.write_bytes(bytes(data))
    return bad


def not_gzip(path, tmp_path):
    bad = tmp_path / "plain.json"
    bad.write_text('[{"model": "reports.report"}]', encoding="utf-8")
    return bad


def not_a_backup(path, tmp_path):
    bad = tmp_path / "other.json.gz"
    write_lines(bad, [{"model": "reports.report", "pk": 1, "fields": {}}])
    return bad


def missing_rows(path, tmp_path):
    """Well-formed, but rows are missing: the manifest check catches it."""
    lines = read_lines(path)
    bad = tmp_path / "missing.json.gz"
    write_lines(bad, [line for line in lines if line.get("model") != "reports.historicaltask"])
    return bad


def broken_object(path, tmp_path):
    lines = read_lines(path)
    lines.insert(len(lines) // 2, {"model": "reports.nosuchmodel", "pk": 1, "fields": {}})
    bad = tmp_path / "broken.json.gz"
    write_lines(bad, lines)
    return bad


def broken_line(path, tmp_path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        lines = f.read().splitlines()
    lines[len(lines) // 2] = lines[len(lines) // 2][:-20]
    bad = tmp_path / "broken-line.json.gz"
    with gzip.open(bad, "wt", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return bad


def newer_schema(path, tmp_path):
    lines = read_lines(path)
    lines[0]["portal_backup"]["migrations"]["reports"].append("9999_from_the_future")
    bad = tmp_path / "newer.json.gz"
    write_lines(bad, lines)
    return bad


@pytest.mark.parametrize(
    "damage, message",
    [
        (truncated, "повреждён или обрезан"),
        (corrupted, "повреждён или обрезан|не читается"),
        (not_gzip, "не читается как резервная копия"),
        (not_a_backup, "не читается как резервная копия"),
        (missing_rows, "не совпадают с описью.*HistoricalTask"),
        (broken_object, "не удалось загрузить.*nosuchmodel"),
        (broken_line, "повреждён"),
        (newer_schema, "manage.py migrate"),
    ],
)
@pytest.mark.django_db
def test_a_damaged_archive_changes_nothing(portal, tmp_path, damage, message):
    archive = tmp_path / "portal.json.gz"
    backup(archive)
    bad = damage(archive, tmp_path)
    before_counts, before = counts(), snapshot()
    documents = SearchDocument.objects.count()

    with pytest.raises(CommandError, match=message):
        restore(bad, replace=True, yes=True)  # would wipe everything first

    assert counts() == before_counts
    assert snapshot() == before
    assert SearchDocument.objects.count() == documents


@pytest.mark.django_db
def test_a_damaged_archive_into_an_empty_database_leaves_it_empty(portal, tmp_path):
    archive = tmp_path / "portal.json.gz"
    backup(archive)
    bad = truncated(archive, tmp_path)
    empty_database()
    with pytest.raises(CommandError, match="обрезан"):
        restore(bad)
    assert all(n == 0 for label, n in counts().items() if label != "auth.Group")


@pytest.mark.django_db
def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="не найден"):
        restore(tmp_path / "nothing.json.gz")
