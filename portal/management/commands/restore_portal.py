from django.apps import apps
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from simple_history.models import HistoricalChanges

from accounts.roles import ROLE_PERMISSIONS, sync_roles
from reports import publication

from . import _backup


class Command(BaseCommand):
    help = (
        "Восстанавливает данные портала из файла manage.py backup_portal в базу без данных "
        "(после manage.py migrate): всё в одной транзакции — при любой ошибке (повреждённый или "
        "обрезанный файл, расхождение с описью копии) база остаётся как была. Затем обновляет "
        "счётчики идентификаторов, группы ролей и поисковый индекс. --replace сначала удаляет "
        "текущие данные портала. Для очень больших баз быстрее pg_restore из pg_dump -Fc."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="ФАЙЛ", help="файл копии (portal-….json.gz)")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="удалить текущие данные портала (учётные записи, муниципалитеты, отчёты, историю, "
            "сеансы входа, журнал действий в кабинете) и заменить их данными копии",
        )
        parser.add_argument(
            "--yes",
            "--noinput",
            "--no-input",
            action="store_true",
            dest="yes",
            help="не спрашивать подтверждения для --replace",
        )

    def handle(self, *args, **options):
        path = options["path"]
        info = self._manifest(path)
        self._check_whole_file(path)
        self._check_schema(info)

        present = self._present_data()
        if present and not options["replace"]:
            raise CommandError(
                "В базе уже есть данные портала ("
                + ", ".join(f"{name}: {n}" for name, n in present.items())
                + "). Восстанавливать можно только в пустую базу (новую, после manage.py migrate). "
                "Чтобы удалить текущие данные и заменить их копией, добавьте --replace."
            )
        if present and not options["yes"]:
            self._confirm()

        with transaction.atomic():
            if options["replace"]:
                self._wipe()
            elif self._present_data():  # someone wrote in the meantime
                raise CommandError("Пока шло восстановление, в базе появились данные; ничего не изменено.")
            sync_roles()  # permissions and role groups, for the references by natural key
            loaded = self._load(path)
            self._verify(info["counts"])
            self._reset_sequences()
            sync_roles(verbosity=0)  # the role permissions are code's, whatever the copy says
            # The search index, the stored public renderings and a new publication generation.
            documents = publication.everything_changed()

        counts = info["counts"]
        width = max(len(label) for label in counts)
        for label, n in counts.items():
            self.stdout.write(f"  {label:<{width}}  {n}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Восстановлено из {path}: объектов {loaded}, числа строк совпадают с описью копии "
                f"от {info.get('created_at', '?')}. Поисковый индекс и готовый вид опубликованных отчётов перестроены: поисковых документов {documents}."
            )
        )

    # --- before touching anything --------------------------------------------------------

    def _manifest(self, path) -> dict:
        try:
            with _backup.open_archive(path) as stream:
                info = _backup.read_manifest(stream)
        except FileNotFoundError:
            raise CommandError(f"Файл не найден: {path}") from None
        except _backup.READ_ERRORS as error:
            raise CommandError(f"Файл {path} не читается как резервная копия портала: {error}") from None
        if info["format"] > _backup.FORMAT:
            raise CommandError(
                f"Копия в формате {info['format']}, а эта версия портала понимает формат не новее "
                f"{_backup.FORMAT}: обновите портал."
            )
        return info

    def _check_whole_file(self, path):
        """Read the archive to its end once, before anything changes: gzip checks its CRC and length
        only there, and damage in the middle would otherwise surface as a confusing error about
        some object halfway through the load (or, worse, as plausible garbage)."""
        try:
            with _backup.open_archive(path) as stream:
                while stream.read(1 << 20):
                    pass
        except _backup.READ_ERRORS as error:
            raise CommandError(f"Файл {path} повреждён или обрезан: {error}. Ничего не изменено.") from None

    def _check_schema(self, info):
        try:
            applied = MigrationRecorder(connection).applied_migrations()
        except DatabaseError as error:
            raise CommandError(f"База данных недоступна: {error}") from None
        missing = [
            f"{app}.{name}"
            for app, names in (info.get("migrations") or {}).items()
            for name in names
            if (app, name) not in applied
        ]
        if missing:
            raise CommandError(
                "Схема базы старше, чем у копии, или база не подготовлена: выполните manage.py migrate "
                "(версией портала не старше той, что делала копию). Не применены: " + ", ".join(missing[:10])
            )

    def _present_data(self) -> dict[str, int]:
        """Rows of portal data already in the database (the role groups do not count)."""
        present, history = {}, {}
        for model in _backup.backup_models():
            queryset = model._base_manager.all()
            if model is Group:
                queryset = queryset.exclude(name__in=list(ROLE_PERMISSIONS))
            n = queryset.count()
            if n:
                target = history if issubclass(model, HistoricalChanges) else present
                target[str(model._meta.verbose_name_plural)] = n
        if history and not present:  # only history rows of deleted objects
            return history
        if history:
            present["строк истории"] = sum(history.values())
        return present

    def _confirm(self):
        self.stdout.write(
            f"Все данные портала в базе «{connection.settings_dict['NAME']}» (учётные записи, "
            "муниципалитеты, отчёты, история, сеансы входа) будут удалены и заменены данными копии."
        )
        try:
            answer = input("Продолжить? Введите «да» (yes): ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in {"да", "yes"}:
            raise CommandError("Отменено: ничего не изменено.")

    # --- inside the transaction ----------------------------------------------------------

    def _wipe(self):
        """Delete the portal's rows in SQL: deleting through the ORM would write history rows."""
        models = [*_backup.counted_models(), *_backup.derived_models()]
        # Sessions and the admin's action log belong to the accounts being replaced.
        for app_label, model_name in (("sessions", "Session"), ("admin", "LogEntry")):
            if apps.is_installed(f"django.contrib.{app_label}"):
                models.append(apps.get_model(app_label, model_name))
        with connection.cursor() as cursor:
            for model in reversed(models):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")

    def _load(self, path) -> int:
        loaded = 0
        try:
            with _backup.open_archive(path) as stream, connection.constraint_checks_disabled():
                _backup.read_manifest(stream)
                objects = serializers.deserialize("jsonl", stream, handle_forward_references=True)
                deferred = []
                for obj in objects:
                    obj.save()
                    if obj.deferred_fields:
                        deferred.append(obj)
                    loaded += 1
                for obj in deferred:
                    obj.save_deferred_fields()
            tables = [model._meta.db_table for model in _backup.counted_models()]
            connection.check_constraints(table_names=tables)
        except DeserializationError as error:
            if isinstance(error.__cause__, ValueError):  # a line that is not JSON
                raise CommandError(
                    f"Файл {path} повреждён (после объекта {loaded} строка не читается). Ничего не изменено."
                ) from None
            raise CommandError(
                f"Копию не удалось загрузить (после объекта {loaded}): {error}. Ничего не изменено."
            ) from None
        except _backup.READ_ERRORS as error:
            raise CommandError(
                f"Файл {path} повреждён или обрезан (прочитано объектов: {loaded}): {error}. Ничего не изменено."
            ) from None
        except DatabaseError as error:
            raise CommandError(
                f"Копию не удалось загрузить (после объекта {loaded}): {error}. Ничего не изменено."
            ) from None
        return loaded

    def _verify(self, expected: dict[str, int]):
        differences = []
        for label, n in expected.items():
            try:
                model = apps.get_model(label)
            except LookupError:
                differences.append(f"{label}: в копии {n}, такой таблицы в этой версии портала нет")
                continue
            actual = model._base_manager.count()
            if actual != n:
                differences.append(f"{label}: в копии {n}, загружено {actual}")
        if differences:
            raise CommandError(
                "Восстановленные данные не совпадают с описью копии; ничего не изменено. " + "; ".join(differences)
            )

    def _reset_sequences(self):
        """New rows must get ids after the restored ones (PostgreSQL; SQLite keeps up by itself)."""
        statements = connection.ops.sequence_reset_sql(no_style(), _backup.counted_models())
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
