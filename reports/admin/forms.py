"""Forms of the back office: plain text on the way in, and the optimistic-lock field shared by
report and item forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.text import plain_text

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
            clash = Report.objects.filter(municipality_id=municipality_id, year=year).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("year", _("У этого муниципалитета уже есть отчёт за %(year)s год.") % {"year": year})
        return data


class ItemForm(ReportVersionFormMixin, PlainTextMixin, forms.ModelForm):
    def version_report_id(self):
        return self.instance.report_id


class TransitionForm(PlainTextMixin, forms.Form):
    comment = forms.CharField(
        label=_("Комментарий"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        max_length=5000,
    )

    def __init__(self, *args, transition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].label = transition.comment_label or _("Комментарий")
        self.fields["comment"].required = transition.comment_required
        if transition.comment_required:
            self.fields["comment"].error_messages["required"] = _(
                "Напишите комментарий: без него это действие не выполняется."
            )
