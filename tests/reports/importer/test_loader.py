"""store_report: a parsed document → a report in the database, atomically and idempotently."""

from __future__ import annotations

import dataclasses

import pytest

from portal.text import slugify_ru
from reports import workflow
from reports.concurrency import StaleReportError, claim_version
from reports.importer.loader import (
    CREATED,
    REPLACED,
    UNCHANGED,
    ImportRefused,
    find_municipality,
    section_counts,
    store_report,
)
from reports.importer.model import ParsedItem
from reports.importer.parser import parse_file
from reports.models import ITEM_MODELS, Achievement, Municipality, Report, ReportEvent, Task
from reports.status import Status

from .helpers import SEED_NAMES, seed_path

pytestmark = pytest.mark.django_db

SEEDS = pytest.mark.parametrize("seed_key", sorted(SEED_NAMES))
SECTIONS = ("achievements", "problems", "tasks", "proposals")
SAYAN_2025 = "001"  # Саяногорск 2025: 3 / 1 / 3 / 9, every section filled


def parsed_seed(key):
    return parse_file(seed_path(key))


def db_state():
    """Everything an import could touch, to prove "nothing changed"."""
    return {
        "municipalities": sorted(Municipality.objects.values_list("id", "name", "slug", "region", "website")),
        "reports": sorted(
            Report.objects.values_list("id", "municipality_id", "year", "status", "version", "published_at")
        ),
        "items": {
            model.__name__: sorted(model.objects.values_list("id", "report_id", "position", "text"))
            for model in ITEM_MODELS
        },
        "history": {model.__name__: model.history.count() for model in (Municipality, Report, *ITEM_MODELS)},
        "events": sorted(ReportEvent.objects.values_list("id", "report_id", "transition")),
    }


def assert_items_match(report, parsed):
    """The report's items are exactly the parsed ones, in order, numbered 1..n."""
    for section in SECTIONS:
        items = list(getattr(report, section).order_by("position", "id"))
        expected = getattr(parsed, section)
        assert [i.text for i in items] == [p.text for p in expected], section
        assert [i.position for i in items] == list(range(1, len(expected) + 1)), section
    tasks = list(report.tasks.order_by("position"))
    assert [t.year for t in tasks] == [p.year or parsed.year + 1 for p in parsed.tasks]
    proposals = list(report.proposals.order_by("position"))
    assert [p.kind for p in proposals] == [p.kind for p in parsed.proposals]


# --- creating -----------------------------------------------------------------------------


@SEEDS
def test_each_seed_becomes_a_draft_with_exactly_the_parsed_items(seed_key):
    parsed = parsed_seed(seed_key)
    assert Municipality.objects.count() == 0

    result = store_report(parsed)

    assert result.outcome == CREATED and result.changed
    assert result.counts == section_counts(parsed)
    report = Report.objects.get()
    assert result.report.pk == report.pk
    assert (report.municipality.name, report.year, report.status) == (parsed.municipality, parsed.year, Status.DRAFT)
    assert report.published_at is None
    assert report.events.count() == 0
    for section in SECTIONS:
        assert getattr(report, section).count() == len(getattr(parsed, section)) == result.counts[section]
    assert_items_match(report, parsed)
    # The municipality was unknown: created, with an ASCII slug, and reported.
    assert result.municipality_created is True
    municipality = Municipality.objects.get()
    assert municipality.slug == slugify_ru(parsed.municipality)
    assert municipality.slug and municipality.slug.isascii()


def test_seed_task_years_and_proposal_kinds():
    """Pin the concrete values for the richest seed (Саяногорск 2025)."""
    store_report(parsed_seed(SAYAN_2025))
    report = Report.objects.get()
    assert (report.achievements.count(), report.problems.count(), report.tasks.count(), report.proposals.count()) == (
        3,
        1,
        3,
        9,
    )
    assert set(report.tasks.values_list("year", flat=True)) == {2026}
    kinds = list(report.proposals.order_by("position").values_list("kind", flat=True))
    assert kinds == ["methodology"] * 2 + ["conference"] * 3 + ["training"] * 4


def test_all_five_seeds_share_municipalities():
    for key in sorted(SEED_NAMES):
        store_report(parsed_seed(key))
    assert Report.objects.count() == 5
    assert sorted(Municipality.objects.values_list("name", flat=True)) == [
        "Когалым",
        "Ленинск-Кузнецкий",
        "Лесосибирск",
        "Саяногорск",
    ]
    assert sorted(Municipality.objects.values_list("slug", flat=True)) == [
        "kogalym",
        "leninsk-kuznetskiy",
        "lesosibirsk",
        "sayanogorsk",
    ]
    assert sorted(Report.objects.filter(municipality__name="Саяногорск").values_list("year", flat=True)) == [2018, 2025]


@pytest.mark.parametrize(
    "existing, in_document",
    [
        ("Саяногорск", "САЯНОГОРСК"),
        ("Саяногорск", "саяногорск"),
        ("Королёв", "КОРОЛЕВ"),
        ("Королев", "Королёв"),
        ("Ёлкино", "ЕЛКИНО"),
    ],
)
def test_known_municipality_is_reused_case_and_yo_insensitively(existing, in_document):
    known = Municipality.objects.create(name=existing, slug="known", region="Регион")
    parsed = dataclasses.replace(parsed_seed(SAYAN_2025), municipality=in_document)

    assert find_municipality(in_document) == known
    result = store_report(parsed)

    assert result.outcome == CREATED
    assert result.municipality_created is False
    assert Municipality.objects.count() == 1
    assert result.report.municipality_id == known.pk
    known.refresh_from_db()
    assert (known.name, known.slug, known.region) == (existing, "known", "Регион")


def test_slug_of_a_new_municipality_avoids_a_taken_one():
    Municipality.objects.create(name="Другой город", slug="sayanogorsk")
    result = store_report(parsed_seed(SAYAN_2025))
    assert result.municipality_created
    assert result.report.municipality.slug == "sayanogorsk-2"


def test_given_municipality_wins_over_the_document():
    chosen = Municipality.objects.create(name="Когалым", slug="kogalym")
    result = store_report(parsed_seed(SAYAN_2025), municipality=chosen)
    assert result.report.municipality_id == chosen.pk
    assert result.municipality_created is False
    assert not Municipality.objects.filter(name="Саяногорск").exists()


def test_user_is_recorded_as_author(city_editor):
    result = store_report(parsed_seed(SAYAN_2025), user=city_editor)
    assert result.report.created_by == city_editor
    assert result.report.history.get().history_user == city_editor
    assert {h.history_user for h in Achievement.history.all()} == {city_editor}


# --- idempotency ----------------------------------------------------------------------------


@SEEDS
def test_second_store_changes_nothing(seed_key):
    first = store_report(parsed_seed(seed_key))
    before = db_state()

    second = store_report(parsed_seed(seed_key))

    assert second.outcome == UNCHANGED and not second.changed
    assert second.report.pk == first.report.pk
    assert second.municipality_created is False
    assert db_state() == before


def test_second_store_of_a_published_archive_changes_nothing():
    store_report(parsed_seed(SAYAN_2025), publish=True)
    before = db_state()
    again = store_report(parsed_seed(SAYAN_2025), publish=True)
    assert again.outcome == UNCHANGED
    assert again.report.status == Status.PUBLISHED
    assert db_state() == before
    assert ReportEvent.objects.count() == 1


# --- replace ----------------------------------------------------------------------------------


def _edited(parsed):
    """The same report (municipality, year) with different content in every section."""
    return dataclasses.replace(
        parsed,
        achievements=[
            ParsedItem("Новое достижение: открыт ресурсный центр.", 5),
            ParsedItem("Второе новое достижение.", 7),
        ],
        problems=[],
        tasks=[ParsedItem("Новая задача на 2027 год.", 9, year=2027)],
        proposals=[ParsedItem("Новое предложение без вида.", 11, kind="непонятно")],
    )


def test_replace_refills_a_draft():
    first = store_report(parsed_seed(SAYAN_2025))
    report = first.report
    old_ids = {m.__name__: set(m.objects.values_list("id", flat=True)) for m in ITEM_MODELS}
    assert all(old_ids.values())
    version = Report.objects.get(pk=report.pk).version
    edited = _edited(parsed_seed(SAYAN_2025))

    result = store_report(edited, replace=True)

    assert result.outcome == REPLACED and result.changed
    assert result.report.pk == report.pk
    assert Report.objects.count() == 1
    fresh = Report.objects.get(pk=report.pk)
    assert fresh.status == Status.DRAFT
    assert fresh.version == version + 1
    for model in ITEM_MODELS:
        assert not model.objects.filter(id__in=old_ids[model.__name__]).exists(), model.__name__
    assert list(fresh.achievements.order_by("position").values_list("position", "text")) == [
        (1, "Новое достижение: открыт ресурсный центр."),
        (2, "Второе новое достижение."),
    ]
    assert fresh.problems.count() == 0
    assert list(fresh.tasks.values_list("text", "year")) == [("Новая задача на 2027 год.", 2027)]
    # An unknown kind is stored as "other", never as an invalid choice.
    assert list(fresh.proposals.values_list("text", "kind")) == [("Новое предложение без вида.", "other")]
    # The deletions are in the items' history (who removed what stays traceable).
    assert Achievement.history.filter(history_type="-").count() == len(old_ids["Achievement"])


def test_replace_without_an_existing_report_creates_it():
    result = store_report(parsed_seed(SAYAN_2025), replace=True)
    assert result.outcome == CREATED
    assert Report.objects.get().status == Status.DRAFT


def test_replace_and_publish_a_draft():
    store_report(parsed_seed(SAYAN_2025))
    result = store_report(_edited(parsed_seed(SAYAN_2025)), replace=True, publish=True)
    assert result.outcome == REPLACED
    assert Report.objects.get().status == Status.PUBLISHED
    assert Report.objects.get().achievements.count() == 2


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.PUBLISHED, Status.WITHDRAWN])
def test_replace_is_refused_past_draft(status, make_report, sayan):
    report = make_report(status=status, municipality=sayan, year=2025)
    before = db_state()

    with pytest.raises(ImportRefused) as refused:
        store_report(parsed_seed(SAYAN_2025), replace=True)

    assert "только черновик" in str(refused.value)
    assert str(report) in str(refused.value)
    assert db_state() == before


def test_replace_of_an_imported_published_archive_is_refused():
    store_report(parsed_seed(SAYAN_2025), publish=True)
    before = db_state()
    with pytest.raises(ImportRefused):
        store_report(_edited(parsed_seed(SAYAN_2025)), replace=True)
    assert db_state() == before


def test_replace_in_the_statuses_asked_for(make_report, sayan):
    """The upload page replaces whatever the city may still edit: a report returned for changes too
    (its status stays; only reports/workflow.py writes it)."""
    report = make_report(status=Status.CHANGES_REQUESTED, municipality=sayan, year=2025)
    events = report.events.count()

    result = store_report(
        _edited(parsed_seed(SAYAN_2025)), replace=True, replaceable=(Status.DRAFT, Status.CHANGES_REQUESTED)
    )

    assert result.outcome == REPLACED and result.report.pk == report.pk
    fresh = Report.objects.get(pk=report.pk)
    assert fresh.status == Status.CHANGES_REQUESTED
    assert fresh.version == report.version + 1
    assert fresh.achievements.count() == 2
    assert fresh.events.count() == events


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.PUBLISHED, Status.WITHDRAWN])
def test_replace_in_the_statuses_asked_for_refuses_the_others(status, make_report, sayan):
    report = make_report(status=status, municipality=sayan, year=2025)
    before = db_state()
    with pytest.raises(ImportRefused) as refused:
        store_report(parsed_seed(SAYAN_2025), replace=True, replaceable=(Status.DRAFT, Status.CHANGES_REQUESTED))
    assert "только черновик или отчёт, возвращённый на доработку" in str(refused.value)
    assert str(report) in str(refused.value)
    assert db_state() == before


def test_replace_from_a_stale_version_changes_nothing():
    """Someone saved the report after the person saw what the file would change: refused whole."""
    report = store_report(parsed_seed(SAYAN_2025)).report
    seen = Report.objects.get(pk=report.pk).version
    claim_version(report.pk, seen)  # a colleague's save
    before = db_state()

    with pytest.raises(StaleReportError):
        store_report(_edited(parsed_seed(SAYAN_2025)), replace=True, expected_version=seen)

    assert db_state() == before
    result = store_report(_edited(parsed_seed(SAYAN_2025)), replace=True, expected_version=seen + 1)
    assert result.outcome == REPLACED
    assert Report.objects.get(pk=report.pk).version == seen + 2


def test_replace_names_its_reason_in_every_history_row(city_editor):
    report = store_report(parsed_seed(SAYAN_2025)).report
    old_ids = set(Achievement.objects.values_list("id", flat=True))

    store_report(
        _edited(parsed_seed(SAYAN_2025)), replace=True, user=city_editor, change_reason="Заменено из файла «отчёт.docx»"
    )

    latest = Report.history.filter(id=report.pk).latest("history_id")
    assert (latest.history_change_reason, latest.history_user) == ("Заменено из файла «отчёт.docx»", city_editor)
    removed = Achievement.history.filter(id__in=old_ids, history_type="-")
    assert removed.count() == len(old_ids)
    assert set(removed.values_list("history_change_reason", flat=True)) == {"Заменено из файла «отчёт.docx»"}
    added = Achievement.history.filter(history_type="+").exclude(id__in=old_ids)
    assert added.count() == 2
    assert set(added.values_list("history_change_reason", "history_user")) == {
        ("Заменено из файла «отчёт.docx»", city_editor.pk)
    }


# --- publish (archives) ---------------------------------------------------------------------


def test_publish_stores_a_published_archive_without_mail(
    moderator, city_editor, mailoutbox, django_capture_on_commit_callbacks
):
    # moderator and city_editor (Саяногорск) have e-mail addresses: a wrongly sent
    # notification would have somebody to go to.
    with django_capture_on_commit_callbacks(execute=True):
        result = store_report(parsed_seed(SAYAN_2025), publish=True)

    report = Report.objects.get()
    assert result.outcome == CREATED
    assert result.report.status == report.status == Status.PUBLISHED
    assert report.published_at is not None
    assert report.published_by is None
    event = ReportEvent.objects.get()
    assert event.report_id == report.pk
    assert event.transition == "publish_archive"
    assert (event.from_status, event.to_status) == (Status.DRAFT, Status.PUBLISHED)
    assert event.actor is None
    assert event.actor_name == "система"
    assert event.snapshot  # the archive's content is recorded like any other transition
    assert mailoutbox == []
    assert_items_match(report, parsed_seed(SAYAN_2025))


# --- atomicity ------------------------------------------------------------------------------


def _fail_on_third_save(monkeypatch, model):
    original = model.save
    calls = {"n": 0}

    def save(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("сбой на третьем пункте")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(model, "save", save)
    return calls


@pytest.mark.parametrize("model", [Achievement, Task])
def test_failure_halfway_leaves_nothing(monkeypatch, model):
    parsed = parsed_seed("002")  # Лесосибирск 2020: 7 achievements, 5 tasks
    assert len(parsed.achievements) >= 3 and len(parsed.tasks) >= 3
    calls = _fail_on_third_save(monkeypatch, model)

    with pytest.raises(RuntimeError):
        store_report(parsed)

    assert calls["n"] == 3  # two items were really saved before the failure
    assert Report.objects.count() == 0
    for item_model in ITEM_MODELS:
        assert item_model.objects.count() == 0
        assert item_model.history.count() == 0
    assert Municipality.objects.count() == 0
    assert Municipality.history.count() == 0
    assert Report.history.count() == 0


def test_failure_halfway_through_replace_keeps_the_old_draft(monkeypatch):
    store_report(parsed_seed(SAYAN_2025))
    before = db_state()
    edited = dataclasses.replace(
        _edited(parsed_seed(SAYAN_2025)),
        achievements=[ParsedItem(f"Новое достижение {n}", n) for n in range(1, 6)],
    )
    _fail_on_third_save(monkeypatch, Achievement)

    with pytest.raises(RuntimeError):
        store_report(edited, replace=True)

    assert db_state() == before


def test_failure_in_publish_leaves_nothing(monkeypatch):
    def broken(report, comment=""):
        raise RuntimeError("сбой публикации")

    monkeypatch.setattr(workflow, "publish_archive", broken)
    with pytest.raises(RuntimeError):
        store_report(parsed_seed(SAYAN_2025), publish=True)
    assert Report.objects.count() == 0
    assert Municipality.objects.count() == 0
    assert Achievement.objects.count() == 0
