"""Report statuses. Kept apart from the workflow so models can import it without cycles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Черновик")
    SUBMITTED = "submitted", _("На проверке")
    # Approved while the year's campaign has a common publication date still ahead (campaigns/):
    # published by the job queue on that date, with every other approved report of the year.
    APPROVED = "approved", _("Одобрен, ждёт дня публикации")
    CHANGES_REQUESTED = "changes_requested", _("Возвращён на доработку")
    PUBLISHED = "published", _("Опубликован")
    WITHDRAWN = "withdrawn", _("Снят с публикации")
