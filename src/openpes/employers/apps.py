from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "openpes.employers"
    verbose_name = "用人单位"
