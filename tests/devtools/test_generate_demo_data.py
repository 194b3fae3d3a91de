"""manage.py generate_demo_data: synthetic municipalities and reports for load tests.

Small sizes here; the same code writes 350,000 reports (see devtools/synthetic/bulk.py).
"""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.validators import validate_slug
from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast

from devtools.synthetic import generator
from reports import search
from reports.models import (
    ITEM_MODELS,
    Achievement,
    Municipality,
    Problem,
    Proposal,
    ProposalKind,
    Report,
    ReportEvent,
    Task,
)
from reports.search.models import SearchDocument
from reports.status import Status

pytestmark = pytest.mark.django_db

# 6 municipalities × 5 years (2021–2025): 30 reports; with this seed in every status but withdrawn.
ARGS = ["--municipalities", "6", "--years", "5", "--seed", "5"]
SECTIONS = {"achievements": Achievement, "problems": Problem, "tasks": Task, "proposals": Proposal}


def generate(*args):
    out = StringIO()
    call_command("generate_demo_data", *args, stdout=out)
    return out.getvalue()


def content():
    """Everything generated, without database ids (which differ between runs)."""
    key = {r.pk: (r.municipality.name, r.year) for r in Report.objects.select_related("municipality")}
    return {
        "municipalities": sorted(Municipality.objects.values_list("name", "slug", "region", "website", "is_generated")),
        "reports": sorted(
            (key[r[0]], *r[1:])
            for r in Report.objects.values_list(
                "pk", "status", "version", "created_at", "updated_at", "submitted_at", "published_at", "is_generated"
            )
        ),
        "items": {
            model.__name__: sorted(
                (key[row["report_id"]], row["position"], row["text"], row.get("year"), row.get("kind"))
                for row in model.objects.values()
            )
            for model in ITEM_MODELS
        },
        "events": sorted(
            (
                key[e.report_id],
                e.transition,
                e.from_status,
                e.to_status,
                e.actor_name,
                e.created_at,
                e.comment,
                {k: v for k, v in e.snapshot.items() if k != "municipality"},
            )
            for e in ReportEvent.objects.all()
        ),
        "documents": documents(key),
    }


def documents(key=None, report_ids=None):
    rows = SearchDocument.objects.all()
    if report_ids is not None:
        rows = rows.filter(report_id__in=report_ids)
    rows = rows.annotate(v=Cast("vector", TextField())).values_list(
        "report_id", "section", "position", "text", "stems", "v"
    )
    return sorted(((key[r[0]] if key else r[0]), *r[1:]) for r in rows)


def counts():
    return {
        "municipalities": Municipality.objects.count(),
        "reports": Report.objects.count(),
        "items": sum(model.objects.count() for model in ITEM_MODELS),
        "events": ReportEvent.objects.count(),
        "documents": SearchDocument.objects.count(),
        "history": sum(m.history.count() for m in (Municipality, Report, *ITEM_MODELS)),
    }


# --- the generated data ---------------------------------------------------------------------


def test_same_seed_gives_the_same_data_and_another_seed_other_data():
    out = generate(*ARGS)
    assert "Готово: муниципалитетов 6, отчётов 30" in out
    assert "строк/с" in out
    first = content()
    assert first["reports"] and all(first["items"].values()) and first["documents"]

    generate(*ARGS, "--clear")
    assert content() == first

    generate(*ARGS, "--clear", "--seed", "6")
    other = content()
    assert other["municipalities"] != first["municipalities"]
    assert other["items"]["Achievement"] != first["items"]["Achievement"]
    assert len(other["reports"]) == len(first["reports"]) == 30


def test_counts_sections_and_statuses():
    generate(*ARGS)
    reports = list(Report.objects.select_related("municipality"))
    assert len(reports) == 30
    assert Municipality.objects.count() == 6
    assert {r.year for r in reports} == {2021, 2022, 2023, 2024, 2025}
    for municipality in Municipality.objects.all():
        assert municipality.reports.count() == 5
    statuses = {r.status for r in reports}
    assert {Status.PUBLISHED, Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED} <= statuses, statuses
    assert sum(r.status == Status.PUBLISHED for r in reports) >= 25  # most

    for r in reports:
        assert r.is_generated and r.municipality.is_generated
        sizes = {name: model.objects.filter(report=r).count() for name, model in SECTIONS.items()}
        assert generator.ACHIEVEMENTS[0] <= sizes["achievements"] <= generator.ACHIEVEMENTS[1]
        assert generator.PROBLEMS[0] <= sizes["problems"] <= generator.PROBLEMS[1]
        assert generator.TASKS[0] <= sizes["tasks"] <= generator.TASKS[1]
        assert generator.PROPOSALS[0] <= sizes["proposals"] <= generator.PROPOSALS[1]
        for name, model in SECTIONS.items():
            positions = list(model.objects.filter(report=r).order_by("position").values_list("position", flat=True))
            assert positions == list(range(1, sizes[name] + 1))
        assert set(r.tasks.values_list("year", flat=True)) == {r.year + 1}
        assert set(r.proposals.values_list("kind", flat=True)) <= set(ProposalKind.values)
        # Dates derive from the year; the publication is in February–April of the next one.
        assert r.created_at <= r.updated_at and r.created_at.year == r.year + 1
        if r.status == Status.PUBLISHED:
            assert datetime(r.year + 1, 2, 1, tzinfo=UTC) <= r.submitted_at < r.published_at
            assert r.published_at < datetime(r.year + 1, 5, 21, tzinfo=UTC)
            assert list(r.events.values_list("transition", "from_status", "to_status", "actor", "created_at")) == [
                ("publish_archive", Status.DRAFT, Status.PUBLISHED, None, r.published_at)
            ]
            assert r.search_documents.count() == 1 + sum(sizes.values())
        else:
            assert r.published_at is None
            assert (r.submitted_at is None) == (r.status == Status.DRAFT)
            assert not r.events.exists() and not r.search_documents.exists()
    # Section sizes vary between reports, and so do texts and their lengths.
    assert len({r.achievements.count() for r in reports}) > 3
    texts = list(Achievement.objects.values_list("text", flat=True))
    assert len(set(texts)) > 0.8 * len(texts)
    assert min(map(len, texts)) < 150 < max(map(len, texts))


def test_everything_passes_model_validation():
    generate("--municipalities", "3", "--years", "2")
    for municipality in Municipality.objects.all():
        municipality.full_clean()
        validate_slug(municipality.slug)
    for model in (Report, *ITEM_MODELS):
        for obj in model.objects.all():
            obj.full_clean()


def test_no_history_and_no_mail(mailoutbox):
    generate(*ARGS)
    assert counts()["history"] == 0
    assert mailoutbox == []


def test_search_documents_are_those_of_index_report():
    """The bulk-written index equals what reports.search.index writes (vector included on PostgreSQL)."""
    generate(*ARGS)
    published = list(Report.objects.published().values_list("pk", flat=True))
    written = documents()
    assert {row[0] for row in written} == set(published)
    if connection.vendor == "postgresql":
        assert all(row[5] for row in written)
    for pk in published:
        search.index_report(pk)
    assert documents() == written


def test_search_finds_generated_reports_but_not_hidden_ones():
    generate(*ARGS)
    hidden = set(Report.objects.exclude(status=Status.PUBLISHED).values_list("pk", flat=True))
    assert hidden
    report = Report.objects.published().select_related("municipality").first()
    word = report.achievements.order_by("position").first().text.split()[-1].strip(".,;«»")
    hits = search.search(word)
    assert hits and all(hit.report.status == Status.PUBLISHED for hit in hits)
    assert report.pk in {hit.report.pk for hit in hits}
    # A municipality's name finds its published reports only.
    municipality = Municipality.objects.filter(reports__pk__in=hidden).first()
    found = {hit.report.pk for hit in search.search(municipality.name)}
    assert found >= set(Report.objects.published().filter(municipality=municipality).values_list("pk", flat=True))
    assert not found & hidden
    assert not set(search.matching_report_ids(word)) & hidden


def test_published_reports_show_on_public_pages(client):
    generate(*ARGS)
    published = Report.objects.published()
    assert published.count() == Report.objects.filter(is_generated=True, status=Status.PUBLISHED).count() > 0
    assert client.get("/").status_code == 200
    response = client.get("/reports/")
    assert response.status_code == 200
    page = response.content.decode()
    assert published.order_by("-year", "municipality__name").first().municipality.name in page
    report = published.select_related("municipality").first()
    assert client.get(report.get_absolute_url()).status_code == 200
    hidden = Report.objects.exclude(status=Status.PUBLISHED).select_related("municipality").first()
    assert client.get(f"/reports/{hidden.municipality.slug}/{hidden.year}/").status_code == 404
    api = client.get(f"/api/reports/{report.pk}/")
    assert api.status_code == 200
    assert "is_generated" not in api.content.decode()
    assert "is_generated" not in client.get(report.get_absolute_url()).content.decode()
    exported = client.get("/reports/export.json")
    assert exported.status_code == 200
    body = b"".join(exported.streaming_content) if exported.streaming else exported.content
    assert report.municipality.name in body.decode() and "is_generated" not in body.decode()


# --- refusing, --allow-real-data, --clear ------------------------------------------------------


def test_refuses_when_there_are_real_reports(make_report):
    make_report(Status.PUBLISHED)
    before = counts()
    with pytest.raises(CommandError, match="настоящие отчёты.*--allow-real-data"):
        generate(*ARGS)
    with pytest.raises(CommandError, match="настоящие отчёты"):
        generate(*ARGS, "--clear")
    assert counts() == before
    assert not Municipality.objects.filter(is_generated=True).exists()


def test_refusal_exits_non_zero(make_report, capsys, monkeypatch):
    """From the shell: a message on stderr and exit code 1."""
    from django.core.management import execute_from_command_line
    from django.db import connections

    make_report(Status.DRAFT)
    monkeypatch.setattr(connections, "close_all", lambda: None)  # keep the test's connection open
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "generate_demo_data", *ARGS])
    assert exit_.value.code == 1
    assert "настоящие отчёты" in capsys.readouterr().err
    assert not Report.objects.filter(is_generated=True).exists()


def test_allow_real_data_adds_beside_real_data_and_clear_removes_only_generated(make_report, sayan):
    real = make_report(Status.PUBLISHED, municipality=sayan)
    search.index_report(real.pk)
    real_before = content()

    generate(*ARGS, "--allow-real-data")

    assert Report.objects.filter(is_generated=True).count() == 30
    assert Municipality.objects.filter(is_generated=True).count() == 6
    assert not Municipality.objects.filter(is_generated=True, name=sayan.name).exists()
    real.refresh_from_db()
    assert not real.is_generated and real.status == Status.PUBLISHED
    assert search.search("Саяногорск")[0].report == real

    generate(*ARGS, "--allow-real-data", "--clear")  # again, from scratch
    assert Report.objects.filter(is_generated=True).count() == 30

    from devtools.synthetic.bulk import clear_generated

    assert clear_generated() == (30, 6)
    assert content() == real_before


def test_rerun_without_clear_refuses_and_changes_nothing():
    generate(*ARGS)
    before = content()
    with pytest.raises(CommandError, match="уже есть сгенерированные данные.*--clear"):
        generate(*ARGS)
    assert content() == before


def test_clear_also_drops_memberships_of_generated_municipalities(make_user):
    generate(*ARGS)
    user = make_user("tester")
    user.municipalities.add(Municipality.objects.filter(is_generated=True).first())
    generate("--municipalities", "2", "--years", "1", "--clear")
    assert Municipality.objects.count() == 2
    assert get_user_model().objects.get(pk=user.pk).municipalities.count() == 0


def test_years_options():
    generate("--municipalities", "1", "--years", "3", "--first-year", "2000")
    assert sorted(Report.objects.values_list("year", flat=True)) == [2000, 2001, 2002]
    with pytest.raises(CommandError, match="Годы отчётов"):
        generate("--municipalities", "1", "--first-year", "2099", "--clear")
    with pytest.raises(CommandError):
        generate("--municipalities", "0", "--clear")


def test_batch_size_does_not_change_the_data():
    generate(*ARGS, "--batch-size", "7")
    small = content()
    generate(*ARGS, "--clear")
    assert content() == small


# --- names ------------------------------------------------------------------------------------


def test_names_at_national_scale_are_distinct_with_valid_slugs():
    made = generator.municipalities(17_500, seed=1, taken_names=["Абакан"], taken_slugs=["abakan"])
    assert len({generator._fold(m.name) for m in made}) == len({m.slug for m in made}) == 17_500
    for m in made[:2000]:
        validate_slug(m.slug)
        assert len(m.slug) <= 200 and m.region
    assert len({m.region for m in made}) > 30
    assert made[:100] == generator.municipalities(100, seed=1, taken_names=["Абакан"], taken_slugs=["abakan"])


def test_too_many_municipalities_is_a_clear_error():
    with pytest.raises(generator.GenerationError, match="различных названий"):
        generator.municipalities(generator.MAX_MUNICIPALITIES + 1, seed=1)


def test_invalid_slug_would_be_caught():
    """(The check above is meaningful: validate_slug refuses Cyrillic.)"""
    with pytest.raises(ValidationError):
        validate_slug("кедровск")
