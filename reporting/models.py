"""The dashboards' summary tables: what happened to the cases of each office, service, provider and
administrator, by day and by month, and how many cases are open now."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.constants import ApplicationStatus

# Summary tables of the dashboards: kept current by reporting/stats.py in the same transaction as each
# action on a case, rebuilt from the raw rows by `manage.py rebuild_stats` (nightly). A dashboard request
# reads only these. Derived data: no history, no admin edits. The tables keep the names they had in
# the case app (applications_*).


class StatsMeasures(models.Model):
    """What happened on a day (or in a month) to the cases of one office, service, provider and
    administrator. Events count on the local (Kyiv) date they happened on."""

    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+", verbose_name=_("office"))
    service = models.ForeignKey(
        "services.Service", on_delete=models.CASCADE, related_name="+", verbose_name=_("service")
    )
    provider = models.ForeignKey(
        "services.Provider", on_delete=models.CASCADE, related_name="+", verbose_name=_("provider")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("registered by")
    )
    registered = models.IntegerField(_("registered"), default=0)
    fees = models.DecimalField(_("fees, UAH"), max_digits=14, decimal_places=2, default=0)
    # A case is completed when it first reaches a result (result ready or refused).
    completed = models.IntegerField(_("completed"), default=0)
    completed_on_time = models.IntegerField(_("completed on time"), default=0)
    processing_days_sum = models.IntegerField(_("processing days, total"), default=0)
    legal_term_days_sum = models.IntegerField(_("days allowed by the term, total"), default=0)
    # Closings by final status.
    issued = models.IntegerField(_("issued"), default=0)
    refused = models.IntegerField(_("refused"), default=0)
    left_without_consideration = models.IntegerField(_("left without consideration"), default=0)
    withdrawn = models.IntegerField(_("withdrawn"), default=0)
    unclaimed = models.IntegerField(_("unclaimed"), default=0)

    class Meta:
        abstract = True


class DailyStats(StatsMeasures):
    date = models.DateField(_("date"))

    class Meta:
        db_table = "applications_dailystats"
        verbose_name = _("daily statistics")
        verbose_name_plural = _("daily statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["date", "office", "service", "provider", "registered_by"], name="daily_stats_key"
            )
        ]
        indexes = [models.Index(fields=["office", "date"], name="daily_stats_office_date")]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} office {self.office_id} service {self.service_id}: {self.registered}"


class MonthlyStats(StatsMeasures):
    """The same as DailyStats summed by month (``month`` is the first day): long periods read these."""

    month = models.DateField(_("month"))

    class Meta:
        db_table = "applications_monthlystats"
        verbose_name = _("monthly statistics")
        verbose_name_plural = _("monthly statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "office", "service", "provider", "registered_by"], name="monthly_stats_key"
            )
        ]
        indexes = [models.Index(fields=["office", "month"], name="monthly_stats_office_month")]

    def __str__(self) -> str:
        return f"{self.month:%m.%Y} office {self.office_id} service {self.service_id}: {self.registered}"


class OpenStats(models.Model):
    """How many open cases there are now, by office, service, provider, administrator, status and due
    date. Suspended cases (the clock does not run) carry the due date 9999-12-31, so
    "overdue now" is ``due_date < today`` over this table, always true to the calendar."""

    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+", verbose_name=_("office"))
    service = models.ForeignKey(
        "services.Service", on_delete=models.CASCADE, related_name="+", verbose_name=_("service")
    )
    provider = models.ForeignKey(
        "services.Provider", on_delete=models.CASCADE, related_name="+", verbose_name=_("provider")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("registered by")
    )
    status = models.CharField(_("status"), max_length=32, choices=ApplicationStatus.choices)
    due_date = models.DateField(_("due date"))
    count = models.IntegerField(_("cases"), default=0)

    class Meta:
        db_table = "applications_openstats"
        verbose_name = _("open cases")
        verbose_name_plural = _("open cases")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "service", "provider", "registered_by", "status", "due_date"], name="open_stats_key"
            )
        ]

    def __str__(self) -> str:
        return f"office {self.office_id} {self.status} due {self.due_date:%d.%m.%Y}: {self.count}"


class QueueStats(models.Model):
    """What the electronic queue did in one hour of one day, by service group and window: the tickets
    issued in that hour (by the local hour of issue) and what became of them. ``window`` is the window
    that called the ticket (empty while it waits, or when it was never called). Kept current by
    reporting/queue_stats.py when a ticket is issued and when it ends; rebuilt nightly from the tickets."""

    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+", verbose_name=_("office"))
    group = models.ForeignKey(
        "equeue.ServiceGroup", on_delete=models.CASCADE, related_name="+", verbose_name=_("service group")
    )
    window = models.ForeignKey(
        "equeue.Window", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("window")
    )
    date = models.DateField(_("date"))
    hour = models.PositiveSmallIntegerField(_("hour"))
    # First issues only (a ticket sent on to another group is the same visitor): issued, booked, priority.
    issued = models.IntegerField(_("tickets issued"), default=0)
    booked = models.IntegerField(_("booked visits"), default=0)
    priority = models.IntegerField(_("served out of turn"), default=0)
    called = models.IntegerField(_("called"), default=0)
    called_within_target = models.IntegerField(_("called within the target wait"), default=0)
    served = models.IntegerField(_("served"), default=0)
    no_show = models.IntegerField(_("did not come"), default=0)
    redirected = models.IntegerField(_("sent on"), default=0)
    wait_seconds_sum = models.BigIntegerField(_("waiting time, seconds, total"), default=0)
    service_seconds_sum = models.BigIntegerField(_("service time, seconds, total"), default=0)

    class Meta:
        verbose_name = _("queue statistics")
        verbose_name_plural = _("queue statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["date", "office", "group", "window", "hour"],
                condition=models.Q(window__isnull=False),
                name="queue_stats_key",
            ),
            models.UniqueConstraint(
                fields=["date", "office", "group", "hour"],
                condition=models.Q(window__isnull=True),
                name="queue_stats_key_no_window",
            ),
        ]
        indexes = [models.Index(fields=["office", "date"], name="queue_stats_office_date")]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.hour:02d}h group {self.group_id} window {self.window_id}: {self.issued}"
