"""Upload a report document (.docx or .txt) and get a prefilled draft to check.

The file is parsed in memory; nothing is stored unless it parses. If the municipality and year
are free, the draft is created in one transaction and the user sees what was recognised and what
was skipped. If that report exists and the user may replace its content (reports.permissions:
a draft or a report returned for changes, that the user may edit), the page first shows what the
file would change, section by section; on confirmation the content is replaced in one
transaction, from the version the user saw (a report saved meanwhile is not overwritten).

The Word template (reports/importer/template.py) is downloaded from here too.
"""

import io
import secrets
from pathlib import PurePath

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import is_association_editor
from portal.text import fold

from .. import permissions
from ..concurrency import StaleReportError
from ..importer.assemble import MAX_YEAR, MIN_YEAR
from ..importer.changes import compare, parsed_from_data, parsed_to_data
from ..importer.loader import REPLACED, UNCHANGED, ImportRefused, find_municipality, store_report
from ..importer.parser import ParseError, parse_bytes
from ..importer.template import MUNICIPALITY_PLACEHOLDER, build_template
from ..models import SECTIONS, Municipality, Report

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
ALLOWED_SUFFIXES = {".docx", ".txt"}
SESSION_KEY = "report_import_summary"
# A replacement waiting for its confirmation: the report, the file's items, the notes.
REPLACE_KEY = "report_import_replacement"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def default_year() -> int:
    """The year a report is written for now (last year), as the start page proposes it."""
    return timezone.localdate().year - 1


def only_municipality(user) -> Municipality | None:
    """The municipality of an editor who may write reports for exactly one, else None (always None
    for association editors: they may also upload the report of a city the portal does not know)."""
    if is_association_editor(user):
        return None
    municipalities = list(permissions.editable_municipalities(user)[:2])
    return municipalities[0] if len(municipalities) == 1 else None


class UploadForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=gettext_lazy("Муниципалитет"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("Можно не выбирать: город возьмётся из первой строки документа."),
    )
    year = forms.IntegerField(
        label=gettext_lazy("Отчётный год"),
        required=False,
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        widget=forms.NumberInput(attrs={"class": "year-number"}),
        help_text=gettext_lazy(
            "Можно не указывать: год возьмётся из заголовка «Что наиболее значительное удалось сделать … "
            "в … году». Если указан, год в документе должен с ним совпасть."
        ),
    )
    document = forms.FileField(
        label=gettext_lazy("Файл отчёта"),
        help_text=gettext_lazy("Документ Word (.docx) или текстовый файл (.txt), не больше 2 МБ."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["municipality"]
        field.queryset = permissions.editable_municipalities(user)
        self.only = only_municipality(user)
        if self.only is not None:
            # One city: it is chosen already, and there is nothing else to choose.
            field.initial = self.only.pk
            field.empty_label = None
            field.help_text = gettext_lazy("Вы ведёте отчёты только этого муниципалитета.")
        self.parsed = None
        self.existing = None  # the report this file would replace (the person may replace it)

    def clean_document(self):
        upload = self.cleaned_data["document"]
        suffix = PurePath(upload.name or "").suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(
                _("Загрузите файл .docx или .txt. Старые документы .doc сохраните в Word как .docx.")
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Файл больше 2 МБ — это не похоже на отчёт."))
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        try:
            self.parsed = parse_bytes(data, filename=upload.name)
        except ParseError as error:
            raise forms.ValidationError(
                _("Не удалось прочитать отчёт: %(error)s") % {"error": error.translate(_)}
            ) from None
        return upload

    def clean(self):
        data = super().clean()
        if self.parsed is None:
            return data
        year = data.get("year")
        if year and year != self.parsed.year:
            self.add_error(
                "year",
                _(
                    "В документе отчёт за %(document)s год (так сказано в заголовке раздела достижений), "
                    "а выбран %(chosen)s. Исправьте год в документе или здесь."
                )
                % {"document": self.parsed.year, "chosen": year},
            )
            return data
        chosen = data.get("municipality")
        if chosen is None:
            if is_placeholder(self.parsed.municipality):
                raise forms.ValidationError(
                    _(
                        "В первой строке документа осталось «%(placeholder)s» из шаблона. Впишите туда название "
                        "муниципалитета или выберите муниципалитет в списке."
                    )
                    % {"placeholder": MUNICIPALITY_PLACEHOLDER}
                )
            found = find_municipality(self.parsed.municipality)
            allowed = permissions.editable_municipalities(self.user)
            if found is not None and allowed.filter(pk=found.pk).exists():
                chosen = found
            elif is_association_editor(self.user) and found is None:
                chosen = None  # a new municipality: the loader creates it and says so
            else:
                raise forms.ValidationError(
                    _(
                        "В документе указан город «%(name)s», а вы ведёте отчёты других муниципалитетов. "
                        "Выберите муниципалитет в списке."
                    )
                    % {"name": self.parsed.municipality}
                )
        data["municipality"] = chosen
        existing = (
            Report.objects.filter(municipality=chosen, year=self.parsed.year).select_related("municipality").first()
            if chosen is not None
            else None
        )
        if existing is None:
            return data
        if permissions.can_replace_from_file(self.user, existing):
            self.existing = existing
        elif permissions.can_view_report(self.user, existing):
            raise forms.ValidationError(
                format_html(
                    _(
                        "Отчёт «{report}» уже есть, и заменить его из файла нельзя: он в статусе «{status}», "
                        "а заменить из файла можно только черновик или отчёт, возвращённый на доработку, "
                        "который вы можете править. Ничего не изменено. Откройте отчёт: "
                        '<a href="{url}">{report}</a>.'
                    ),
                    report=existing,
                    status=existing.get_status_display(),
                    url=existing.get_admin_url(),
                )
            )
        else:
            raise forms.ValidationError(_("Отчёт за этот год у этого муниципалитета уже есть."))
        return data


def is_placeholder(name: str) -> bool:
    return _same_name(name, MUNICIPALITY_PLACEHOLDER)


def _same_name(a: str, b: str) -> bool:
    """Names compared as find_municipality does (case and «ё» do not matter)."""

    def norm(name):
        return fold(name.strip())

    return norm(a) == norm(b)


class UploadPages:
    """The report admin's pages for a report loaded from a file (ReportAdmin inherits them)."""

    def upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            if form.existing is not None:
                return self._ask_to_replace(request, form)
            parsed = form.parsed
            try:
                result = store_report(parsed, user=request.user, municipality=form.cleaned_data["municipality"])
            except ImportRefused as error:
                messages.error(request, _("Отчёт не создан: %s.") % error)
                return HttpResponseRedirect(reverse("admin:reports_report_upload"))
            if result.outcome == UNCHANGED:  # created by someone else a moment ago
                messages.error(request, _("Отчёт за этот год уже есть: %s.") % result.report)
                return HttpResponseRedirect(reverse("admin:reports_report_upload"))
            notes = _notes(form, result.report)
            if result.municipality_created:
                notes.insert(
                    0, _("Создан новый муниципалитет «%s» — проверьте его регион и сайт.") % result.report.municipality
                )
            request.session[SESSION_KEY] = {
                "report": result.report.pk,
                "filename": PurePath(request.FILES["document"].name).name,
                "notes": notes,
            }
            return HttpResponseRedirect(reverse("admin:reports_report_upload_summary", args=[result.report.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Загрузить отчёт из файла"),
            "form": form,
            "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
            "template_url": _template_url(form),
        }
        return TemplateResponse(request, "admin/reports/report/upload.html", context)

    def _ask_to_replace(self, request, form):
        """The file is for a report that exists and may be replaced: keep what the file holds and
        show what would change (upload_replace_view) before anything is replaced."""
        report = form.existing
        request.session[REPLACE_KEY] = {
            "report": report.pk,
            "token": secrets.token_urlsafe(16),
            "filename": PurePath(request.FILES["document"].name).name,
            "parsed": parsed_to_data(form.parsed),
            "notes": _notes(form, report),
        }
        return HttpResponseRedirect(reverse("admin:reports_report_upload_replace", args=[report.pk]))

    def upload_replace_view(self, request, object_id):
        """GET: what the uploaded file would change in the report; POST: replace its content."""
        report = self.report_or_404(request, object_id)
        pending = request.session.get(REPLACE_KEY) or {}
        if pending.get("report") != report.pk:
            messages.warning(request, _("Файл для замены не найден — загрузите его ещё раз."))
            return HttpResponseRedirect(reverse("admin:reports_report_upload"))
        if not permissions.can_replace_from_file(request.user, report):
            request.session.pop(REPLACE_KEY, None)
            messages.error(request, _cannot_replace(report))
            return HttpResponseRedirect(reverse("admin:reports_report_upload"))
        parsed = parsed_from_data(pending["parsed"])
        if request.method == "POST":
            return self._replace(request, report, pending, parsed)
        changes = compare(report, parsed)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Заменить содержание отчёта «%s» из файла?") % report,
            "report": report,
            "changes": changes,
            "any_change": any(section.any for section in changes),
            "pending": pending,
            "version": report.version,
        }
        return TemplateResponse(request, "admin/reports/report/upload_replace.html", context)

    def _replace(self, request, report, pending, parsed):
        here = reverse("admin:reports_report_upload_replace", args=[report.pk])
        if request.POST.get("token") != pending["token"] or not request.POST.get("version", "").isdigit():
            messages.error(request, _("Эта страница устарела. Посмотрите изменения ещё раз и подтвердите замену."))
            return HttpResponseRedirect(here)
        if parsed.year != report.year:
            raise PermissionDenied  # the session's file is another year's: never cross reports
        reason = _("Заменено из файла «%s»") % pending["filename"]
        try:
            result = store_report(
                parsed,
                user=request.user,
                municipality=report.municipality,
                replace=True,
                replaceable=permissions.REPLACEABLE_FROM_FILE,
                expected_version=int(request.POST["version"]),
                change_reason=reason,
            )
        except StaleReportError:
            messages.error(
                request,
                _(
                    "Отчёт изменил кто-то другой, пока вы смотрели изменения. Ничего не заменено: "
                    "посмотрите изменения ещё раз — они уже учитывают чужие правки."
                ),
            )
            return HttpResponseRedirect(here)
        except ImportRefused as error:
            request.session.pop(REPLACE_KEY, None)
            messages.error(request, _("Содержание не заменено: %s.") % error)
            return HttpResponseRedirect(reverse("admin:reports_report_upload"))
        request.session.pop(REPLACE_KEY, None)
        request.session[SESSION_KEY] = {
            "report": result.report.pk,
            "filename": pending["filename"],
            "notes": pending["notes"],
            # A draft deleted at the very moment of the confirmation: the file made a new one.
            "replaced": result.outcome == REPLACED,
        }
        return HttpResponseRedirect(reverse("admin:reports_report_upload_summary", args=[result.report.pk]))

    def upload_summary_view(self, request, object_id):
        report = self.report_or_404(request, object_id)
        summary = request.session.get(SESSION_KEY) or {}
        if summary.get("report") != report.pk:
            summary = {}
        counts = [(section.title, getattr(report, section.key).count()) for section in SECTIONS]
        title = _("Содержание отчёта заменено: %s") if summary.get("replaced") else _("Черновик создан: %s")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title % report,
            "report": report,
            "counts": counts,
            "summary": summary,
        }
        return TemplateResponse(request, "admin/reports/report/upload_summary.html", context)

    def upload_template_view(self, request):
        """The Word template: for the municipality asked for (if this person writes its reports) or
        the only one they write, for the year asked for or last year."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        municipality = only_municipality(request.user)
        wanted = request.GET.get("municipality", "")
        if wanted.isdigit():
            municipality = (
                permissions.editable_municipalities(request.user).filter(pk=int(wanted)).first() or municipality
            )
        year = request.GET.get("year", "")
        year = int(year) if year.isdigit() and MIN_YEAR <= int(year) <= MAX_YEAR else default_year()
        name = municipality.name if municipality else None
        data = build_template(name, year)
        filename = _("Шаблон отчёта %(year)s.docx") % {"year": year}
        if name:
            filename = _("Шаблон отчёта %(municipality)s %(year)s.docx") % {"municipality": name, "year": year}
        return FileResponse(io.BytesIO(data), as_attachment=True, filename=filename, content_type=DOCX_TYPE)


def _notes(form, report) -> list[str]:
    """What the person should know about the file: the parser's warnings and what it skipped, and
    that the document named another city than the one the report is for."""
    parsed = form.parsed
    notes = [note.translate(_) for note in (*parsed.warnings, *parsed.skipped)]
    chosen = form.cleaned_data["municipality"]
    if chosen and not _same_name(chosen.name, parsed.municipality) and not is_placeholder(parsed.municipality):
        notes.insert(
            0,
            _("В документе указан город «%(doc)s»; отчёт создан для «%(chosen)s», как вы выбрали.")
            % {"doc": parsed.municipality, "chosen": report.municipality},
        )
    return notes


def _cannot_replace(report) -> str:
    return format_html(
        _(
            "Отчёт «{report}» нельзя заменить из файла: он в статусе «{status}». Ничего не изменено. "
            'Откройте отчёт: <a href="{url}">{report}</a>.'
        ),
        report=report,
        status=report.get_status_display(),
        url=report.get_admin_url(),
    )


def _template_url(form) -> str:
    """The template's address for what the form has chosen (or the only municipality), if anything."""
    params = {}
    municipality = form.only
    if form.is_bound and form["municipality"].value():
        value = str(form["municipality"].value())
        if value.isdigit() and form.fields["municipality"].queryset.filter(pk=int(value)).exists():
            municipality = form.fields["municipality"].queryset.get(pk=int(value))
    if municipality is not None:
        params["municipality"] = municipality.pk
    year = form["year"].value() if form.is_bound else None
    if year and str(year).isdigit() and MIN_YEAR <= int(year) <= MAX_YEAR:
        params["year"] = int(year)
    url = reverse("admin:reports_report_upload_template")
    return f"{url}?{urlencode(params)}" if params else url
