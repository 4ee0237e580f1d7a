from django.apps import AppConfig


class EmploymentConfig(AppConfig):
    name = "openpes.employment"
    verbose_name = "就业失业登记"

    def ready(self) -> None:
        from openpes.employment.services.derived import households_changed
        from openpes.people.signals import household_members_changed

        household_members_changed.connect(households_changed, dispatch_uid="employment.households_changed")
