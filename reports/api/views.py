"""The open data API: published reports, read-only, anonymous; and its documentation page.

Every queryset starts from Report.objects.published(); drafts, reports on review, returned
and withdrawn ones are never listed and are 404 by id (the same 404 as an unknown id).
"""

import json

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from themes.counts import count_annotations
from themes.models import Theme

from ..facets import published_regions, published_years
from ..models import MAX_YEAR, MIN_YEAR, SECTIONS, ProposalKind, Report
from ..outcomes.models import Outcome
from ..public import renderings, sharing
from .filters import ApiReportFilter
from .serializers import ReportDetailSerializer, ReportListSerializer, ThemeSerializer

ORDERING = ("-year", "municipality__name", "pk")
REPORT_NOT_FOUND = "Опубликованного отчёта с таким номером нет."
# The answer to ?year=abc of a client that asks for no language (LANGUAGE_CODE): the schema's
# example and the documentation page's, in both of its languages.
BAD_YEAR = {"year": ["Введите целое число."]}


class ReportPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    page_query_description = "Номер страницы, с 1."
    page_size_query_description = "Сколько отчётов на странице: по умолчанию 50, не больше 200."

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        # The licence of the texts and data, before the results (reports/public/sharing.py).
        body = {key: value for key, value in response.data.items() if key != "results"}
        response.data = {**body, "license": sharing.licence_document(), "results": response.data["results"]}
        return response

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        props = result["properties"]
        props["license"] = {
            "type": "object",
            "description": "Лицензия текстов и данных отчётов: название и адрес её текста.",
            "properties": {
                "name": {"type": "string", "example": sharing.LICENCE_NAME},
                "url": {"type": "string", "format": "uri", "example": sharing.LICENCE_URL},
            },
            "required": ["name", "url"],
        }
        result["required"] = [*result.get("required", []), "license"]
        props["count"].update(description="Сколько всего отчётов подходит под фильтры.", example=120)
        props["next"].update(
            description="Полный адрес следующей страницы или null.",
            example="https://example.org/api/reports/?page=3",
        )
        props["previous"].update(
            description="Полный адрес предыдущей страницы или null.",
            example="https://example.org/api/reports/?page=1",
        )
        props["results"]["description"] = "Отчёты этой страницы."
        return result


def _filter_parameter(name, kind):
    return OpenApiParameter(
        name, kind, OpenApiParameter.QUERY, description=ApiReportFilter.base_filters[name].extra["help_text"]
    )


# Spelled out (not only inferred from the filter set) so the types and the Russian texts are fixed.
LIST_PARAMETERS = [
    _filter_parameter("year", OpenApiTypes.INT),
    _filter_parameter("municipality", OpenApiTypes.STR),
    _filter_parameter("region", OpenApiTypes.STR),
    _filter_parameter("q", OpenApiTypes.STR),
    OpenApiParameter(
        "page", OpenApiTypes.INT, OpenApiParameter.QUERY, description=ReportPagination.page_query_description
    ),
    OpenApiParameter(
        "page_size",
        OpenApiTypes.INT,
        OpenApiParameter.QUERY,
        description=ReportPagination.page_size_query_description,
    ),
]

NOT_FOUND = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="Нет такой страницы или такого опубликованного отчёта.",
    examples=[OpenApiExample("Не найдено", value={"detail": REPORT_NOT_FOUND})],
)
BAD_FILTER = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="Неверное значение фильтра: по каждому такому параметру — список сообщений об ошибке.",
    examples=[OpenApiExample("Год — не число", value=BAD_YEAR)],
)


@extend_schema_view(
    list=extend_schema(
        summary="Список опубликованных отчётов",
        description="Опубликованные отчёты, сначала за последний год, внутри года — по названию муниципалитета. "
        "Постранично, по 50 на странице. Фильтры можно сочетать. "
        "Неверное значение фильтра — ответ 400 с описанием ошибки по каждому параметру.",
        parameters=LIST_PARAMETERS,
        responses={200: ReportListSerializer(many=True), 400: BAD_FILTER, 404: NOT_FOUND},
        tags=["Отчёты"],
    ),
    retrieve=extend_schema(
        summary="Отчёт целиком",
        description="Опубликованный отчёт со всеми разделами: достижения, проблемы, задачи на следующий год "
        "и запросы к Ассоциации, в порядке документа. Неопубликованный или несуществующий отчёт — 404.",
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Номер отчёта (поле id).")
        ],
        responses={200: ReportDetailSerializer, 404: NOT_FOUND},
        tags=["Отчёты"],
    ),
)
class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Опубликованные отчёты городов АСДГ: только чтение, без регистрации. Описание API — /api/."""

    permission_classes = [AllowAny]
    authentication_classes = []
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApiReportFilter
    pagination_class = ReportPagination
    queryset = Report.objects.published()  # for the schema; the real ones are below

    def get_queryset(self):
        # Not for_public_list(): its four section counts are not part of the API and cost a join each.
        return Report.objects.published().with_municipality().order_by(*ORDERING)

    def retrieve(self, request, *args, **kwargs):
        """The report's stored open-data document (ReportDetailSerializer's output, made when the
        report was published or changed): one query, no serializer per request."""
        pk = str(kwargs[self.lookup_url_kwarg or self.lookup_field])
        valid = pk.isascii() and pk.isdigit() and len(pk) < 19  # a bigint
        document = renderings.report_document_for(int(pk)) if valid else None
        if document is None:
            # One answer for "no such id" and "not published": nothing to tell them apart.
            raise NotFound(REPORT_NOT_FOUND)
        document["url"] = request.build_absolute_uri(document["url"])
        return Response(document)

    def filter_queryset(self, queryset):
        # Filters narrow the list only; a report's own address does not depend on them.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset).order_by(*ORDERING)

    def finalize_response(self, request, response, *args, **kwargs):
        # Every answer names the licence of what it carries (RFC 8288: rel="license").
        return sharing.with_licence_link(super().finalize_response(request, response, *args, **kwargs))

    def get_view_name(self):
        # Also called on views built only for the browsable page's breadcrumbs (no .action there).
        return "Отчёт" if getattr(self, "detail", False) else "Отчёты"

    def get_serializer_class(self):
        return ReportDetailSerializer if self.action == "retrieve" else ReportListSerializer


# --- the human documentation page ---------------------------------------------------------

EXAMPLE_ITEMS = 2
EXAMPLE_TEXT = 140

STATIC_EXAMPLE = {
    "id": 1,
    "municipality": {"name": "Саяногорск", "slug": "sayanogorsk", "region": "Республика Хакасия"},
    "year": 2024,
    "url": "https://example.org/reports/sayanogorsk/2024/",
    "published_at": "2025-03-14T10:30:00+07:00",
    "achievements": [
        {
            "text": "Проведён форум территориального общественного самоуправления (ТОС).",
            "themes": [{"slug": "tos", "name": "ТОС"}],
        }
    ],
    "problems": [
        {
            "text": "Сложно привлечь молодёжь к работе ТОС.",
            "themes": [{"slug": "tos", "name": "ТОС"}, {"slug": "youth", "name": "Молодёжь"}],
        }
    ],
    "tasks": [{"text": "Провести городской форум ТОС.", "year": 2025, "themes": [{"slug": "tos", "name": "ТОС"}]}],
    "proposals": [
        {
            "kind": "methodology",
            "text": "Опыт других городов по работе с молодёжью.",
            "themes": [{"slug": "youth", "name": "Молодёжь"}],
        }
    ],
    "outcomes": [
        {
            "task_id": 7,
            "planned_in": 2023,
            "task_text": "Создать совет ТОС при администрации.",
            "outcome": "done",
            "outcome_label": "выполнена",
            "comment": "Совет собирается раз в квартал.",
        }
    ],
}
LIST_KEYS = ("id", "municipality", "year", "url", "published_at")


def _abridge(detail: dict) -> dict:
    """The first items of each section, long texts cut: enough to show the shape."""
    result = dict(detail)
    for key, text in [*((section.key, "text") for section in SECTIONS), ("outcomes", "task_text")]:
        items = []
        for item in detail.get(key, [])[:EXAMPLE_ITEMS]:
            item = dict(item)
            if len(item[text]) > EXAMPLE_TEXT:
                item[text] = item[text][: EXAMPLE_TEXT - 1].rstrip() + "…"
            items.append(item)
        result[key] = items
    return result


def _dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def _lower_first(text) -> str:
    """A section's title in the middle of a sentence: «Запросы к Ассоциации» → «запросы к Ассоциации»."""
    text = str(text)  # in the request's language
    return text[:1].lower() + text[1:]


@require_safe
def docs(request):
    """/api/: what the data is, the endpoints with their parameters and examples. No JavaScript."""
    report = Report.objects.published_with_sections().order_by("-published_at", "-pk").first()
    if report is not None:
        detail = _abridge(dict(ReportDetailSerializer(report, context={"request": request}).data))
    else:
        detail = STATIC_EXAMPLE
    total = Report.objects.published().count()
    list_url = request.build_absolute_uri(reverse("api:report-list"))
    list_example = {
        "count": total or 1,
        "next": f"{list_url}?page=2" if total > ReportPagination.page_size else None,
        "previous": None,
        "results": [{key: detail[key] for key in LIST_KEYS}],
    }
    municipalities = (
        Report.objects.published()
        .order_by("municipality__name")
        .values_list("municipality__name", "municipality__slug")
        .distinct()
    )
    years = published_years()
    regions = published_regions()
    context = {
        "list_url": list_url,
        "detail_url": request.build_absolute_uri(reverse("api:report-detail", args=[detail["id"]])),
        "schema_url": request.build_absolute_uri(reverse("api:schema")),
        "export_csv_url": request.build_absolute_uri(reverse("public:export_csv")),
        "export_json_url": request.build_absolute_uri(reverse("public:export_json")),
        "example_is_real": report is not None,
        "example": detail,
        "list_example_json": _dump(list_example),
        "detail_example_json": _dump(detail),
        "total": total,
        "years": years,
        "regions": regions,
        "example_year": years[0] if years else STATIC_EXAMPLE["year"],
        "example_region": regions[0] if regions else STATIC_EXAMPLE["municipality"]["region"],
        "proposal_kinds": ProposalKind.choices,
        "outcome_choices": Outcome.choices,
        "sections": [(section.key, _lower_first(section.title)) for section in SECTIONS],
        "bad_filter_example": json.dumps(BAD_YEAR, ensure_ascii=False),
        "municipalities": list(municipalities),
        "min_year": MIN_YEAR,
        "max_year": MAX_YEAR,
        "page_size": ReportPagination.page_size,
        "max_page_size": ReportPagination.max_page_size,
    }
    return render(request, "api/docs.html", context)


@extend_schema_view(
    list=extend_schema(
        summary="Темы",
        description="Все темы работы с общественностью в порядке, заданном Ассоциацией, и у каждой — сколько "
        "пунктов опубликованных отчётов к ней относится. Темы пунктов — в поле themes каждого пункта отчёта.",
        tags=["Темы"],
    )
)
class ThemeViewSet(viewsets.GenericViewSet):
    """Темы работы с общественностью (список без страниц: их около двадцати)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    serializer_class = ThemeSerializer
    pagination_class = None

    def get_queryset(self):
        return Theme.objects.annotate(**count_annotations()).order_by("position", "name")

    def list(self, request, *args, **kwargs):
        data = self.get_serializer(self.get_queryset(), many=True).data
        return Response(data)

    def finalize_response(self, request, response, *args, **kwargs):
        return sharing.with_licence_link(super().finalize_response(request, response, *args, **kwargs))

    def get_view_name(self):
        return "Темы"
