from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "openpes.audit"
    verbose_name = "审计"
