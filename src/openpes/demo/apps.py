from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "openpes.demo"
    verbose_name = "演示数据"
