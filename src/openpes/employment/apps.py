from django.apps import AppConfig


class EmploymentConfig(AppConfig):
    name = "openpes.employment"
    verbose_name = "就业失业登记"
