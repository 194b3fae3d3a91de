import pytest

from reports import workflow
from reports.status import Status


@pytest.mark.django_db
def test_report_goes_through_whole_workflow(
    make_report, city_editor, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    report = make_report(Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        report = workflow.submit(report, city_editor)
    assert report.status == Status.SUBMITTED
    assert [m.to for m in mailoutbox] == [["moderator@example.org"]]
    with django_capture_on_commit_callbacks(execute=True):
        report = workflow.publish(report, moderator)
    assert report.status == Status.PUBLISHED
    assert mailoutbox[-1].to == ["sayan_editor@example.org"]
    assert report.events.count() == 2
