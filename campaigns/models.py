"""The yearly collection of reports: which municipalities are members of the Association, the
campaign of each reporting year (opening date, deadline, instructions, an optional common
publication date) and the log of every invitation and reminder sent (so none is sent twice)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reports.models import Municipality, year_validators


class MembershipQuerySet(models.QuerySet):
    def on(self, day):
        """Memberships in force on `day` (a date in the portal's time zone)."""
        return self.filter(Q(until__isnull=True) | Q(until__gte=day), since__lte=day)


class Membership(models.Model):
    """A period in which a municipality is a member of the Association. Only members are invited
    and reminded; a city that left keeps its archived reports."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("муниципалитет")
    )
    since = models.DateField(_("член Ассоциации с"))
    until = models.DateField(_("по"), null=True, blank=True, help_text=_("Пусто — член Ассоциации и сейчас."))

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("членство в Ассоциации")
        verbose_name_plural = _("членство в Ассоциации")
        ordering = ["municipality__name", "-since"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")), name="membership_until_after_since"
            )
        ]

    def __str__(self):
        until = self.until.strftime("%d.%m.%Y") if self.until else "…"
        return f"{self.municipality}: {self.since:%d.%m.%Y} — {until}"

    def clean(self):
        if self.until and self.since and self.until < self.since:
            raise ValidationError({"until": _("Конец членства не может быть раньше его начала.")})
        if self.municipality_id and self.since:
            overlapping = Membership.objects.filter(municipality_id=self.municipality_id).exclude(pk=self.pk)
            end = self.until
            overlapping = overlapping.filter(Q(until__isnull=True) | Q(until__gte=self.since))
            if end is not None:
                overlapping = overlapping.filter(since__lte=end)
            if overlapping.exists():
                raise ValidationError(_("Этот период пересекается с другим периодом членства этого муниципалитета."))


def members_on(day):
    """Municipalities that are members of the Association on `day`."""
    return Municipality.objects.filter(pk__in=Membership.objects.on(day).values("municipality_id"))


class ReportingCampaign(models.Model):
    """The collection of the reports of one reporting year."""

    year = models.PositiveSmallIntegerField(
        _("отчётный год"),
        unique=True,
        validators=year_validators,
        help_text=_("Год, о работе в котором пишут отчёты. Для каждого года — одна кампания."),
        error_messages={"unique": _("Кампания за этот год уже есть.")},
    )
    opens_on = models.DateField(_("открывается"), help_text=_("С этого дня города получают приглашение."))
    deadline = models.DateField(
        _("срок сдачи"), help_text=_("До этого дня включительно отчёт нужно отправить на проверку.")
    )
    instructions = models.TextField(
        _("указания городам"),
        blank=True,
        help_text=_("Что и как написать в этом году. Это увидят редакторы городов на своей странице и в приглашении."),
    )
    publication_date = models.DateField(
        _("общая дата публикации"),
        null=True,
        blank=True,
        help_text=_(
            "Если указана, одобренные отчёты ждут этого дня и публикуются все вместе. "
            "Если пусто, отчёт публикуется сразу после одобрения."
        ),
    )
    opened_at = models.DateTimeField(_("приглашения разосланы"), null=True, blank=True, editable=False)
    closed_on = models.DateField(
        _("закрыта"), null=True, blank=True, help_text=_("После закрытия напоминания больше не рассылаются.")
    )

    class Meta:
        verbose_name = _("кампания сбора отчётов")
        verbose_name_plural = _("кампании сбора отчётов")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("opens_on")), name="campaign_deadline_after_opening"
            )
        ]

    def __str__(self):
        return str(_("Отчёты за %(year)s год") % {"year": self.year})

    def clean(self):
        if self.opens_on and self.deadline and self.deadline < self.opens_on:
            raise ValidationError({"deadline": _("Срок сдачи не может быть раньше открытия кампании.")})
        if self.publication_date and self.opens_on and self.publication_date < self.opens_on:
            raise ValidationError({"publication_date": _("Дата публикации не может быть раньше открытия кампании.")})

    def is_open_on(self, day) -> bool:
        return self.opens_on <= day and (self.closed_on is None or day < self.closed_on)


class SentNotice(models.Model):
    """One invitation or reminder that went out (or was superseded by a later one): its key is
    unique, so the same reminder is never sent twice, and of two runs at the same time one sends."""

    key = models.CharField(_("ключ"), max_length=200, unique=True)
    campaign = models.ForeignKey(
        ReportingCampaign,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("кампания"),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("муниципалитет")
    )
    rule = models.CharField(_("правило"), max_length=40)
    day = models.DateField(_("за какой день"))
    recipients = models.TextField(_("кому"), blank=True)
    # False: due together with a later reminder of the same kind, which was sent instead.
    sent = models.BooleanField(_("отправлено"), default=True)
    created_at = models.DateTimeField(_("когда"), auto_now_add=True)

    class Meta:
        verbose_name = _("отправленное напоминание")
        verbose_name_plural = _("отправленные напоминания")
        ordering = ["-created_at"]

    def __str__(self):
        return self.key
