from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API for integrating systems")

    def ready(self) -> None:
        # The OpenAPI description of the token authentication (drf-spectacular extension).
        from cnap.core.selectors import register_home_counters

        from . import schema  # noqa: F401
        from .selectors_inbox import home_counters

        register_home_counters("api", home_counters)
