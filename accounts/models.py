from django.contrib.auth.models import AbstractUser
from django.db import models
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

    class Meta(AbstractUser.Meta):
        verbose_name = _("пользователь")
        verbose_name_plural = _("пользователи")

    def __str__(self):
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username
