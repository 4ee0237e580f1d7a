from django.apps import AppConfig


class VacanciesConfig(AppConfig):
    name = "openpes.vacancies"
    verbose_name = "岗位"
