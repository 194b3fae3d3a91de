"""The e-mails of the yearly collection, each in its recipient's language, into the outbox."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from outbox.services import enqueue


def admin_url(name: str, *args) -> str:
    return settings.PORTAL_BASE_URL + reverse(name, args=args)


def send(users, template: str, context: dict, kind: str) -> list[str]:
    """Render `campaigns/email/<template>_subject.txt` and `_body.txt` for each user in their
    language and put the letters in the outbox; return the addresses."""
    sent = []
    for user in users:
        with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
            personal = {**context, "user": user}
            subject = render_to_string(f"campaigns/email/{template}_subject.txt", personal)
            body = render_to_string(f"campaigns/email/{template}_body.txt", personal)
        enqueue(user.email, subject, body, kind=kind)
        sent.append(user.email)
    return sent
