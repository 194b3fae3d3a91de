"""Plan → fact: what became of each task a city set for a year, marked in its report about that year."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# reports.models imports this module at its end, when History is defined.
from ..models import History


class Outcome(models.TextChoices):
    DONE = "done", _("выполнена")
    PARTLY = "partly", _("выполнена частично")
    NOT_DONE = "not_done", _("не выполнена")
    DROPPED = "dropped", _("снята")
    CARRIED_OVER = "carried_over", _("перенесена")


# Shown beside the outcome's name on the public pages, so that no outcome is told by colour alone
# ("" : not marked).
ICONS = {
    Outcome.DONE: "✓",
    Outcome.PARTLY: "◐",
    Outcome.NOT_DONE: "✗",
    Outcome.DROPPED: "⊘",
    Outcome.CARRIED_OVER: "↷",
    "": "?",
}
NOT_MARKED = _("итог не указан")


class TaskOutcome(models.Model):
    """One task of an earlier report ("for year N") and its outcome, as the city reports it in its
    report about year N (`report`). Part of that report: edited in its form, versioned, reviewed and
    published with it. Empty `outcome`: not marked (yet, or an imported old document)."""

    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("отчёт")
    )
    # The task as planned. SET_NULL: an outcome the city wrote is never lost with an edit of the old
    # report; `task_text` keeps what the task said.
    task = models.ForeignKey(
        "reports.Task",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outcomes",
        verbose_name=_("задача"),
    )
    task_text = models.TextField(_("задача"))
    position = models.PositiveIntegerField(_("№"), default=0)
    outcome = models.CharField(_("итог"), max_length=20, choices=Outcome, blank=True)
    comment = models.TextField(_("пояснение"), max_length=1000, blank=True)

    history = History()

    class Meta:
        verbose_name = _("итог задачи")
        verbose_name_plural = _("итоги задач прошлого года")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "task"], name="unique_outcome_per_report_task")]

    def __str__(self):
        text = " ".join(self.task_text.split())
        return text if len(text) <= 80 else text[:79] + "…"

    @property
    def icon(self) -> str:
        return ICONS.get(self.outcome, ICONS[""])

    @property
    def label(self):
        """The outcome's name, or «итог не указан»."""
        return self.get_outcome_display() if self.outcome else NOT_MARKED
