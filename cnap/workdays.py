"""The working-day calendar and due dates of applications."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TermUnit(models.TextChoices):
    HOURS = "hours", _("hours")
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    SAME_DAY = "same_day", _("same day")
    NEXT_WORKING_DAY = "next_working_day", _("next working day")
