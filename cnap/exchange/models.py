from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceDescription(models.Model):
    """The last WSDL downloaded from our ШБО for a SOAP registry service (see :mod:`cnap.exchange.wsdl`)."""

    registry = models.CharField(_("registry"), max_length=50)
    url = models.CharField(_("WSDL address"), max_length=1000)
    content = models.TextField(_("WSDL"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    previous_sha256 = models.CharField(_("previous SHA-256"), max_length=64, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"))
    changed_at = models.DateTimeField(_("changed at"))
    compatible = models.BooleanField(_("compatible"), default=True)
    problem = models.TextField(_("problem"), blank=True)

    class Meta:
        verbose_name = _("service description (WSDL)")
        verbose_name_plural = _("service descriptions (WSDL)")
        constraints = [models.UniqueConstraint(fields=["registry", "url"], name="exchange_wsdl_registry_url")]

    def __str__(self) -> str:
        return f"{self.registry} {self.sha256[:12]}"


class SecurityServerProbe(models.Model):
    """The last answer of our ШБО to the periodic probe (one row), for /healthz."""

    checked_at = models.DateTimeField(_("checked at"))
    ok = models.BooleanField(_("answers"))
    status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    elapsed_ms = models.PositiveIntegerField(_("time, ms"), default=0)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    last_ok_at = models.DateTimeField(_("last answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("security server probe")
        verbose_name_plural = _("security server probes")

    def __str__(self) -> str:
        return f"{'ok' if self.ok else 'down'} {self.checked_at:%d.%m.%Y %H:%M:%S}"
