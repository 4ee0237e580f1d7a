from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "openpes.accounts"
    verbose_name = "账号与机构"

    def ready(self) -> None:
        from openpes.accounts import signals  # noqa: F401
