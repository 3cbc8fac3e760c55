"""System check: the TREMBITA setting must merge into a valid configuration (fails `manage.py check`)."""

from django.core.checks import Error, register


@register()
def check_trembita_settings(app_configs, **kwargs):
    from .conf import get_config

    try:
        get_config()
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return [Error(f"Invalid TREMBITA setting: {exc}", id="exchange.E001")]
    return []
