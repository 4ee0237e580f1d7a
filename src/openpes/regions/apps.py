from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "openpes.regions"
    verbose_name = "行政区划"
