"""The needs digest: grouping by kind and theme, counts, what is new, only published reports."""

import pytest

from insights.needs import needs_digest, needs_years
from reports.models import Proposal
from reports.status import Status

from .conftest import SECRET

pytestmark = pytest.mark.django_db


def texts(digest):
    return [r.text for kind in digest.kinds for group in kind.themes for r in group.requests]


def test_grouped_by_kind_then_theme(two_years):
    digest = needs_digest(2024)
    assert [k.kind for k in digest.kinds] == ["methodology", "conference", "training", "other"]
    methodology = digest.kinds[0]
    assert methodology.count == 2 and methodology.cities == 2
    assert [g.theme for g in methodology.themes] == ["ТОС"]
    assert [(r.municipality, r.text) for r in methodology.themes[0].requests] == [
        ("Когалым", "Как поддержать ТОС на севере"),
        ("Саяногорск", "Методички по ТОС"),
    ]
    other = digest.kinds[3]
    assert [g.theme for g in other.themes] == ["Без темы"]
    assert digest.total == 5 and digest.cities == 2 and digest.reports == 2
    assert digest.previous_total == 1 and digest.has_previous


def test_what_is_new(two_years):
    digest = needs_digest(2024)
    tos = digest.kinds[0].themes[0]
    # Саяногорск asked for methodology on ТОС in 2023 already: the group is not new, its request is
    # not new for Саяногорск; Когалым did not ask for it in 2023.
    assert not tos.is_new and tos.previous_count == 1
    assert {r.municipality: r.is_new for r in tos.requests} == {"Когалым": True, "Саяногорск": False}
    training = digest.kinds[2].themes[0]
    assert training.is_new and training.requests[0].is_new
    assert digest.new_groups == 3  # conference·Казачество, training·Молодёжь, other·no theme; not methodology·ТОС


def test_nothing_is_new_without_a_published_previous_year(two_years):
    digest = needs_digest(2023)
    assert not digest.has_previous
    assert not any(g.is_new or r.is_new for k in digest.kinds for g in k.themes for r in g.requests)


def test_a_request_with_two_themes_is_listed_under_each_and_counted_once(two_years, themes):
    proposal = Proposal.objects.get(text="Методички по ТОС")
    proposal.themes.add(themes["youth"])
    methodology = needs_digest(2024).kinds[0]
    assert [g.theme for g in methodology.themes] == ["ТОС", "Молодёжь"]
    assert methodology.count == 2


def test_only_published(two_years):
    assert SECRET not in " ".join(texts(needs_digest(2024)))
    assert needs_years() == [2024, 2023]  # not the draft's 2019
    assert needs_digest(2019) is None
    assert needs_digest(1900) is None


def test_a_year_with_reports_but_no_requests(city, report_with):
    report_with(city("Абаза", "abaza"), 2022)
    digest = needs_digest(2022)
    assert digest.is_empty and digest.reports == 1
    assert needs_years() == []


def test_withdrawn_reports_leave_the_digest(two_years, moderator):
    from reports import workflow

    report = two_years["kogalym"].reports.get(year=2024)
    workflow.perform(report, moderator, "withdraw", "ошибка")
    report.refresh_from_db()
    assert report.status == Status.WITHDRAWN
    assert "Как поддержать ТОС на севере" not in texts(needs_digest(2024))
