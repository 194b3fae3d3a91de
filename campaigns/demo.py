"""The demo's part of the yearly collection: every city with a report in the demo data is a member
of the Association (since 2015), so a campaign opened on the demo data invites and reminds its
demo editors (their addresses are username@example.org; the console backend prints the letters)."""

from datetime import date

from reports.models import Municipality

from .models import Membership

DEMO_MEMBERS_SINCE = date(2015, 1, 1)


def ensure_memberships(stdout=None) -> int:
    created = 0
    for municipality in Municipality.objects.filter(reports__isnull=False).distinct().order_by("name"):
        if not municipality.memberships.exists():
            Membership.objects.create(municipality=municipality, since=DEMO_MEMBERS_SINCE)
            created += 1
            if stdout:
                stdout.write(f"  {municipality.name}: член Ассоциации с {DEMO_MEMBERS_SINCE:%d.%m.%Y}")
    return created
