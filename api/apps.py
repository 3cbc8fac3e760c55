from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API for integrating systems")

    def ready(self) -> None:
        # The OpenAPI description of the token authentication (drf-spectacular extension).
        from . import schema  # noqa: F401
