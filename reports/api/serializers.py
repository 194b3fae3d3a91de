"""Serializers of the open data API (and of the site's JSON download, reports/public/exports.py).

Everything here is read-only and describes published reports only: the querysets come from
Report.objects.published() in the views; the serializers never look at the status.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Achievement, Municipality, Problem, Proposal, ProposalKind, Report, Task


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


class AchievementSerializer(serializers.ModelSerializer):
    text = serializers.CharField(read_only=True, help_text="Текст достижения.")

    class Meta:
        model = Achievement
        fields = ["text"]


class ProblemSerializer(serializers.ModelSerializer):
    text = serializers.CharField(read_only=True, help_text="Текст проблемы.")

    class Meta:
        model = Problem
        fields = ["text"]


class TaskSerializer(serializers.ModelSerializer):
    text = serializers.CharField(read_only=True, help_text="Текст задачи.")
    year = serializers.IntegerField(
        read_only=True, help_text="На какой год поставлена задача (обычно следующий за отчётным)."
    )

    class Meta:
        model = Task
        fields = ["text", "year"]


KIND_HELP = "Что город просит у Ассоциации: код вида предложения (значения и их смысл — ниже)."


class ProposalSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ProposalKind.choices, read_only=True, help_text=KIND_HELP)
    text = serializers.CharField(read_only=True, help_text="Текст предложения.")

    class Meta:
        model = Proposal
        fields = ["kind", "text"]


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
        path = report.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ReportDetailSerializer(ReportListSerializer):
    """Отчёт целиком: поля из списка и четыре раздела отчёта в порядке документа."""

    # Expects Report.objects.for_detail() (sections prefetched in position order, no query per
    # report); reports/public/exports.py uses it with many=True for the site's JSON download.

    achievements = AchievementSerializer(many=True, read_only=True, help_text="Достижения, в порядке документа.")
    problems = ProblemSerializer(many=True, read_only=True, help_text="Проблемы, в порядке документа.")
    tasks = TaskSerializer(many=True, read_only=True, help_text="Задачи на следующий год, в порядке документа.")
    proposals = ProposalSerializer(
        many=True, read_only=True, help_text="Предложения Ассоциации, в порядке документа."
    )

    class Meta(ReportListSerializer.Meta):
        fields = ReportListSerializer.Meta.fields + ["achievements", "problems", "tasks", "proposals"]
        read_only_fields = fields
