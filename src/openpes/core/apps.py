from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openpes.core"
    verbose_name = "公共内核"
