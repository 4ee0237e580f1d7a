from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "openpes.api"
    verbose_name = "接口"
