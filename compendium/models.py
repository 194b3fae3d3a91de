"""The yearly compendium: the Association's foreword, the files built, and the state of their builds."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from reports.models import year_validators


class Foreword(models.Model):
    """The Association's word at the start of one year's compendium (edited in the admin)."""

    year = models.PositiveSmallIntegerField(
        _("год сборника"),
        unique=True,
        validators=year_validators,
        help_text=_("Отчётный год, сборнику которого предпослано это слово (например, 2024)."),
    )
    title = models.CharField(
        _("заголовок"),
        max_length=200,
        default=_("Слово Ассоциации"),
        help_text=_("Так раздел будет назван в сборнике и в его оглавлении."),
    )
    text = models.TextField(
        _("текст"),
        help_text=_(
            "Обычный текст, без оформления. Пустая строка между абзацами начинает новый абзац. "
            "Сборник пересобирается сам через несколько минут после сохранения."
        ),
    )
    signature = models.CharField(
        _("подпись"),
        max_length=300,
        blank=True,
        help_text=_("Например: «Исполнительный директор Ассоциации И. И. Иванов». Можно оставить пустой."),
    )
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    class Meta:
        verbose_name = _("слово Ассоциации")
        verbose_name_plural = _("слова Ассоциации к сборникам")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.title} ({self.year})"

    def paragraphs(self) -> list[str]:
        return [" ".join(p.split()) for p in self.text.replace("\r\n", "\n").split("\n\n") if p.strip()]


class FileFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"


class CompendiumFile(models.Model):
    """One built file of a year's compendium, the one served at /compendium/<year>.<format>.

    `reports` records which reports it was made from and when each was published: the download
    serves it only while every one of them is still published with that date (a withdrawn report,
    or one withdrawn and published again, makes the file unservable until it is rebuilt)."""

    year = models.PositiveSmallIntegerField(_("год"), validators=year_validators)
    format = models.CharField(_("формат"), max_length=8, choices=FileFormat)
    file_name = models.CharField(_("файл"), max_length=200, help_text=_("Имя файла в хранилище (MEDIA_ROOT)."))
    built_at = models.DateTimeField(_("собран"))
    seconds = models.FloatField(_("собирался, с"), default=0)
    report_count = models.PositiveIntegerField(_("отчётов"))
    size = models.PositiveBigIntegerField(_("размер, байт"))
    sha256 = models.CharField(_("контрольная сумма"), max_length=64)
    # {"<report id>": "<published_at, ISO>"}
    reports = models.JSONField(_("отчёты в сборнике"), default=dict)

    class Meta:
        verbose_name = _("файл сборника")
        verbose_name_plural = _("файлы сборников")
        ordering = ["-year", "format"]
        constraints = [models.UniqueConstraint(fields=["year", "format"], name="compendium_file_per_year_format")]

    def __str__(self):
        return f"{self.year}.{self.format}"


class BuildState(models.Model):
    """A year's builds: when one was last asked for (debounce) and who is building now (a lease).

    The lease is taken by a conditional UPDATE of this row (compendium.locks), which is atomic in
    every database and across processes and holds no transaction open while a build runs; a
    build that died leaves a lease that expires after COMPENDIUM_BUILD_TIMEOUT seconds."""

    year = models.PositiveSmallIntegerField(_("год"), unique=True, validators=year_validators)
    requested_at = models.DateTimeField(_("пересборка запрошена"), null=True, blank=True)
    # The request the last finished build covered (its requested_at when it started).
    built_request = models.DateTimeField(_("последняя сборка по запросу от"), null=True, blank=True)
    lease_token = models.CharField(_("собирает"), max_length=64, blank=True)
    lease_until = models.DateTimeField(_("сборка занята до"), null=True, blank=True)
    last_error = models.TextField(_("последняя ошибка"), blank=True)

    class Meta:
        verbose_name = _("сборник за год")
        verbose_name_plural = _("сборники по годам")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)

    @property
    def pending(self) -> bool:
        return self.requested_at is not None and (self.built_request is None or self.requested_at > self.built_request)
