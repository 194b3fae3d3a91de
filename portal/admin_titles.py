"""Page titles of the back office's lists and forms in Russian that agrees with itself.

Django builds them as «Выберите %s для изменения», «Изменить %s», «Просмотреть %s» with the model's
name in the nominative: «Выберите пользователь», «Изменить проблема». Here a list is titled with
its plural name («Пользователи»), an object's page with its name («Проблема», the object itself
is the subtitle) whether it can be edited or only read, and an add page with `add_title` when
Django's «Добавить %s» does not fit the name («Новый пользователь»).
"""

from django.utils.text import capfirst


class RussianTitles:
    add_title = None  # e.g. _("Новый пользователь"); None: Django's «Добавить отчёт» is right

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": capfirst(self.opts.verbose_name_plural), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        title = capfirst(self.opts.verbose_name) if object_id is not None else self.add_title
        if title:
            extra_context = {"title": title, **(extra_context or {})}
        return super().changeform_view(request, object_id, form_url, extra_context)
