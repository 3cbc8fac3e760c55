from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cnap.core"
    label = "core"
    verbose_name = _("Workstation")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from cnap.accounts.models import Hromada, Office

        from . import checks  # noqa: F401 - registers the deploy check of CNAP_BENCH
        from .context_processors import PLACES

        for model in (Hromada, Office):
            post_save.connect(PLACES.invalidate, sender=model, dispatch_uid=f"places-save-{model.__name__}")
            post_delete.connect(PLACES.invalidate, sender=model, dispatch_uid=f"places-delete-{model.__name__}")
