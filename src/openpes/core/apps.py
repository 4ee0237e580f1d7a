from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openpes.core"
    verbose_name = "公共内核"

    def ready(self) -> None:
        from openpes.core import checks  # noqa: F401 - registers the start-up checks
