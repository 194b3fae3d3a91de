"""Serializers of the open data API (and of the site's JSON download, reports/public/exports.py).

Everything here is read-only and describes published reports only: the querysets come from
Report.objects.published() in the views; the serializers never look at the status.
"""

from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from themes.models import Theme

from ..models import SECTIONS, Municipality, ProposalKind, Report
from ..outcomes.models import Outcome, TaskOutcome


class MunicipalitySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="Название муниципалитета, например «Саяногорск».")
    slug = serializers.SlugField(
        read_only=True,
        help_text="Адрес муниципалитета на сайте латиницей, например «sayanogorsk»; "
        "его же принимает фильтр municipality.",
    )
    region = serializers.CharField(
        read_only=True,
        help_text="Субъект Российской Федерации, например «Республика Хакасия»; пустая строка, если не указан.",
    )

    class Meta:
        model = Municipality
        fields = ["name", "slug", "region"]
        read_only_fields = fields


KIND_HELP = "Что город просит у Ассоциации: код вида запроса (значения и их смысл — ниже)."
# The API's description of an item's fields besides its text (ReportSection.fields).
ITEM_FIELDS = {
    "year": lambda: serializers.IntegerField(
        read_only=True, help_text="На какой год поставлена задача (обычно следующий за отчётным)."
    ),
    "kind": lambda: serializers.ChoiceField(choices=ProposalKind.choices, read_only=True, help_text=KIND_HELP),
}


class ThemeRefSerializer(serializers.ModelSerializer):
    """Тема пункта: адрес и название."""

    slug = serializers.SlugField(
        read_only=True, help_text="Адрес темы латиницей, например «tos»; страница темы — /themes/{slug}/."
    )
    name = serializers.CharField(read_only=True, help_text="Название темы, например «ТОС».")

    class Meta:
        model = Theme
        fields = ["slug", "name"]
        read_only_fields = fields


THEMES_HELP = (
    "Темы пункта (список тем — /api/themes/): подобраны по словам текста или проверены модератором Ассоциации."
)


def item_serializer(section) -> type[serializers.ModelSerializer]:
    """The serializer of one section's items (AchievementSerializer, …: the names the OpenAPI
    document's schemas take): the item's fields in the section's layout, then its themes."""
    meta = type("Meta", (), {"model": section.model, "fields": [*section.layout, "themes"]})
    declared = {name: ITEM_FIELDS[name]() for name in section.fields}
    text = serializers.CharField(read_only=True, help_text=section.api_text_help)
    themes = ThemeRefSerializer(many=True, read_only=True, help_text=THEMES_HELP)
    return type(
        f"{section.model.__name__}Serializer",
        (serializers.ModelSerializer,),
        {"text": text, **declared, "themes": themes, "Meta": meta},
    )


ITEM_SERIALIZERS = {section.key: item_serializer(section) for section in SECTIONS}


class TaskOutcomeSerializer(serializers.ModelSerializer):
    """Задача, поставленная городом на отчётный год в прошлом отчёте, и что с ней стало."""

    task_id = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Номер задачи в прошлом отчёте; null, если задачу оттуда с тех пор удалили (текст сохранён).",
    )
    planned_in = serializers.SerializerMethodField(
        help_text="Год отчёта, в котором задача поставлена (обычно предыдущий); null, если задача удалена."
    )
    task_text = serializers.CharField(read_only=True, help_text="Текст задачи, как он был в прошлом отчёте.")
    outcome = serializers.SerializerMethodField(
        help_text="Итог: код (значения — ниже); null, если город итог не указал."
    )
    outcome_label = serializers.SerializerMethodField(
        help_text="Итог словами, по-русски («выполнена», «перенесена»…); null, если не указан."
    )
    comment = serializers.CharField(read_only=True, help_text="Пояснение города к итогу; пустая строка, если его нет.")

    class Meta:
        model = TaskOutcome
        fields = ["task_id", "planned_in", "task_text", "outcome", "outcome_label", "comment"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_planned_in(self, row) -> int | None:
        return row.task.report.year if row.task_id else None  # task__report joined (outcome_prefetch)

    @extend_schema_field(serializers.ChoiceField(choices=Outcome.choices, allow_null=True))
    def get_outcome(self, row) -> str | None:
        return row.outcome or None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_outcome_label(self, row) -> str | None:
        if not row.outcome:
            return None
        with translation.override("ru"):  # the open data is in Russian, whatever the request's language
            return str(Outcome(row.outcome).label)


def absolute(serializer, path: str) -> str:
    """A page's full address for the request being answered (the path alone without one: the
    stored documents of reports.public.renderings, made absolute when served)."""
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class ReportListSerializer(serializers.ModelSerializer):
    """Отчёт в списке: чей, за какой год, где его читать на портале."""

    # (The docstrings of these serializers are the descriptions in the OpenAPI document: in Russian.)

    id = serializers.IntegerField(read_only=True, help_text="Номер отчёта; по нему — /api/reports/{id}/.")
    municipality = MunicipalitySerializer(read_only=True, help_text="Муниципалитет, подготовивший отчёт.")
    year = serializers.IntegerField(read_only=True, help_text="Отчётный год.")
    url = serializers.SerializerMethodField(help_text="Полный адрес страницы отчёта на портале.")
    published_at = serializers.DateTimeField(
        read_only=True, help_text="Когда отчёт опубликован (ISO 8601, с часовым поясом)."
    )

    class Meta:
        model = Report
        fields = ["id", "municipality", "year", "url", "published_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, report) -> str:
        return absolute(self, report.get_absolute_url())


class ReportDetailSerializer(ReportListSerializer):
    """Отчёт целиком: поля из списка, четыре раздела отчёта в порядке документа и итоги задач,
    поставленных на отчётный год."""

    # Expects Report.objects.published_with_sections() (sections prefetched in position order, no query per
    # report); reports/public/exports.py uses it with many=True for the site's JSON download.

    def get_fields(self):
        fields = super().get_fields()
        for section in SECTIONS:
            fields[section.key] = ITEM_SERIALIZERS[section.key](many=True, read_only=True, help_text=section.api_help)
        fields["outcomes"] = TaskOutcomeSerializer(
            many=True,
            read_only=True,
            help_text="Выполнение задач, поставленных городом на отчётный год в прошлых отчётах: "
            "что стало с каждой (пустой список, если таких задач нет или отчёт импортирован из архива).",
        )
        return fields


class ThemeSerializer(serializers.ModelSerializer):
    """Тема работы с общественностью и сколько у неё пунктов в опубликованных отчётах."""

    slug = serializers.SlugField(read_only=True, help_text="Адрес темы латиницей, например «tos».")
    name = serializers.CharField(read_only=True, help_text="Название темы, например «ТОС».")
    description = serializers.CharField(read_only=True, help_text="Что относится к теме; может быть пустой строкой.")
    url = serializers.SerializerMethodField(help_text="Полный адрес страницы темы на портале.")
    published_count = serializers.IntegerField(
        read_only=True, help_text="Сколько пунктов опубликованных отчётов относится к теме."
    )

    class Meta:
        model = Theme
        fields = ["slug", "name", "description", "url", "published_count"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, theme) -> str:
        from django.urls import reverse

        return absolute(self, reverse("themes:theme_detail", args=[theme.slug]))
