"""Optimistic locking for reports: no lost update between two editors.

Every write to a report (an admin save, a revert, a workflow transition)
first claims the next version with a single conditional UPDATE
(`... SET version = v+1 WHERE id = … AND version = v`). The database decides
atomically; a writer holding a stale version updates zero rows and is refused.
"""

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from .models import Report


class StaleReportError(Exception):
    """Somebody saved the report after this writer read it."""

    message = _(
        "Отчёт изменил кто-то другой, пока вы его редактировали. Ваши правки не сохранены: "
        "скопируйте свой текст, откройте отчёт заново и внесите правки ещё раз."
    )

    def __str__(self):
        return str(self.message)


def claim_version(report_id: int, expected_version: int) -> int:
    """Bump the version if it is still `expected_version`; return the new one or raise."""
    updated = Report.objects.filter(pk=report_id, version=expected_version).update(version=F("version") + 1)
    if updated != 1:
        raise StaleReportError()
    return expected_version + 1
