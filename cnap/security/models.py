"""The personal-data access log: who looked at whose personal data, when, in which case.

The row names what was seen by plain ids (a case, an applicant, a scan, a registry request), not by
foreign keys: the log belongs to the ground floor (it knows no app), and it outlives the rows it names
(a scan removed under the retention rules, a lookup deleted with its case). The case's number and
hromada are copied at write time, so the log stays readable and scoped after the case is gone."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonalDataAccessAction(models.TextChoices):
    VIEW_CASE = "view_case", _("viewed a case")
    VIEW_APPLICANT = "view_applicant", _("viewed an applicant's record")
    SEARCH_APPLICANTS = "search_applicants", _("searched the applicants")
    VIEW_SCAN = "view_scan", _("opened a scan")
    VIEW_REGISTRY_RESPONSE = "view_registry_response", _("viewed a registry response")
    PRINT_DOCUMENT = "print_document", _("printed a document with personal data")
    EXPORT_LIST = "export_list", _("exported a list with personal data")


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk updates and deletes are refused too (PostgreSQL also refuses them with a trigger)."""

    def update(self, **kwargs):
        raise ValueError("PersonalDataAccess is append-only")

    def delete(self):
        raise ValueError("PersonalDataAccess is append-only")


class PersonalDataAccess(models.Model):
    """One look at personal data. Append-only: written by the views that show personal data
    (through :func:`cnap.security.audit.log_personal_data_access`), never changed or deleted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    accessed_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=40, choices=PersonalDataAccessAction.choices)
    hromada = models.ForeignKey(
        "accounts.Hromada",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hromada of the case"),
    )
    application_id = models.BigIntegerField(_("application"), null=True, blank=True, db_index=True)
    application_number = models.CharField(_("application number"), max_length=40, blank=True)
    applicant_id = models.BigIntegerField(_("applicant"), null=True, blank=True, db_index=True)
    registry_request_id = models.UUIDField(_("registry request"), null=True, blank=True, db_index=True)
    scan_id = models.UUIDField(_("scan"), null=True, blank=True, db_index=True)
    detail = models.CharField(_("what exactly"), max_length=255, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        db_table = "applications_personaldataaccess"
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-accessed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.accessed_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("PersonalDataAccess is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("PersonalDataAccess is append-only")
