"""Upload a report document (.docx or .txt) and get a prefilled draft to check.

The file is parsed in memory; nothing is stored unless it parses and the
municipality and year are free. Then the draft is created in one
transaction and the user sees what was recognised and what was skipped.
"""

from pathlib import PurePath

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import is_association_editor
from portal.text import fold

from .. import permissions
from ..importer.loader import UNCHANGED, ImportRefused, find_municipality, store_report
from ..importer.parser import ParseError, parse_bytes
from ..models import SECTIONS, Report

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
ALLOWED_SUFFIXES = {".docx", ".txt"}
SESSION_KEY = "report_import_summary"


class UploadForm(forms.Form):
    document = forms.FileField(
        label=gettext_lazy("Файл отчёта"),
        help_text=gettext_lazy("Документ Word (.docx) или текстовый файл (.txt), не больше 2 МБ."),
    )
    municipality = forms.ModelChoiceField(
        label=gettext_lazy("Муниципалитет"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("Можно не выбирать: город возьмётся из первой строки документа."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["municipality"].queryset = permissions.editable_municipalities(user)
        self.parsed = None

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
        chosen = data.get("municipality")
        if chosen is None:
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
        municipality_id = chosen.pk if chosen else None
        if municipality_id and Report.objects.filter(municipality_id=municipality_id, year=self.parsed.year).exists():
            existing = Report.objects.get(municipality_id=municipality_id, year=self.parsed.year)
            if permissions.can_view_report(self.user, existing):
                raise forms.ValidationError(
                    format_html(
                        _('Отчёт «{}» уже есть. Откройте его: <a href="{}">{}</a>.'),
                        existing,
                        existing.get_admin_url(),
                        existing,
                    )
                )
            raise forms.ValidationError(_("Отчёт за этот год у этого муниципалитета уже есть."))
        return data


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
            parsed = form.parsed
            try:
                result = store_report(parsed, user=request.user, municipality=form.cleaned_data["municipality"])
            except ImportRefused as error:
                messages.error(request, _("Отчёт не создан: %s.") % error)
                return HttpResponseRedirect(reverse("admin:reports_report_upload"))
            if result.outcome == UNCHANGED:  # created by someone else a moment ago
                messages.error(request, _("Отчёт за этот год уже есть: %s.") % result.report)
                return HttpResponseRedirect(reverse("admin:reports_report_upload"))
            notes = [note.translate(_) for note in (*parsed.warnings, *parsed.skipped)]
            if result.municipality_created:
                notes.insert(
                    0, _("Создан новый муниципалитет «%s» — проверьте его регион и сайт.") % result.report.municipality
                )
            if form.cleaned_data["municipality"] and not _same_name(
                form.cleaned_data["municipality"].name, parsed.municipality
            ):
                notes.insert(
                    0,
                    _("В документе указан город «%(doc)s»; отчёт создан для «%(chosen)s», как вы выбрали.")
                    % {"doc": parsed.municipality, "chosen": result.report.municipality},
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
        }
        return TemplateResponse(request, "admin/reports/report/upload.html", context)

    def upload_summary_view(self, request, object_id):
        report = self.report_or_404(request, object_id)
        summary = request.session.get(SESSION_KEY) or {}
        if summary.get("report") != report.pk:
            summary = {}
        counts = [(section.title, getattr(report, section.key).count()) for section in SECTIONS]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Черновик создан: %s") % report,
            "report": report,
            "counts": counts,
            "summary": summary,
        }
        return TemplateResponse(request, "admin/reports/report/upload_summary.html", context)
