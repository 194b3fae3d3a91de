from datetime import date

import pytest
from django.core import mail

from accounts.roles import MUNICIPAL_EDITORS
from campaigns.models import Membership, ReportingCampaign
from reports.models import Municipality

OPENS = date(2026, 1, 15)
DEADLINE = date(2026, 3, 1)


@pytest.fixture
def members(sayan, kogalym, city_editor, other_editor):
    """Саяногорск and Когалым are members since 2020; Абакан has never been one."""
    for municipality in (sayan, kogalym):
        Membership.objects.create(municipality=municipality, since=date(2020, 1, 1))
    Municipality.objects.create(name="Абакан", slug="abakan", region="Республика Хакасия")
    return {"sayan": sayan, "kogalym": kogalym}


@pytest.fixture
def abakan_editor(make_user):
    return make_user("abakan_editor", MUNICIPAL_EDITORS, [Municipality.objects.get(slug="abakan")])


@pytest.fixture
def campaign(db):
    return ReportingCampaign.objects.create(year=2025, opens_on=OPENS, deadline=DEADLINE, instructions="Пишите кратко.")


@pytest.fixture
def letters(django_capture_on_commit_callbacks):
    """Run the block with its on-commit work done (the outbox delivers), then return the letters
    sent in it: letters(lambda: …) → [(to, subject, body)]."""

    def run(action):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = action()
        run.result = result
        return [(m.to[0], m.subject, m.body) for m in mail.outbox]

    return run
