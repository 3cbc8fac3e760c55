"""The provider's decision on a case (DESIGN §5): numbered, written from the service's template,
approve (→ result ready) or refuse citing grounds from the service's list (→ refused)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template import Context, Engine, TemplateSyntaxError
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cnap.accounts.constants import Role
from services.selectors import provider_id_of

from ..constants import ApplicantKind, ApplicationStatus, DecisionKind
from ..models import Applicant, Application, Decision, DecisionCounter
from .workflow import _check_revision, _lock, _transition_locked

__all__ = ["applicant_name_in", "decision_context", "next_decision_number", "record_decision"]

# Grammatical cases by their Ukrainian names, as template authors write them.
CASES = ("nominative", "genitive", "dative", "accusative", "ablative", "locative", "vocative")

# A sandboxed engine for the catalog manager's templates: no loaders, no app template tags.
_ENGINE = Engine(builtins=["django.template.defaultfilters", "django.template.defaulttags"], autoescape=False)


def applicant_name_in(applicant: Applicant, case: str = "nominative") -> str:
    """The applicant's full name in a grammatical case («Шевченку Тарасу Григоровичу» in the dative);
    a legal entity's name is not declined. Falls back to the nominative if the name cannot be declined."""
    if applicant.kind == ApplicantKind.LEGAL_ENTITY:
        return applicant.name
    parts = {"familyName": applicant.last_name, "givenName": applicant.first_name}
    if applicant.patronymic:
        parts["patronymicName"] = applicant.patronymic
    nominative = applicant.display_name
    if case == "nominative":
        return nominative
    try:
        import shevchenko

        gender = shevchenko.detect_gender(parts)["gender"]
        if gender is None:
            return nominative
        declined = shevchenko.inflect({"gender": gender, **parts}, shevchenko.GrammaticalCase(case))
    except (TypeError, ValueError, KeyError, IndexError):  # an unusual name must never block a decision
        return nominative
    order = ("familyName", "givenName", "patronymicName")
    return " ".join(declined.get(key) or parts[key] for key in order if parts.get(key))


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
    }


def _default_text(context: dict) -> str:
    with translation.override("uk"):
        if context["is_refusal"]:
            grounds = "; ".join(context["grounds"])
            return _(
                "Having considered application No %(application)s of %(registered)s, refuse %(name)s "
                "the administrative service «%(service)s» on the grounds: %(grounds)s."
            ) % {
                "application": context["application_number"],
                "registered": context["registered_on"],
                "name": context["applicant_dative"],
                "service": context["service"],
                "grounds": grounds,
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
    try:
        template = _ENGINE.from_string(template_text)
    except TemplateSyntaxError as exc:
        raise ValidationError(
            _(
                "The decision template of this service has an error (%(error)s): ask the catalog manager "
                "to correct it, or write the text of the decision yourself."
            )
            % {"error": exc},
            code="bad_template",
        ) from exc
    return template.render(Context(context, autoescape=False)).strip()


def next_decision_number(provider, year: int) -> str:
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
    acting_user,
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
    grounds = list(grounds or ())
    with transaction.atomic():
        app = _lock(application)
        _check_revision(app, expected_revision)
        if not acting_user.is_superuser and not (
            acting_user.role == Role.PROVIDER_OFFICER
            and provider_id_of(acting_user)
            and provider_id_of(acting_user) == app.provider_id
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

        number = next_decision_number(app.provider, decided_on.year)
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
            grounds_text="\n".join(g.text for g in grounds),
            decided_by=acting_user,
        )
        decision._history_user = acting_user
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
