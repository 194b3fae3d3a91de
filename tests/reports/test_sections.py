"""The sections of a report are defined once (reports.models.SECTIONS) and every part of the
portal reads them from there: a section added to SECTIONS (with its model) appears everywhere,
in the same order, without another list to edit."""

import csv
import io

import pytest
from django.contrib import admin

from reports.api.serializers import ReportDetailSerializer
from reports.importer.loader import section_counts
from reports.importer.parser import ParsedReport
from reports.models import ITEM_MODELS, SECTIONS, Report
from reports.outcomes.models import TaskOutcome
from reports.public.filters import SECTION_CHOICES
from reports.search.models import SearchDocument, Section
from reports.snapshots import diff_snapshots, report_snapshot
from reports.status import Status

KEYS = [section.key for section in SECTIONS]
ITEM_BOOKKEEPING = {"id", "report", "position"}
# Every item's themes (themes/): how the Association files it, not what the city wrote.
ITEM_THEMES = {"themes_confirmed"}


def test_each_item_model_is_one_section_named_by_its_accessor_on_report():
    assert [section.model for section in SECTIONS] == list(ITEM_MODELS)
    assert len(set(KEYS)) == len(KEYS)
    for section in SECTIONS:
        assert section.model._meta.get_field("report").remote_field.related_name == section.key
        assert hasattr(Report, section.key)


def test_the_layout_names_every_field_an_item_holds():
    for section in SECTIONS:
        stored = {field.name for field in section.model._meta.concrete_fields} - ITEM_BOOKKEEPING - ITEM_THEMES
        assert set(section.layout) == stored, section.key
        assert "text" in section.layout


def test_the_importers_parsed_report_has_a_list_per_section():
    parsed = ParsedReport(municipality="Город", year=2024)
    assert list(section_counts(parsed)) == KEYS


def test_search_documents_are_the_municipality_and_one_kind_per_section():
    assert Section.values == ["municipality", *KEYS]
    assert [str(label) for label in Section.labels[1:]] == [str(section.title) for section in SECTIONS]
    assert SearchDocument._meta.get_field("section").choices == Section.choices


def test_the_list_filter_offers_the_sections_that_have_a_label():
    assert [key for key, _label in SECTION_CHOICES] == [s.key for s in SECTIONS if s.has_label]


def test_the_admin_form_has_one_numbered_inline_per_section_in_order():
    report_admin = admin.site._registry[Report]
    # Then the fifth part, how the tasks set for the year turned out (reports/admin/outcomes.py).
    assert [inline.model for inline in report_admin.inlines] == [*ITEM_MODELS, TaskOutcome]
    assert (
        str(report_admin.inlines[-1].verbose_name_plural)
        == f"{len(SECTIONS) + 1}. Как выполнены задачи, поставленные на этот год"
    )
    for number, (inline, section) in enumerate(zip(report_admin.inlines, SECTIONS), 1):
        assert str(inline.verbose_name_plural) == f"{number}. {section.admin_label}"
        assert inline.fields == ("position", *section.layout)


@pytest.mark.django_db
def test_snapshot_diff_api_csv_and_page_follow_the_sections(make_report, sayan, client):
    published = make_report(Status.PUBLISHED, municipality=sayan)
    snapshot = report_snapshot(published)
    assert [key for key in snapshot if key in KEYS] == KEYS
    for section in SECTIONS:
        (item,) = snapshot[section.key]
        assert set(item) == set(section.layout)
    assert [d.key for d in diff_snapshots(snapshot, snapshot)][1:] == KEYS

    data = ReportDetailSerializer(Report.objects.published_with_sections().get(pk=published.pk)).data
    assert [key for key in data if key in KEYS] == KEYS
    for section in SECTIONS:
        assert list(data[section.key][0]) == [*section.layout, "themes"]

    rows = list(
        csv.reader(io.StringIO(client.get("/reports/export.csv").getvalue().decode("utf-8-sig")), delimiter=";")
    )
    assert [row[3] for row in rows[1:]] == [str(section.title) for section in SECTIONS]

    page = client.get(published.get_absolute_url()).content.decode()
    positions = [page.index(f'id="{section.key}"') for section in SECTIONS]
    assert positions == sorted(positions)

    listed = Report.objects.for_public_list().get(pk=published.pk)
    assert [getattr(listed, section.count_name) for section in SECTIONS] == [1] * len(SECTIONS)


def test_every_item_model_keeps_its_history_under_its_own_name():
    for section in SECTIONS:
        historical = section.model.history.model
        assert str(historical._meta.verbose_name) == f"история: {section.model._meta.verbose_name}"
        assert {f.name for f in historical._meta.fields} >= {"report", *section.layout, "history_user"}


def test_the_fourth_section_is_what_the_city_asks_of_the_association_everywhere():
    """«Предложения Ассоциации» reads as the Association's own proposals, the opposite of what the
    section holds; one name, «Запросы к Ассоциации», in the registry, the models and every text."""
    from pathlib import Path

    from django.conf import settings

    from reports.models import SECTION_BY_KEY, Proposal

    assert str(SECTION_BY_KEY["proposals"].title) == "Запросы к Ассоциации"
    assert str(Proposal._meta.verbose_name_plural) == "запросы к Ассоциации"
    catalog = (Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert "редложения Ассоциации" not in catalog and "редложение Ассоциации" not in catalog
