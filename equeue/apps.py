from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EqueueConfig(AppConfig):
    name = "equeue"
    verbose_name = _("Electronic queue")

    def ready(self) -> None:
        from cnap.security.retention import register_retention_step

        from .receivers import connect
        from .retention import remove_expired_contacts

        connect()
        register_retention_step("queue_booking_contacts", remove_expired_contacts)
