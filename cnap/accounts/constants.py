from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    STAROSTA = "starosta", _("Starosta")
    PROVIDER_OFFICER = "provider_officer", _("Provider officer")
    CNAP_HEAD = "cnap_head", _("Head of the CNAP")
    COMMUNITY_HEAD = "community_head", _("Community head")
    CATALOG_MANAGER = "catalog_manager", _("Catalog manager")


class OfficeKind(models.TextChoices):
    CNAP = "cnap", _("CNAP")
    BRANCH = "branch", _("Territorial unit")
    REMOTE = "remote", _("Remote workplace")
    MOBILE = "mobile", _("Mobile CNAP")


# Roles whose work happens in one office: they must have one.
OFFICE_ROLES = frozenset({Role.ADMINISTRATOR, Role.STAROSTA, Role.CNAP_HEAD})
