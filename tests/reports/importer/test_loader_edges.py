"""Edge cases of the loader and the command: races, replace bookkeeping, unsupported files."""

import pytest
from django.core.management import call_command

from reports.importer.loader import REPLACED, ImportRefused, store_report
from reports.importer.parser import parse_file
from reports.models import Municipality, Report

from .helpers import seed_path

pytestmark = pytest.mark.django_db


def test_a_report_created_concurrently_is_refused_not_a_500(monkeypatch):
    parsed = parse_file(seed_path("000"))
    # The existence check sees nothing, but the INSERT hits the unique constraint,
    # as when another upload commits between the two.
    municipality = Municipality.objects.create(name="Саяногорск", slug="sayanogorsk")
    Report.objects.create(municipality=municipality, year=parsed.year)
    real_filter = Report.objects.select_for_update

    class EmptyFirst:
        def filter(self, **kwargs):
            return Report.objects.none()

    monkeypatch.setattr(Report.objects, "select_for_update", lambda: EmptyFirst())
    with pytest.raises(ImportRefused, match="только что создал кто-то другой"):
        store_report(parsed, municipality=municipality)
    monkeypatch.setattr(Report.objects, "select_for_update", real_filter)
    assert Report.objects.filter(municipality=municipality).count() == 1
    assert Report.objects.get(municipality=municipality).achievements.count() == 0


def test_replace_touches_the_report_and_leaves_a_history_row():
    parsed = parse_file(seed_path("000"))
    first = store_report(parsed).report
    history_before = first.history.count()
    updated_before = first.updated_at
    result = store_report(parsed, replace=True)
    assert result.outcome == REPLACED
    report = Report.objects.get(pk=first.pk)
    assert report.version == first.version + 1
    assert report.updated_at > updated_before
    assert report.history.count() == history_before + 1


def test_explicit_file_of_another_type_gets_a_line_and_nonzero_exit(tmp_path, capsys):
    other = tmp_path / "notes.md"
    other.write_text(seed_path("000").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_reports", str(other))
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "notes.md" in err and ".txt и .docx" in err
    assert Report.objects.count() == 0
