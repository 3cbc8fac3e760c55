from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "services"
    verbose_name = _("Service catalog")

    def ready(self) -> None:
        from cnap.core.selectors import register_home_affiliation

        from .selectors import provider_of

        register_home_affiliation("provider", provider_of)
