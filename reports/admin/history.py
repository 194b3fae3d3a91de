"""simple-history's history, diff and revert pages, scoped like everything else.

simple-history falls back to stored history when an object is outside
get_queryset() and, by default, checks only model-level permissions; here
every check is object-level (has_view_permission/has_change_permission ask
reports.permissions), a disabled revert also refuses a hand-made POST, and a
revert goes through the same version check as an ordinary save.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from portal.admin_titles import RussianTitles


class ScopedHistoryAdmin(RussianTitles, SimpleHistoryAdmin):
    def _object_id_or_404(self, object_id):
        """simple-history hands the id from the URL to the ORM as it is; «abc» would be a 500."""
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None

    def _hidden_is_missing(self, request, obj):
        """An object this person may not see answers exactly as one that does not exist (404), so
        nobody learns which other cities' ids exist; without a role at all it stays a 403 (below)."""
        if obj is None or (self.has_view_permission(request) and not self.has_view_permission(request, obj)):
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._object_id_or_404(object_id)
        pk = unquote(object_id)
        obj = self.get_queryset(request).filter(pk=pk).first()
        if obj is None:  # deleted: simple-history shows the last stored state, under the same rules
            record = self.model.history.filter(**{self.model._meta.pk.attname: pk}).order_by("-history_date").first()
            obj = record.instance if record is not None else None
        self._hidden_is_missing(request, obj)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._object_id_or_404(object_id)
        history_model = self.model.history.model
        record = get_object_or_404(
            history_model, **{self.model._meta.pk.attname: unquote(object_id), "history_id": version_id}
        )
        obj = record.instance
        self._hidden_is_missing(request, obj)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        if request.method == "POST" and self.revert_disabled(request, obj):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_form_view_title(self, request, obj):
        # simple-history says "View %s" / "Revert %s"; its "View %s" is also Django's title of
        # every read-only page, so it is not translated as a version's title (locale_thirdparty).
        if self.revert_disabled(request, obj):
            return _("Прежняя версия: %s") % obj
        return _("Вернуть прежнюю версию: %s") % obj

    def revert_disabled(self, request, obj=None):
        return obj is None or not self.has_change_permission(request, obj)
