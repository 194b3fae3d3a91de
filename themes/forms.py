"""The themes of one item on the report form (the moderator's checkboxes), and the theme admin's form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Theme, ThemeAlias

# The extra choice of the item's themes field: «темы проверены».
CONFIRMED = "confirmed"


class ThemePickWidget(forms.CheckboxSelectMultiple):
    """A closed <details> whose summary is the item's current themes (and whether they are
    checked), with a checkbox per theme and «темы проверены» inside: twenty themes on every row
    of a long report stay out of the way until opened."""

    template_name = "themes/theme_pick.html"  # in the app: the form renderer looks only there

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        options = [option for _group, choices, _index in context["widget"]["optgroups"] for option in choices]
        context["widget"]["themes"] = [o for o in options if o["value"] != CONFIRMED]
        context["widget"]["confirm"] = next((o for o in options if o["value"] == CONFIRMED), None)
        context["widget"]["current"] = [o["label"] for o in context["widget"]["themes"] if o["selected"]]
        return context


class ThemePickField(forms.MultipleChoiceField):
    """The ids of the chosen themes, plus CONFIRMED if «темы проверены» is ticked."""

    widget = ThemePickWidget

    def __init__(self, theme_choices=(), **kwargs):
        kwargs.setdefault("label", _("Темы"))
        kwargs.setdefault("required", False)
        super().__init__(choices=[*theme_choices, (CONFIRMED, _("Темы проверены"))], **kwargs)

    @staticmethod
    def split(values) -> tuple[set[int], bool]:
        """(theme ids, confirmed) of a value of this field."""
        values = set(values or ())
        return {int(v) for v in values if v != CONFIRMED}, CONFIRMED in values


def initial_pick(item) -> list[str]:
    """The field's value for an item as stored (its themes prefetched)."""
    picked = [str(theme.pk) for theme in item.themes.all()] if item.pk else []
    return picked + ([CONFIRMED] if item.pk and item.themes_confirmed else [])


RULE_PROBLEMS = {
    rules.NO_WORDS: _("строка {number} («{line}»): в ней нет ни одного слова"),
    rules.SHORT_PREFIX: _(
        "строка {number} («{line}»): перед звёздочкой нужно хотя бы {min} буквы — иначе правило найдёт почти всё"
    ),
}


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["name", "slug", "description", "keywords", "position"]
        widgets = {"keywords": forms.Textarea(attrs={"rows": 12, "cols": 60})}

    def clean_keywords(self):
        keywords = self.cleaned_data["keywords"]
        found = rules.problems(keywords)
        if found:
            raise forms.ValidationError(
                [str(RULE_PROBLEMS[p.reason]).format(number=p.number, line=p.line, min=rules.MIN_PREFIX) for p in found]
            )
        return keywords

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        alias = ThemeAlias.objects.filter(slug=slug).exclude(theme_id=self.instance.pk).select_related("theme").first()
        if alias is not None:
            raise forms.ValidationError(
                _("Этот адрес раньше был у темы «%(theme)s» и ведёт на неё; выберите другой.") % {"theme": alias.theme}
            )
        return slug
