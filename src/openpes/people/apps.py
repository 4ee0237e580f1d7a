from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "openpes.people"
    verbose_name = "实名登记"
