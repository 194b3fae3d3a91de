"""manage.py load_demo and the municipality directory (seeds/municipalities.csv)."""

from __future__ import annotations

import csv
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.roles import ASSOCIATION_EDITORS, MUNICIPAL_EDITORS, is_association_editor, is_municipal_editor
from reports.directory import DEFAULT_CSV, load_directory
from reports.importer.loader import store_report
from reports.importer.parser import parse_file
from reports.models import ITEM_MODELS, Municipality, Report, ReportEvent
from reports.status import Status
from tests.reports.importer.helpers import SEED_NAMES, seed_path

pytestmark = pytest.mark.django_db

User = get_user_model()

SEED_REPORTS = {
    ("Саяногорск", 2018),
    ("Саяногорск", 2025),
    ("Лесосибирск", 2020),
    ("Ленинск-Кузнецкий", 2020),
    ("Когалым", 2020),
}
# (municipality, year): (status, [(transition, actor username)])
DEMO_REPORTS = {
    ("Саяногорск", 2024): (Status.DRAFT, []),
    ("Когалым", 2024): (Status.SUBMITTED, [("submit", "kogalym")]),
    ("Саяногорск", 2023): (Status.CHANGES_REQUESTED, [("submit", "sayanogorsk"), ("request_changes", "moderator")]),
    ("Когалым", 2023): (Status.PUBLISHED, [("submit", "kogalym"), ("publish", "moderator")]),
    ("Лесосибирск", 2023): (
        Status.WITHDRAWN,
        [("submit", "moderator"), ("publish", "moderator"), ("withdraw", "moderator")],
    ),
}


def load(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def csv_rows():
    with open(DEFAULT_CSV, encoding="utf-8-sig", newline="") as handle:
        return [row for row in csv.DictReader(handle) if (row.get("name") or "").strip()]


def state():
    return {
        "users": sorted(User.objects.values_list("id", "username", "password", "is_staff", "is_superuser")),
        "memberships": sorted(User.groups.through.objects.values_list("user_id", "group_id")),
        "user_municipalities": sorted(User.municipalities.through.objects.values_list("user_id", "municipality_id")),
        "municipalities": sorted(Municipality.objects.values_list("id", "name", "slug", "region", "website")),
        "reports": sorted(Report.objects.values_list("id", "municipality_id", "year", "status", "version")),
        "items": {m.__name__: m.objects.count() for m in ITEM_MODELS},
        "history": {m.__name__: m.history.count() for m in (Municipality, Report, *ITEM_MODELS)},
        "events": sorted(ReportEvent.objects.values_list("id", "report_id", "transition")),
    }


def report(name, year):
    return Report.objects.get(municipality__name=name, year=year)


# --- load_demo ----------------------------------------------------------------------------


def test_load_demo_creates_the_four_accounts():
    out = load("--force")
    assert "Готово: новых демо-отчётов 5." in out

    expected = {
        "admin": (True, False, False, []),
        "moderator": (False, True, False, []),
        "sayanogorsk": (False, False, True, ["Саяногорск"]),
        "kogalym": (False, False, True, ["Когалым"]),
    }
    assert set(User.objects.values_list("username", flat=True)) == set(expected)
    for username, (superuser, association, municipal, municipalities) in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password("demo"), username
        assert user.is_staff and user.is_active
        assert user.is_superuser is superuser
        assert is_association_editor(user) is (association or superuser)
        assert is_municipal_editor(user) is municipal
        assert sorted(user.municipalities.values_list("name", flat=True)) == municipalities
        assert f"учётная запись {username}" in out
    assert list(User.objects.get(username="moderator").groups.values_list("name", flat=True)) == [ASSOCIATION_EDITORS]
    assert list(User.objects.get(username="kogalym").groups.values_list("name", flat=True)) == [MUNICIPAL_EDITORS]


def test_load_demo_publishes_the_five_seed_reports():
    load("--force")
    for key in sorted(SEED_NAMES):
        parsed = parse_file(seed_path(key))
        assert (parsed.municipality, parsed.year) in SEED_REPORTS
        seed = report(parsed.municipality, parsed.year)
        assert seed.status == Status.PUBLISHED
        assert seed.published_at is not None
        assert list(seed.events.values_list("transition", "actor", "actor_name")) == [
            ("publish_archive", None, "система")
        ]
        assert seed.achievements.count() == len(parsed.achievements)
        assert seed.problems.count() == len(parsed.problems)
        assert seed.tasks.count() == len(parsed.tasks)
        assert seed.proposals.count() == len(parsed.proposals)


def test_load_demo_creates_reports_in_every_state_with_their_path():
    load("--force")
    assert {(r.municipality.name, r.year) for r in Report.objects.select_related("municipality")} == SEED_REPORTS | set(
        DEMO_REPORTS
    )
    statuses = set()
    for (name, year), (status, path) in DEMO_REPORTS.items():
        demo = report(name, year)
        assert demo.status == status, (name, year)
        statuses.add(demo.status)
        events = list(demo.events.order_by("id").select_related("actor"))
        assert [(e.transition, e.actor.username) for e in events] == path, (name, year)
        # The events chain: draft → … → the report's status.
        chain = [Status.DRAFT] + [e.to_status for e in events]
        assert [e.from_status for e in events] == chain[:-1]
        assert chain[-1] == status
        assert demo.achievements.exists() and demo.tasks.exists()
        assert set(demo.tasks.values_list("year", flat=True)) == {year + 1}
        if status in (Status.PUBLISHED, Status.WITHDRAWN):
            assert demo.published_at is not None
        if status != Status.DRAFT:
            assert demo.submitted_at is not None
    # «Одобрен» exists only while a campaign's common publication date is ahead (tests/campaigns).
    assert statuses == set(Status.values) - {Status.APPROVED}
    # Comments that the workflow requires are there.
    assert report("Саяногорск", 2023).events.get(transition="request_changes").comment
    assert report("Лесосибирск", 2023).events.get(transition="withdraw").comment


def test_load_demo_twice_creates_nothing_new():
    load("--force")
    before = state()

    out = load("--force")

    assert "Готово: новых демо-отчётов 0." in out
    assert "учётная запись" not in out
    assert "отчёт " not in out  # no report line: nothing was created or published
    assert state() == before


def test_load_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    before = state()
    with pytest.raises(CommandError, match="--force"):
        load()
    assert state() == before
    assert Report.objects.count() == 0
    assert Municipality.objects.count() == 0
    assert not User.objects.filter(username__in=["admin", "moderator", "sayanogorsk", "kogalym"]).exists()


def test_load_demo_runs_without_force_when_debug(settings):
    settings.DEBUG = True
    out = load()
    assert "Готово: новых демо-отчётов 5." in out
    assert Report.objects.count() == 10


@pytest.mark.django_db(transaction=True)
def test_load_demo_sends_no_mail(mailoutbox):
    """Really committed (as from the shell): the workflow's e-mails run on commit and go nowhere."""
    load("--force")
    assert Report.objects.count() == 10
    assert ReportEvent.objects.filter(transition="submit").count() == 4  # there was something to mail about
    assert mailoutbox == []


def test_load_demo_keeps_existing_accounts_and_reports(make_user):
    """An existing "admin" keeps its password; an existing report of a demo year is left alone."""
    admin = make_user("admin", superuser=True)
    password = admin.password
    sayan = Municipality.objects.create(name="Саяногорск", slug="sayanogorsk")
    existing = Report.objects.create(municipality=sayan, year=2024)

    load("--force")

    admin.refresh_from_db()
    assert admin.password == password
    assert not admin.check_password("demo")
    existing.refresh_from_db()
    assert existing.status == Status.DRAFT
    assert existing.achievements.count() == 0
    assert Report.objects.filter(municipality=sayan, year=2024).count() == 1


# --- the municipality directory ---------------------------------------------------------------


def test_directory_loads_every_row():
    rows = csv_rows()
    assert len(rows) == 19

    created, updated = load_directory()

    assert (created, updated) == (len(rows), 0)
    assert Municipality.objects.count() == len(rows)
    for row in rows:
        m = Municipality.objects.get(name=row["name"].strip())
        assert m.region == row["region"].strip()
        assert m.website == row["website"].strip()
        assert m.slug and m.slug.isascii()
    assert len(set(Municipality.objects.values_list("slug", flat=True))) == len(rows)


def test_directory_is_idempotent():
    load_directory()
    before = state()
    assert load_directory() == (0, 0)
    assert state() == before


def test_directory_never_overwrites_an_editors_region():
    load_directory()
    abakan = Municipality.objects.get(name="Абакан")
    abakan.region = "Изменено редактором"
    abakan.save()
    kogalym = Municipality.objects.get(name="Когалым")
    kogalym.website = "https://example.org/kogalym"
    kogalym.save()

    created, updated = load_directory()

    assert (created, updated) == (0, 0)
    abakan.refresh_from_db()
    kogalym.refresh_from_db()
    assert abakan.region == "Изменено редактором"
    assert kogalym.website == "https://example.org/kogalym"


def test_directory_fills_empty_fields_of_imported_municipalities():
    """A city created without a region (an import without a directory) gets it from the directory."""
    store_report(parse_file(seed_path("004")), directory=None)  # creates Когалым without a region
    kogalym = Municipality.objects.get(name="Когалым")
    assert (kogalym.region, kogalym.website) == ("", "")

    created, updated = load_directory()

    assert updated == 1
    assert created == len(csv_rows()) - 1
    kogalym.refresh_from_db()
    assert kogalym.region == "Ханты-Мансийский автономный округ — Югра"
    assert kogalym.website == "https://admkogalym.ru"
    assert Municipality.objects.filter(name="Когалым").count() == 1


def test_directory_matches_names_case_insensitively():
    Municipality.objects.create(name="АБАКАН", slug="abakan-old", region="")
    load_directory()
    assert Municipality.objects.filter(name__in=["АБАКАН", "Абакан"]).count() == 1
    assert Municipality.objects.get(slug="abakan-old").region == "Республика Хакасия"


def test_directory_from_another_file(tmp_path):
    path = tmp_path / "dir.csv"
    path.write_text("\ufeffname,region,website\nМинусинск,Красноярский край,\n,,\nАбакан,,\n", encoding="utf-8")
    assert load_directory(path) == (2, 0)
    assert Municipality.objects.get(name="Минусинск").region == "Красноярский край"
    assert Municipality.objects.get(name="Абакан").region == ""


def test_load_demo_makes_the_cities_with_reports_members_with_contacts(django_capture_on_commit_callbacks, mailoutbox):
    """So that a campaign opened on the demo data invites real recipients (issue 15)."""
    from datetime import date

    from campaigns.collection import open_campaign
    from campaigns.models import Membership, ReportingCampaign

    load("--force")
    members = set(Membership.objects.values_list("municipality__name", flat=True))
    with_reports = set(Report.objects.values_list("municipality__name", flat=True))
    assert members == with_reports and {"Саяногорск", "Когалым"} <= members
    assert load("--force").count("член Ассоциации") == 0  # the second run adds none

    today = date.today()
    campaign = ReportingCampaign.objects.create(year=today.year, opens_on=today, deadline=today)
    with django_capture_on_commit_callbacks(execute=True):
        result = open_campaign(campaign, today)
    assert {m.name for m in result.invited} == {"Саяногорск", "Когалым"}  # the cities with demo editors
    assert {m.name for m in result.no_contact} == members - {"Саяногорск", "Когалым"}
    assert {"sayanogorsk@example.org", "kogalym@example.org"} <= {m.to[0] for m in mailoutbox}
