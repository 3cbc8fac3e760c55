from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registry lookups")

    def ready(self) -> None:
        from cnap.security.retention import register_retention_step

        from .retention import remove_expired_responses

        register_retention_step("registry_responses", remove_expired_responses)
