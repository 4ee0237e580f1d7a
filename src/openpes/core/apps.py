from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openpes.core"
    verbose_name = "公共内核"

    def ready(self) -> None:
        from django.db import models
        from django.db.backends.signals import connection_created

        from openpes.core import checks  # noqa: F401 - registers the start-up checks
        from openpes.core.bulk import AnyOf
        from openpes.core.datafiles import restrict_sqlite_files

        models.Field.register_lookup(AnyOf)
        models.ForeignObject.register_lookup(AnyOf)  # foreign keys see only their own class's lookups
        connection_created.connect(restrict_sqlite_files, dispatch_uid="openpes.restrict_sqlite_files")
