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
