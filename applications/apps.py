from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self) -> None:
        from cnap.security.retention import register_retention_step

        from .retention import remove_expired_scans

        register_retention_step("scans", remove_expired_scans)

        from cnap.core.selectors import register_home_counters

        from .selectors.home import counters

        register_home_counters("applications", counters)

        from .selectors.lookups import connect_invalidation

        connect_invalidation()
