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
from simple_history.admin import SimpleHistoryAdmin


class ScopedHistoryAdmin(SimpleHistoryAdmin):
    def _object_id_or_404(self, object_id):
        """simple-history hands the id from the URL to the ORM as it is; «abc» would be a 500."""
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None

    def history_view(self, request, object_id, extra_context=None):
        self._object_id_or_404(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._object_id_or_404(object_id)
        history_model = self.model.history.model
        record = get_object_or_404(
            history_model, **{self.model._meta.pk.attname: unquote(object_id), "history_id": version_id}
        )
        obj = record.instance
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        if request.method == "POST" and self.revert_disabled(request, obj):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return obj is None or not self.has_change_permission(request, obj)
