"""Forms of the back office: plain text on the way in, and the optimistic-lock field shared by
report and item forms."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.text import plain_text

from .. import review_notes
from ..concurrency import StaleReportError
from ..models import Report


class PlainTextMixin:
    """Every text field is stored as portal.text.plain_text() makes it — as the importer does —
    so a vertical tab or a zero-width space pasted from Word never reaches the database."""

    def clean(self):
        data = super().clean()
        for name, value in data.items():
            if isinstance(value, str) and isinstance(self.fields.get(name), forms.CharField):
                data[name] = plain_text(value).strip()
        return data


class PlainTextForm(PlainTextMixin, forms.ModelForm):
    """The back office's default model form (inline item rows, municipalities)."""


class ReportVersionFormMixin:
    """Carries the report version the user started from, and refuses a stale save early.

    The authoritative check is the conditional UPDATE in concurrency.claim_version
    (run by the admin's save_model); this read-then-compare only gives the user
    the friendly form error in the common case.
    """

    def version_report_id(self):
        raise NotImplementedError

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        report_id = self.version_report_id()
        current = Report.objects.filter(pk=report_id).values_list("version", flat=True).first() if report_id else None
        self.fields["expected_version"] = forms.IntegerField(widget=forms.HiddenInput, required=False, initial=current)

    def clean(self):
        data = super().clean()
        report_id = self.version_report_id()
        if report_id:
            current = Report.objects.filter(pk=report_id).values_list("version", flat=True).first()
            if data.get("expected_version") != current:
                raise forms.ValidationError(StaleReportError.message, code="stale")
        return data


class ReportForm(ReportVersionFormMixin, PlainTextMixin, forms.ModelForm):
    class Meta:
        model = Report
        fields = ["municipality", "year"]

    def version_report_id(self):
        return self.instance.pk

    def clean(self):
        data = super().clean()
        # The municipality is read-only once a report exists, which takes the
        # unique (municipality, year) constraint out of Django's own validation.
        municipality_id = data["municipality"].pk if data.get("municipality") else self.instance.municipality_id
        year = data.get("year")
        if municipality_id and year:
            clash = (
                Report.objects.filter(municipality_id=municipality_id, year=year)
                .exclude(pk=self.instance.pk)
                .values_list("pk", flat=True)
                .first()
            )
            if clash:
                # The other report is of a municipality this person may write for (the select
                # offers only those; an existing report's municipality is fixed): a link they may follow.
                self.add_error(
                    "year",
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _("У этого муниципалитета уже есть отчёт за %(year)s год.") % {"year": year},
                        reverse("admin:reports_report_change", args=[clash]),
                        _("Открыть его"),
                    ),
                )
        return data


class ItemForm(ReportVersionFormMixin, PlainTextMixin, forms.ModelForm):
    def version_report_id(self):
        return self.instance.report_id


class TransitionForm(PlainTextMixin, forms.Form):
    """The confirmation page of a workflow action: a comment for the other side; for a withdrawal
    also what readers of the site are told; for a return, remarks on sections and items."""

    comment = forms.CharField(
        label=_("Комментарий"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        max_length=5000,
    )

    def __init__(self, *args, transition, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        self.fields["comment"].label = transition.comment_label or _("Комментарий")
        # A return may say everything in remarks on items; clean() asks for one or the other.
        self.fields["comment"].required = transition.comment_required and not transition.takes_notes
        if transition.comment_required:
            self.fields["comment"].error_messages["required"] = _(
                "Напишите комментарий: без него это действие не выполняется."
            )
        if transition.public_comment_label:
            self.fields["public_comment"] = forms.CharField(
                label=transition.public_comment_label,
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
                help_text=_("Например: «Отчёт снят по просьбе города: готовится исправленная версия»."),
            )
        self.note_targets = review_notes.targets(report) if transition.takes_notes and report else []
        for target in self.note_targets:
            self.fields[target.field_name] = forms.CharField(
                label=review_notes.label({"section": target.section, "item": target.item, "number": target.number}),
                required=False,
                max_length=review_notes.NOTE_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2, "cols": 70, "class": "review-note"}),
            )

    def note_groups(self) -> list[dict]:
        """The remark fields by section, for the template: title, the section's own field, its
        items' (excerpt, field) pairs, and whether anything in it is filled in or wrong (open)."""
        groups = []
        for target in self.note_targets:
            field = self[target.field_name]
            if target.item is None:
                groups.append({"title": target.excerpt, "field": field, "items": [], "open": False})
            else:
                groups[-1]["items"].append((target.excerpt, field))
            if field.value() or field.errors:
                groups[-1]["open"] = True
        return groups

    def notes(self) -> list[dict]:
        return review_notes.collect(self.note_targets, self.cleaned_data)

    def clean(self):
        data = super().clean()
        if self.transition.takes_notes and self.transition.comment_required:
            if not data.get("comment") and not review_notes.collect(self.note_targets, data):
                self.add_error(
                    "comment",
                    _(
                        "Напишите комментарий или замечание хотя бы к одному разделу или пункту: без этого отчёт не вернуть."
                    ),
                )
        return data
