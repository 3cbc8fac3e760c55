"""The provider's decision on a case: numbered, written from the service's template,
approve (→ result ready) or refuse citing grounds from the service's list (→ refused)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cnap.accounts.constants import Role
from cnap.accounts.models import User
from cnap.core.history import record_author
from cnap.names import CASES, decline_name
from cnap.sandbox import render_template

from ..access import may_act_on
from ..constants import ApplicantKind, ApplicationStatus, DecisionKind
from ..models import Applicant, Application, Decision, DecisionCounter
from .workflow import _check_revision, _lock, _transition_locked

__all__ = [
    "applicant_name_in",
    "decision_context",
    "next_decision_number",
    "record_decision",
    "record_registry_action",
]


def applicant_name_in(applicant: Applicant, case: str = "nominative") -> str:
    """The applicant's full name in a grammatical case («Шевченку Тарасу Григоровичу» in the dative);
    a legal entity's name is not declined (cnap/names.py: the package and its corrections)."""
    if applicant.kind == ApplicantKind.LEGAL_ENTITY:
        return applicant.name
    return decline_name(applicant.last_name, applicant.first_name, applicant.patronymic, case)


def decision_context(application: Application, *, kind: str, number: str, decided_on: dt.date, grounds=()) -> dict:
    """Plain values (strings and lists of strings only) a decision template may use."""
    applicant = application.applicant
    version = application.service_version
    names = {case: applicant_name_in(applicant, case) for case in CASES}
    return {
        "number": number,
        "date": date_format(decided_on, "d.m.Y"),
        "kind": kind,
        "is_refusal": kind == DecisionKind.REFUSAL,
        "application_number": application.number,
        "registered_on": date_format(timezone.localdate(application.registered_at), "d.m.Y"),
        "service": version.title,
        "result": version.result,
        "legal_basis": version.legal_basis,
        "provider": application.provider.name,
        "applicant": names,  # {{ applicant.dative }}
        "applicant_name": names["nominative"],
        "applicant_dative": names["dative"],
        "applicant_genitive": names["genitive"],
        "address": applicant.address,
        "grounds": [ground.text for ground in grounds],
        "citations": [ground.citation for ground in grounds],
    }


def _default_text(context: dict) -> str:
    with translation.override("uk"):
        if context["is_refusal"]:
            return _(
                "Having considered application No %(application)s of %(registered)s, refuse %(name)s "
                "the administrative service «%(service)s» on the grounds stated below."
            ) % {
                "application": context["application_number"],
                "registered": context["registered_on"],
                "name": context["applicant_dative"],
                "service": context["service"],
            }
        return _(
            "Having considered application No %(application)s of %(registered)s, provide %(name)s "
            "the administrative service «%(service)s»."
        ) % {
            "application": context["application_number"],
            "registered": context["registered_on"],
            "name": context["applicant_dative"],
            "service": context["service"],
        }


def render_decision_text(template_text: str, context: dict) -> str:
    """The service's decision template filled in, in the sandbox of cnap/sandbox.py (a template saved
    before the sandbox's rules, or one that fails, gives a message, never an error page)."""
    try:
        return render_template(template_text, context)
    except ValidationError as exc:
        raise ValidationError(
            _(
                "The decision template of this service has an error (%(error)s): ask the catalog manager "
                "to correct it, or write the text of the decision yourself."
            )
            % {"error": " ".join(exc.messages)},
            code="bad_template",
        ) from exc


def next_decision_number(*, provider, year: int) -> str:
    """The next number in the provider's yearly series; call inside the transaction that saves it."""
    DecisionCounter.objects.bulk_create(
        [DecisionCounter(provider=provider, year=year, last_number=0)], ignore_conflicts=True
    )
    counter = DecisionCounter.objects.select_for_update().get(provider=provider, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"Р-{provider.edrpou}-{year}-{counter.last_number:05d}"


def record_decision(
    *,
    application,
    kind: str,
    text: str | None = None,
    grounds=(),
    acting_user: User,
    decided_on: dt.date | None = None,
    expected_revision: int | None = None,
) -> Decision:
    """Record the provider's decision on a case in progress and move it on: an approval to
    ``result_ready``, a refusal (citing ≥ 1 ground of the case's service version) to ``refused``.

    Only an officer of the provider that owns the case (or a superuser) decides. ``text``, if not
    given, comes from the version's ``decision_template`` (a Django template over plain values, see
    :func:`decision_context`), else a default Ukrainian text.
    """
    kind = str(kind)
    if kind not in DecisionKind.values:
        raise ValidationError(_("Unknown kind of decision."), code="bad_kind")
    from services.constants import ResultKind

    if application.service_version.result_kind == ResultKind.REGISTRAR_ACTION:
        raise ValidationError(
            _(
                "A state registrar decides on this service in the national register: record the registrar's "
                "action (record or decision number and date, the extract) instead of a decision."
            ),
            code="registrar_service",
        )
    grounds = list(grounds or ())
    with transaction.atomic():
        app = _lock(application)
        _check_revision(app, expected_revision)
        if not may_act_on(acting_user, app) or not (
            acting_user.is_superuser or acting_user.role == Role.PROVIDER_OFFICER
        ):
            raise PermissionDenied(_("Only an officer of the provider that handles this case may decide on it."))
        if app.status != ApplicationStatus.IN_PROGRESS:
            raise ValidationError(
                _("A decision is made on a case in progress; this one is «%(status)s».")
                % {"status": ApplicationStatus(app.status).label},
                code="not_in_progress",
            )
        decided_on = decided_on or timezone.localdate()
        if decided_on > timezone.localdate():
            raise ValidationError(_("The date of the decision cannot be in the future."), code="future_date")
        if decided_on < timezone.localdate(app.registered_at):
            raise ValidationError(
                _("The date of the decision cannot be before the registration of the case."), code="before_registration"
            )
        if kind == DecisionKind.REFUSAL:
            if not grounds:
                raise ValidationError(_("A refusal must cite at least one ground for refusal."), code="no_grounds")
            foreign = [g for g in grounds if g.version_id != app.service_version_id]
            if foreign:
                raise ValidationError(
                    _("Cite only the grounds for refusal of this service: «%(ground)s» is not one of them.")
                    % {"ground": foreign[0].text[:80]},
                    code="foreign_ground",
                )
        elif grounds:
            raise ValidationError(_("An approval cites no grounds for refusal."), code="grounds_on_approval")

        number = next_decision_number(provider=app.provider, year=decided_on.year)
        context = decision_context(app, kind=kind, number=number, decided_on=decided_on, grounds=grounds)
        text = (text or "").strip()
        if not text:
            template_text = (app.service_version.decision_template or "").strip()
            text = render_decision_text(template_text, context) if template_text else _default_text(context)
        decision = Decision(
            application=app,
            number=number,
            kind=kind,
            decided_on=decided_on,
            text=text,
            grounds_text="\n".join(f"{g.text} ({g.citation})" if g.citation else g.text for g in grounds),
            decided_by=acting_user,
        )
        record_author(decision, acting_user)
        decision.save()
        if grounds:
            decision.grounds.set(grounds)
        to_status = ApplicationStatus.REFUSED if kind == DecisionKind.REFUSAL else ApplicationStatus.RESULT_READY
        with translation.override("uk"):
            comment = _("Decision No %(number)s of %(date)s") % {"number": number, "date": context["date"]}
        _transition_locked(
            app, to_status=to_status, acting_user=acting_user, comment=comment, details={"decision": decision}
        )
        return decision


def record_registry_action(
    *,
    application,
    kind: str,
    register_name: str,
    record_number: str,
    recorded_on: dt.date,
    registrar: str,
    grounds=(),
    extract=None,
    acting_user: User,
    expected_revision: int | None = None,
):
    """The result of a state registrar's service: the action in the national register (→ result ready) or
    the registrar's refusal citing the service's grounds (→ refused). ``extract``: a Scan of the case."""
    from services.constants import ResultKind

    from ..constants import RegistryActionKind
    from ..models import RegistryAction
    from ..transitions import may_act_on

    kind = str(kind)
    if kind not in RegistryActionKind.values:
        raise ValidationError(_("Unknown kind of registrar's action."), code="bad_kind")
    grounds = list(grounds or ())
    with transaction.atomic():
        app = _lock(application)
        _check_revision(app, expected_revision)
        if not may_act_on(acting_user, app):
            raise PermissionDenied(_("This case belongs to another office or provider: you cannot act on it."))
        if app.service_version.result_kind != ResultKind.REGISTRAR_ACTION:
            raise ValidationError(_("This service ends with a decision of the provider, not a registrar's action."))
        if app.status != ApplicationStatus.IN_PROGRESS:
            raise ValidationError(
                _("The registrar's action is recorded on a case in progress; this one is «%(status)s».")
                % {"status": ApplicationStatus(app.status).label},
                code="not_in_progress",
            )
        if not ((register_name or "").strip() and (record_number or "").strip() and (registrar or "").strip()):
            raise ValidationError(_("Enter the register, the record or decision number and the registrar."))
        today = timezone.localdate()
        if recorded_on is None or not timezone.localdate(app.registered_at) <= recorded_on <= today:
            raise ValidationError(_("The date of the record is between the registration of the case and today."))
        if kind == RegistryActionKind.REFUSAL and not grounds:
            raise ValidationError(_("A refusal must cite at least one ground for refusal."), code="no_grounds")
        if kind == RegistryActionKind.RECORD and grounds:
            raise ValidationError(_("A registration action cites no grounds for refusal."))
        if any(g.version_id != app.service_version_id for g in grounds):
            raise ValidationError(_("Cite only the grounds for refusal of this service."), code="foreign_ground")
        if extract is not None and extract.application_id != app.pk:
            raise ValidationError(_("The extract must be a scan of this case."))
        action = RegistryAction(
            application=app,
            kind=kind,
            register_name=register_name.strip(),
            record_number=record_number.strip(),
            recorded_on=recorded_on,
            registrar=registrar.strip(),
            grounds_text="\n".join(f"{g.text} ({g.citation})" if g.citation else g.text for g in grounds),
            extract=extract,
            recorded_by=acting_user,
        )
        record_author(action, acting_user)
        action.save()
        if grounds:
            action.grounds.set(grounds)
        with translation.override("uk"):
            comment = _("%(register)s: record No %(number)s of %(date)s") % {
                "register": action.register_name,
                "number": action.record_number,
                "date": date_format(recorded_on, "d.m.Y"),
            }
        to_status = ApplicationStatus.REFUSED if kind == RegistryActionKind.REFUSAL else ApplicationStatus.RESULT_READY
        _transition_locked(
            app, to_status=to_status, acting_user=acting_user, comment=comment, details={"registry_action": action}
        )
        return action
