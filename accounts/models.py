from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who works in the back office.

    The role is the user's group (see accounts/roles.py); a municipal editor is
    additionally bound to the municipalities whose reports they write.
    """

    municipalities = models.ManyToManyField(
        "reports.Municipality",
        blank=True,
        related_name="editors",
        verbose_name=_("муниципалитеты"),
        help_text=_("Только для редакторов муниципалитетов: отчёты каких городов человек ведёт."),
    )
    position = models.CharField(_("должность"), max_length=200, blank=True)
    language = models.CharField(
        _("язык писем"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="ru",
        help_text=_("На каком языке портал пишет этому человеку письма (приглашения, напоминания, уведомления)."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("пользователь")
        verbose_name_plural = _("пользователи")

    def __str__(self):
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username


class PasswordResetRequest(models.Model):
    """One "forgot password" request, kept an hour to limit how many an address or an e-mail
    may make (accounts/password_reset.py). In the database, so every worker counts the same."""

    address = models.GenericIPAddressField(_("адрес"), null=True, blank=True)
    # A keyed hash, not the address typed: the table must not become a list of who asked.
    email_digest = models.CharField(_("хэш e-mail"), max_length=32)
    created_at = models.DateTimeField(_("когда"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("запрос восстановления пароля")
        verbose_name_plural = _("запросы восстановления пароля")
        indexes = [models.Index(fields=["email_digest", "created_at"], name="reset_email_time")]

    def __str__(self):
        return f"{self.address or '—'} {self.created_at:%Y-%m-%d %H:%M}"


class LoginFailure(models.Model):
    """One failed sign-in: the name typed, from which client address, when (accounts/throttle.py).
    In the database, so every worker and every container counts the same."""

    username = models.CharField(_("имя пользователя"), max_length=150, db_index=True)
    address = models.GenericIPAddressField(_("адрес"), null=True, blank=True)
    at = models.DateTimeField(_("когда"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("неудачный вход")
        verbose_name_plural = _("неудачные входы")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["username", "address", "at"], name="login_failure_pair"),
            models.Index(fields=["address", "at"], name="login_failure_address"),
        ]

    def __str__(self):
        return f"{self.username} @ {self.address or '—'}"
