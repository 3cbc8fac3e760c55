from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cnap.core"
    label = "core"
    verbose_name = _("Workstation")

    def ready(self):
        from . import checks  # noqa: F401 - registers the deploy check of CNAP_BENCH
