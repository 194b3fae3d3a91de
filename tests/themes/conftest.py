import pytest
from django.db import transaction

from reports import publication
from reports.status import Status
from themes import assign
from themes.models import Theme


def themes_of(item) -> list[str]:
    """The slugs of an item's themes, in the themes' order."""
    return list(type(item).objects.get(pk=item.pk).themes.order_by("position", "name").values_list("slug", flat=True))


def suggest_and_publish(report_ids) -> None:
    """What the importer and the report form do for items they write: suggest, then tell the public side."""
    with transaction.atomic():
        changed = assign.suggest_for_reports(report_ids)
        publication.themes_changed(changed)


def make_curated_themes() -> None:
    """The themes of the data migration, made again if a test that really commits emptied the
    database before (browser tests, transaction=True: their order among them is not ours)."""
    import importlib

    from django.apps import apps

    importlib.import_module("themes.migrations.0002_curated_themes").create(apps, None)


@pytest.fixture
def curated_themes(db):
    make_curated_themes()


@pytest.fixture
def themed_report(make_report, moderator):
    """make_report(...) whose items got their suggested themes (ТОС; молодёжь; ТОС; казачество).
    Another city's report is written by the Association (the city editor is Саяногорск's)."""

    def make(status=Status.PUBLISHED, **kwargs):
        if kwargs.get("municipality") is not None and kwargs["municipality"].slug != "sayanogorsk":
            kwargs.setdefault("city", moderator)
        report = make_report(status, **kwargs)
        suggest_and_publish([report.pk])
        return report

    return make


@pytest.fixture
def theme(db):
    return Theme.objects.get(slug="tos")
