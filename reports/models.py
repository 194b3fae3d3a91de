from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .importer.limits import ITEM_MAX_LENGTH
from .status import Status

MIN_YEAR = 1990
MAX_YEAR = 2100
year_validators = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]


class History(HistoricalRecords):
    """simple-history's records, named in the admin "история: <the model's name>" in every model
    (also the item models, which inherit one from ReportItem)."""

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        options["verbose_name"] = format_lazy(_("история: {}"), model._meta.verbose_name)
        options["verbose_name_plural"] = format_lazy(_("история: {}"), model._meta.verbose_name_plural)
        return options


def published_q(through: str = "") -> Q:
    """The one definition of "visible to the public", as a condition: on reports themselves
    (`Report.objects.published()`), or through a relation to them (`published_q("reports__")` on
    municipalities, `published_q("report__")` on search rows)."""
    return Q(**{f"{through}status": Status.PUBLISHED})


class MunicipalityQuerySet(models.QuerySet):
    def with_published_reports(self):
        """Cities that have a published report: a semi-join (one index probe per city), not a
        join of every published report followed by DISTINCT."""
        return self.filter(Exists(Report.objects.published().filter(municipality=OuterRef("pk"))))

    def with_published_count(self):
        """Cities that have a published report, each with `published_count`."""
        return self.annotate(published_count=Count("reports", filter=published_q("reports__"))).filter(
            published_count__gt=0
        )


class Municipality(models.Model):
    name = models.CharField(
        _("название"),
        max_length=200,
        unique=True,
        help_text=_("Как город пишет своё название, например «Ленинск-Кузнецкий»."),
    )
    slug = models.SlugField(
        _("адрес на сайте"),
        max_length=200,
        unique=True,
        allow_unicode=False,
        help_text=_("Латиницей, для ссылок: например «leninsk-kuznetsky»."),
    )
    region = models.CharField(
        _("субъект РФ"),
        max_length=200,
        blank=True,
        db_index=True,
        help_text=_("Например «Республика Хакасия» или «Красноярский край»."),
    )
    website = models.URLField(_("официальный сайт"), blank=True)
    # Set only by `manage.py generate_demo_data` (devtools/, a development-only app).
    is_generated = models.BooleanField(
        _("сгенерирован"),
        default=False,
        db_default=False,  # raw INSERTs (scripts, tests) need not name the column
        editable=False,
        help_text=_("Создан командой generate_demo_data для нагрузочных испытаний, а не настоящий."),
    )

    history = History()

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("муниципалитет")
        verbose_name_plural = _("муниципалитеты")
        ordering = ["name"]
        # A region's cities by name: the cities page, the city select and a report's neighbours.
        indexes = [models.Index(fields=["region", "name"], name="municipality_region_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from .public.links import municipality_url

        return municipality_url(self.slug)


class ReportQuerySet(models.QuerySet):
    def published(self):
        """The reports the public may see (published_q)."""
        return self.filter(published_q())

    def with_municipality(self):
        return self.select_related("municipality")

    def for_public_list(self):
        """Published reports for lists: municipality joined, section sizes counted in SQL."""
        return (
            self.published()
            .select_related("municipality")
            .annotate(**self.section_sizes())
            .order_by("-year", "municipality__name")
        )

    @staticmethod
    def section_sizes() -> dict:
        """Annotations with the number of items of each section (`section.count_name`): one
        correlated subquery per section (joining all four sections at once would multiply their
        rows before grouping)."""
        from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
        from django.db.models.functions import Coalesce

        def size(model):
            counted = (
                model.objects.filter(report=OuterRef("pk"))
                .order_by()
                .values("report")
                .annotate(n=Count("id"))
                .values("n")
            )
            return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

        return {section.count_name: size(section.model) for section in SECTIONS}

    @staticmethod
    def section_prefetches():
        """Prefetch lookups of every section, in document order, each item with its themes (the page
        and the API show them), and of the outcomes of the tasks set for the report's year
        (reports.outcomes.plan.outcome_prefetch: only the publishable ones)."""
        from django.db.models import Prefetch

        from .outcomes.plan import outcome_prefetch

        return [
            Prefetch(section.key, queryset=section.model.objects.order_by("position", "id").prefetch_related("themes"))
            for section in SECTIONS
        ] + [outcome_prefetch()]

    def published_with_sections(self):
        """Published reports with their municipality and every section prefetched in document order
        (a whole report: its stored renderings, the API record, the JSON download)."""
        return self.published().select_related("municipality").prefetch_related(*self.section_prefetches())


class Report(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("муниципалитет"),
    )
    year = models.PositiveSmallIntegerField(
        _("отчётный год"),
        validators=year_validators,
        help_text=_("Год, о работе в котором этот отчёт. Задачи в отчёте — на следующий год."),
    )
    # Only reports/workflow.py writes status (editable=False keeps it out of every form).
    status = models.CharField(
        _("статус"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        editable=False,
        db_index=True,
    )
    # Optimistic lock: bumped by every save and every workflow transition,
    # checked inside the UPDATE (see reports/concurrency.py).
    version = models.PositiveIntegerField(_("версия"), default=1, editable=False)

    created_at = models.DateTimeField(_("создан"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменён"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("кем создан"),
    )
    submitted_at = models.DateTimeField(_("отправлен на проверку"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("кем отправлен"),
    )
    published_at = models.DateTimeField(_("опубликован"), null=True, blank=True, editable=False, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("кем опубликован"),
    )
    # Set only by `manage.py generate_demo_data` (devtools/, a development-only app).
    is_generated = models.BooleanField(
        _("сгенерирован"),
        default=False,
        db_default=False,  # raw INSERTs (scripts, tests) need not name the column
        editable=False,
        help_text=_("Создан командой generate_demo_data для нагрузочных испытаний, а не настоящий."),
    )

    history = History(excluded_fields=["updated_at"])
    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("отчёт")
        verbose_name_plural = _("отчёты")
        ordering = ["-year", "municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"],
                name="unique_report_per_municipality_year",
                violation_error_message=_("У этого муниципалитета уже есть отчёт за этот год."),
            ),
        ]
        indexes = [models.Index(fields=["status", "year"], name="report_status_year")]

    def __str__(self):
        return f"{self.municipality.name} — {self.year}"

    def get_absolute_url(self):
        """The public page (only meaningful while published)."""
        from .public.links import report_url

        return report_url(self.municipality.slug, self.year)

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED

    def get_admin_url(self):
        return reverse("admin:reports_report_change", args=[self.pk])


class ReportItem(models.Model):
    """An ordered paragraph or bullet of one section of a report (SECTIONS: which section is which)."""

    # "achievements", "problems", …: the section's key (ReportSection.key).
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="%(class)ss", verbose_name=_("отчёт"))
    text = models.TextField(_("текст"), max_length=ITEM_MAX_LENGTH)
    position = models.PositiveIntegerField(
        _("№"), default=0, help_text=_("Порядок в разделе; можно перетащить номером.")
    )
    # Themes (themes.Theme): suggested from the text by the themes' keyword rules while
    # `themes_confirmed` is off; once a moderator confirms or corrects them, they stand (no rule
    # change or edit of the text overrides them). Written only by themes/assign.py.
    themes = models.ManyToManyField("themes.Theme", blank=True, related_name="%(class)ss", verbose_name=_("темы"))
    themes_confirmed = models.BooleanField(
        _("темы проверены"),
        default=False,
        db_default=False,  # raw INSERTs (the generator, tests) need not name the column
        help_text=_("Отмечено модератором: темы подобраны верно и не меняются автоматически."),
    )

    history = History(inherit=True)

    class Meta:
        abstract = True
        # Document order within a report. Not "report" first: ordering by a foreign key orders by
        # the related model's own ordering, which joins the report and its municipality into
        # every item query.
        ordering = ["position", "id"]
        # The form says so too (max_length); this holds for every other way in.
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), ITEM_MAX_LENGTH), name="%(app_label)s_%(class)s_text_length"
            )
        ]

    def __str__(self):
        text = " ".join(self.text.split())
        return text if len(text) <= 80 else text[:79] + "…"


class Achievement(ReportItem):
    class Meta(ReportItem.Meta):
        verbose_name = _("достижение")
        verbose_name_plural = _("достижения")


class Problem(ReportItem):
    class Meta(ReportItem.Meta):
        verbose_name = _("проблема")
        verbose_name_plural = _("проблемы")


class Task(ReportItem):
    year = models.PositiveSmallIntegerField(
        _("на какой год"),
        validators=year_validators,
        blank=True,
        help_text=_("Обычно следующий за отчётным год. Оставьте пустым — подставится сам."),
    )

    class Meta(ReportItem.Meta):
        verbose_name = _("задача")
        verbose_name_plural = _("задачи")


class ProposalKind(models.TextChoices):
    METHODOLOGY = "methodology", _("Методические материалы, опыт других городов")
    CONFERENCE = "conference", _("Конференции и совещания: вопросы для обсуждения")
    TRAINING = "training", _("Обучение: темы курсов")
    OTHER = "other", _("Другое")


class Proposal(ReportItem):
    """What the city asks of the Association."""

    kind = models.CharField(
        _("что нужно"),
        max_length=20,
        choices=ProposalKind,
        default=ProposalKind.METHODOLOGY,
    )

    class Meta(ReportItem.Meta):
        # What the city asks of the Association: "requests", never "proposals of the Association",
        # which reads as the opposite (the model keeps its historical name).
        verbose_name = _("запрос к Ассоциации")
        verbose_name_plural = _("запросы к Ассоциации")


@dataclass(frozen=True)
class ReportSection:
    """One section of a report, as every part of the portal sees it: the page and its body, the
    list's counts and "has" filter, the snapshot and diff of versions, the CSV and JSON downloads,
    the API, the search index, the importer and the admin. They all read SECTIONS; adding a section
    is an item model (with its migration) and an entry here."""

    # The reverse accessor on Report, and the section's key in snapshots, the API, the search
    # index, the CSV and the page's anchors.
    key: str
    model: type
    title: Promise
    # The heading of the section's rows on the report form in the admin (numbered there in this order).
    admin_label: Promise
    # The link that adds a row of the section, in proper Russian («одно достижение», «одну задачу»):
    # Django's own «Добавить еще один %(verbose_name)s» does not agree in gender.
    add_label: Promise
    # An item's fields in the order they are shown and published (admin rows, the API), "text" included.
    layout: tuple[str, ...] = ("text",)
    # The list filter "Содержание": offered for this section with this label (None: not offered).
    has_label: Promise | None = None
    # What the API says about the section and about an item's text (in Russian, as the whole
    # OpenAPI document).
    api_help: str = ""
    api_text_help: str = ""

    @property
    def fields(self) -> tuple[str, ...]:
        """What an item holds besides its text and position ("year" of a task, "kind" of a proposal)."""
        return tuple(name for name in self.layout if name != "text")

    @property
    def count_name(self) -> str:
        """The annotation of Report.objects.for_public_list() with the number of items."""
        return f"{self.model._meta.model_name}_count"


SECTIONS = (
    ReportSection(
        "achievements",
        Achievement,
        _("Достижения"),
        _("Что удалось сделать за год (достижения)"),
        _("Добавить ещё одно достижение"),
        api_help="Достижения, в порядке документа.",
        api_text_help="Текст достижения.",
    ),
    ReportSection(
        "problems",
        Problem,
        _("Проблемы"),
        _("Что не получилось, трудности"),
        _("Добавить ещё одну проблему"),
        has_label=_("есть проблемы"),
        api_help="Проблемы, в порядке документа.",
        api_text_help="Текст проблемы.",
    ),
    ReportSection(
        "tasks",
        Task,
        _("Задачи на следующий год"),
        _("Задачи на следующий год"),
        _("Добавить ещё одну задачу"),
        ("text", "year"),
        has_label=_("есть задачи на следующий год"),
        api_help="Задачи на следующий год, в порядке документа.",
        api_text_help="Текст задачи.",
    ),
    ReportSection(
        "proposals",
        Proposal,
        _("Запросы к Ассоциации"),
        _("Что нужно от Ассоциации"),
        _("Добавить ещё один запрос"),
        ("kind", "text"),
        has_label=_("есть запросы к Ассоциации"),
        api_help="Запросы к Ассоциации (что город просит у неё), в порядке документа.",
        api_text_help="Текст запроса.",
    ),
)
SECTION_BY_KEY = {section.key: section for section in SECTIONS}
ITEM_MODELS = tuple(section.model for section in SECTIONS)


class ReportEvent(models.Model):
    """One workflow transition: who, when, why, and the whole report as it stood."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events", verbose_name=_("отчёт"))
    transition = models.CharField(_("действие"), max_length=32)
    from_status = models.CharField(_("был статус"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("стал статус"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("кто"),
    )
    # Kept as text so the timeline still names the person after their account is deleted.
    actor_name = models.CharField(_("кто (имя)"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("когда"), auto_now_add=True, db_index=True)
    comment = models.TextField(_("комментарий"), blank=True)
    # What readers of the site are told when a report is withdrawn (its former address says it);
    # the comment above stays between the Association and the city.
    public_comment = models.TextField(_("пояснение для читателей сайта"), blank=True)
    # Remarks on one section or one item, written when returning a report: a list of
    # {"section": key, "item": id or None, "number": n, "excerpt": "…", "text": "…"}
    # (reports/review_notes.py reads and writes them).
    notes = models.JSONField(_("замечания к разделам и пунктам"), default=list, blank=True)
    snapshot = models.JSONField(_("снимок отчёта"), default=dict)

    class Meta:
        verbose_name = _("событие отчёта")
        verbose_name_plural = _("события отчёта")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.report_id}: {self.transition} ({self.created_at:%d.%m.%Y %H:%M})"


from .outcomes.models import Outcome, TaskOutcome  # noqa: E402,F401
from .public.models import MunicipalityRendering, PublicGeneration, ReportRendering  # noqa: E402,F401
from .search.models import SearchDocument  # noqa: E402,F401
