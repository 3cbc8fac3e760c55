from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EqueueConfig(AppConfig):
    name = "equeue"
    verbose_name = _("Electronic queue")

    def ready(self) -> None:
        from .receivers import connect

        connect()
