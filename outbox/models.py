"""Every e-mail the portal sends, as a row: written in the transaction that causes it, delivered
by the job queue after the commit, retried with backoff while the mail server is down, and kept
as «не доставлено» (visible in the back office) when it finally fails — so no notification is
lost silently."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("ждёт отправки")
        SENT = "sent", _("отправлено")
        FAILED = "failed", _("не доставлено")

    to = models.CharField(_("кому"), max_length=320)
    subject = models.CharField(_("тема"), max_length=300)
    body = models.TextField(_("текст"))
    # What the letter is about, for people reading the list («transition:submit», «campaign:invite»).
    kind = models.CharField(_("вид"), max_length=60, blank=True, db_index=True)
    state = models.CharField(_("состояние"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("попыток"), default=0)
    last_error = models.TextField(_("последняя ошибка"), blank=True)
    created_at = models.DateTimeField(_("создано"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("отправлено"), null=True, blank=True)

    class Meta:
        verbose_name = _("письмо")
        verbose_name_plural = _("письма")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.to}: {self.subject}"
