"""Debounce and the per-year lease: after publications settle, never two builds of a year at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from compendium import build, locks, schedule
from compendium.models import BuildState
from reports import workflow
from reports.models import Report

pytestmark = pytest.mark.django_db


def test_the_lease_is_taken_once_and_released():
    first = locks.acquire(2024)
    assert first
    assert locks.acquire(2024) is None  # a second builder of the same year is refused
    assert locks.acquire(2025)  # another year is free
    with pytest.raises(locks.Busy):
        build.build_now(2024)
    locks.release(2024, first)
    assert locks.acquire(2024)


def test_a_dead_builders_lease_expires():
    assert locks.acquire(2024)
    BuildState.objects.filter(year=2024).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert locks.acquire(2024)


def test_release_by_another_token_changes_nothing():
    token = locks.acquire(2024)
    locks.release(2024, "someone-else")
    assert locks.acquire(2024) is None
    locks.release(2024, token)


def test_a_publication_asks_for_a_debounced_build(
    year_reports, moderator, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.COMPENDIUM_DEBOUNCE_SECONDS = 300
    sent = []
    from compendium import tasks

    monkeypatch.setattr(tasks.rebuild_compendium, "apply_async", lambda args, countdown: sent.append((args, countdown)))
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(Report.objects.get(pk=year_reports[0].pk), moderator, "withdraw", "ошибка")
    assert len(sent) == 1
    (year, stamp), countdown = sent[0]
    assert year == 2024 and countdown == 300
    assert BuildState.objects.get(year=2024).requested_at.isoformat() == stamp


def test_only_the_latest_request_builds(year_reports, monkeypatch):
    built = []
    monkeypatch.setattr(build, "build_now", lambda year: built.append(year))
    schedule.request_rebuild(2024)
    older = BuildState.objects.get(year=2024).requested_at
    schedule.request_rebuild(2024)
    assert schedule.debounced_build(2024, older) == schedule.SUPERSEDED
    latest = BuildState.objects.get(year=2024).requested_at
    assert schedule.debounced_build(2024, latest) == schedule.BUILT
    assert built == [2024]


def test_a_build_serves_the_requests_before_it_and_then_nothing_is_pending(year_reports):
    schedule.request_rebuild(2024)
    assert schedule.needs_build(2024)
    assert schedule.debounced_build(2024, BuildState.objects.get(year=2024).requested_at) == schedule.BUILT
    assert not schedule.needs_build(2024)
    assert schedule.debounced_build(2024, None) == schedule.FRESH


def test_busy_year_is_left_for_later(year_reports):
    schedule.request_rebuild(2024)
    token = locks.acquire(2024)
    assert schedule.debounced_build(2024, None) == schedule.BUSY
    locks.release(2024, token)


def test_pending_years_wait_for_the_debounce(settings):
    settings.COMPENDIUM_DEBOUNCE_SECONDS = 300
    schedule.request_rebuild(2024)
    assert schedule.pending_years() == []
    BuildState.objects.filter(year=2024).update(requested_at=timezone.now() - timedelta(seconds=301))
    assert schedule.pending_years() == [2024]


def test_management_command_builds_synchronously(year_reports, capsys):
    from django.core.management import call_command

    call_command("build_compendium", "2024")
    out = capsys.readouterr().out
    assert "PDF" in out and "DOCX" in out and "отчётов 2" in out


def test_a_change_of_themes_asks_for_the_years_books_again(year_reports):
    """The annex groups the year's requests by theme: a theme change reaches the book too."""
    from django.db import transaction

    from reports import publication

    before = BuildState.objects.get(year=2024).requested_at  # the publications' request
    with transaction.atomic():
        publication.themes_changed([year_reports[0].pk])
    assert BuildState.objects.get(year=2024).requested_at > before
