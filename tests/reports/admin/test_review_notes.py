"""Remarks on sections and items when a report is returned (issue 14, item 22): written on the
return page, stored on the event, shown to the city next to the item, in the status panel, in the
e-mail and in the timeline; the same return without any comment or remark is refused."""

import pytest
from django.core import mail

from reports.models import ReportEvent
from reports.status import Status

from .helpers import admin_urls, transition_url

pytestmark = pytest.mark.django_db


def _return_with_notes(client, report, **fields):
    achievement = report.achievements.get()
    data = {"comment": "", **fields}
    data = {key.replace("ACH", str(achievement.pk)): value for key, value in data.items()}
    return client.post(transition_url(report, "request_changes"), data)


def test_the_return_page_offers_a_remark_for_every_section_and_item(login, make_report):
    report = make_report(Status.SUBMITTED)
    page = login("moderator").get(transition_url(report, "request_changes")).content.decode()

    for key in ("achievements", "problems", "tasks", "proposals"):
        assert f'name="note-{key}"' in page
        item = getattr(report, key).get()
        assert f'name="note-{key}-{item.pk}"' in page
    assert "Проведён форум ТОС 2024" in page  # the item's text, so the moderator knows which one


def test_remarks_alone_return_the_report_and_reach_the_city_next_to_the_item(
    login, make_report, city_editor, django_capture_on_commit_callbacks
):
    report = make_report(Status.SUBMITTED)
    client = login("moderator")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = _return_with_notes(
            client,
            report,
            **{"note-achievements-ACH": "Укажите, сколько человек пришло", "note-problems": "Раздел слишком краткий"},
        )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.CHANGES_REQUESTED
    event = ReportEvent.objects.filter(report=report).latest("id")
    achievement = report.achievements.get()
    assert event.notes == [
        {
            "section": "achievements",
            "item": achievement.pk,
            "number": 1,
            "excerpt": "Проведён форум ТОС 2024",
            "text": "Укажите, сколько человек пришло",
        },
        {"section": "problems", "item": None, "number": None, "excerpt": "", "text": "Раздел слишком краткий"},
    ]

    # The e-mail to the city names the item and carries the remark.
    [letter] = [m for m in mail.outbox if city_editor.email in m.to]
    assert "Достижение 1 («Проведён форум ТОС 2024»): Укажите, сколько человек пришло" in letter.body
    assert "Раздел «Проблемы»: Раздел слишком краткий" in letter.body

    # The city's form: the remark under the item's text box, and the list in the status panel.
    page = login("city").get(admin_urls(report)["change"]).content.decode()
    row_start = page.index('name="achievements-0-text"')
    row = page[row_start : page.index("</td>", row_start)]
    assert "Укажите, сколько человек пришло" in row
    assert 'class="reviewer-note"' in row
    panel = page[page.index('class="workflow-notes"') :]
    assert "Раздел «Проблемы»" in panel[: panel.index("</div>")]
    # …and the timeline keeps it.
    timeline = page[page.index('class="timeline-list"') :]
    assert "Укажите, сколько человек пришло" in timeline


def test_remarks_are_escaped(login, make_report):
    report = make_report(Status.SUBMITTED)
    _return_with_notes(login("moderator"), report, **{"note-achievements-ACH": "<script>alert(1)</script>"})

    page = login("city").get(admin_urls(report)["change"]).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_return_with_neither_comment_nor_remark_is_refused_and_keeps_the_state(login, make_report):
    report = make_report(Status.SUBMITTED)
    response = _return_with_notes(login("moderator"), report, **{"note-achievements-ACH": "   "})

    assert response.status_code == 200
    assert "хотя бы к одному разделу или пункту" in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_remarks_are_no_longer_shown_once_the_city_resubmits(login, make_report):
    report = make_report(Status.SUBMITTED)
    _return_with_notes(login("moderator"), report, **{"note-achievements-ACH": "Уточните число участников"})
    client = login("city")
    assert "Уточните число участников" in client.get(admin_urls(report)["change"]).content.decode()

    client.post(transition_url(report, "submit"), {"comment": ""})
    page = login("moderator").get(admin_urls(report)["change"]).content.decode()
    assert 'class="reviewer-note"' not in page
    assert 'class="workflow-notes"' not in page
    assert "Уточните число участников" in page[page.index('class="timeline-list"') :]  # history keeps it


def test_a_remark_on_an_item_of_another_report_cannot_be_smuggled_in(login, make_report, kogalym, other_editor):
    report = make_report(Status.SUBMITTED)
    other = make_report(Status.DRAFT, municipality=kogalym, city=other_editor)
    foreign = other.achievements.get()
    login("moderator").post(
        transition_url(report, "request_changes"),
        {"comment": "Исправьте", f"note-achievements-{foreign.pk}": "чужой пункт"},
    )
    event = ReportEvent.objects.filter(report=report).latest("id")
    assert event.notes == []  # only the fields of this report's own items are read


def test_other_transitions_take_no_remarks(login, make_report):
    report = make_report(Status.SUBMITTED)
    achievement = report.achievements.get()
    page = login("moderator").get(transition_url(report, "publish")).content.decode()
    assert "note-achievements" not in page

    login("moderator").post(
        transition_url(report, "publish"), {"comment": "", f"note-achievements-{achievement.pk}": "x"}
    )
    assert ReportEvent.objects.filter(report=report).latest("id").notes == []
