"""Helpers for the workflow tests: users of every role for a case, and cases put in a status."""

import datetime as dt

from django.utils import timezone

from applications.constants import ApplicationStatus
from applications.models import StatusChange, Suspension
from cnap.accounts.constants import Role
from tests.applications.factories import ApplicationFactory
from tests.factories import UserFactory

SUPERUSER = "superuser"
ROLES_AND_SUPERUSER = (*Role.values, SUPERUSER)


def user_for(application, role: str, **extra):
    """A user of ``role`` who works where the case is (its office, its provider, its hromada)."""
    if role == SUPERUSER:
        return UserFactory(role="", office=None, hromada=application.hromada, is_superuser=True, **extra)
    if role in (Role.ADMINISTRATOR, Role.STAROSTA, Role.CNAP_HEAD):
        return UserFactory(role=role, office=application.office, **extra)
    if role == Role.PROVIDER_OFFICER:
        return UserFactory(role=role, office=None, hromada=application.hromada, provider=application.provider, **extra)
    return UserFactory(role=role, office=None, hromada=application.hromada, **extra)


def case_in(status: str, *, previous: str = ApplicationStatus.IN_PROGRESS, **kwargs):
    """A case in ``status`` (registered some days ago); a suspended one was suspended from ``previous``."""
    now = timezone.now()
    kwargs.setdefault("registered_at", now - dt.timedelta(days=3))
    app = ApplicationFactory(status=status, **kwargs)
    if status != ApplicationStatus.REGISTERED:
        app.sent_to_provider_at = app.registered_at + dt.timedelta(hours=1)
    if status == ApplicationStatus.RESULT_READY:
        app.result_ready_at = now - dt.timedelta(hours=1)
    app.save()
    if status == ApplicationStatus.SUSPENDED:
        StatusChange.objects.create(
            application=app,
            from_status=previous,
            to_status=status,
            changed_at=now - dt.timedelta(days=1),
            changed_by=app.registered_by,
        )
        Suspension.objects.create(
            application=app,
            started_on=timezone.localdate() - dt.timedelta(days=1),
            reason="Очікування документів",
            created_by=app.registered_by,
        )
    return app
