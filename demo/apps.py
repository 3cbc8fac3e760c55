from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Development only: demo data (seed_demo), load data for the bench (generate_load_data) and the
    embedded runner (run_embedded). Installed by the embedded and test settings, elsewhere only with
    CNAP_DEVELOPMENT_TOOLS=1 (make bench sets it). No models, no URLs."""

    name = "demo"
    verbose_name = _("Demo and load data")
