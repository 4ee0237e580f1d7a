from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openpes.core"
    verbose_name = "公共内核"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from openpes.core import checks  # noqa: F401 - registers the start-up checks
        from openpes.core.datafiles import restrict_sqlite_files

        connection_created.connect(restrict_sqlite_files, dispatch_uid="openpes.restrict_sqlite_files")
