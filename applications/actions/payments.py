"""Payments of a case: what is due (copied from the catalog's charges at registration), what was paid, the
exemption claimed, refunds. ``Application.fee_paid`` (paid less refunded) is what open data and reports
count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cnap.accounts.models import User
from cnap.core.history import record_author
from services.fees import Charge

from .. import events
from ..constants import PaymentMethod, PaymentState
from ..models import Application, Payment
from ..transitions import may_act_on

__all__ = ["payments_for", "prepaid_missing", "record_payment", "refund_payment"]


def payments_for(application: Application, charges: list[Charge], *, exemption_document: str = "", paid=None) -> list:
    """Unsaved Payment rows of a new case: one per charge; ``paid`` maps slot -> what was paid at the counter."""
    rows = []
    paid = paid or {}
    for charge in charges:
        component = charge.component
        payment = Payment(
            application=application,
            slot=charge.slot,
            title=component.title,
            charge_kind=component.charge_kind,
            payee=component.payee,
            payee_edrpou=component.payee_edrpou,
            iban=component.iban,
            budget_code=component.budget_code,
            purpose=component.purpose,
            legal_source=component.legal_source,
            prepaid=component.prepaid,
            amount_due=charge.due,
        )
        if charge.exemption is not None:
            payment.state = PaymentState.EXEMPT
            payment.exemption = charge.exemption.title
            payment.exemption_document = exemption_document
        elif charge.due == 0:
            payment.state = PaymentState.NOT_DUE
        else:
            payment.state = PaymentState.AWAITING
            if charge.slot in paid:
                _fill_paid(payment, **paid[charge.slot])
        rows.append(payment)
    return rows


def _fill_paid(payment: Payment, *, amount, paid_on, payer="", reference="", method="") -> None:
    try:
        amount = Decimal(str(amount)).quantize(Decimal("0.01"))
    except ArithmeticError:
        raise ValidationError({"amount": _("Enter the amount paid.")}) from None
    if amount <= 0:
        raise ValidationError({"amount": _("The amount paid must be greater than zero.")})
    if amount < payment.amount_due:
        raise ValidationError(
            {"amount": _("Less than due (%(due)s UAH): the payment is not complete.") % {"due": payment.amount_due}}
        )
    if paid_on is None or paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("Enter the day of payment (not in the future).")})
    if method and method not in PaymentMethod.values:
        raise ValidationError({"method": _("Choose how it was paid.")})
    if not (reference or "").strip():
        raise ValidationError({"reference": _("Enter the payment reference or receipt number.")})
    payment.paid_amount = amount
    payment.paid_on = paid_on
    payment.payer = (payer or "").strip()
    payment.reference = reference.strip()
    payment.method = method
    payment.state = PaymentState.PAID


def _refresh_paid(app: Application, acting_user) -> None:
    total = app.payments.filter(state=PaymentState.PAID).aggregate(total=Sum("paid_amount"))["total"] or Decimal(0)
    app.fee_paid = total
    app.revision += 1
    record_author(app, acting_user)
    app.save(update_fields=["fee_paid", "revision"])


def _locked(payment) -> tuple[Application, Payment]:
    pk = getattr(payment, "pk", payment)
    payment = Payment.objects.select_related("application").get(pk=pk)
    app = Application.objects.select_for_update(of=("self",)).get(pk=payment.application_id)
    return app, Payment.objects.select_for_update().get(pk=pk)


def _may_record(user, app) -> None:
    if not may_act_on(user, app):
        raise PermissionDenied(_("This case belongs to another office or provider: you cannot act on it."))


def record_payment(
    *,
    payment,
    amount,
    paid_on: dt.date,
    reference: str,
    method: str = PaymentMethod.BANK,
    payer: str = "",
    acting_user: User,
) -> Payment:
    """The administrator records that a payment of a case was made (once: a paid payment is not paid again)."""
    with transaction.atomic():
        app, payment = _locked(payment)
        _may_record(acting_user, app)
        if payment.state != PaymentState.AWAITING:
            raise ValidationError(
                _("This payment is «%(state)s»: there is nothing to record.") % {"state": payment.get_state_display()},
                code="not_awaiting",
            )
        _fill_paid(payment, amount=amount, paid_on=paid_on, payer=payer, reference=reference, method=method)
        payment.recorded_by = acting_user
        payment.recorded_at = timezone.now()
        record_author(payment, acting_user)
        payment.save()
        _refresh_paid(app, acting_user)
        events.application_paid(app, amount=payment.paid_amount, day=payment.paid_on)
        return payment


def refund_payment(*, payment, refunded_on: dt.date, note: str, acting_user: User) -> Payment:
    """A paid payment was returned to the payer (e.g. the application was withdrawn before it was considered)."""
    with transaction.atomic():
        app, payment = _locked(payment)
        _may_record(acting_user, app)
        if payment.state != PaymentState.PAID:
            raise ValidationError(_("Only a paid payment can be refunded."), code="not_paid")
        if not (note or "").strip():
            raise ValidationError({"note": _("Say why and how it was refunded.")})
        payment.state = PaymentState.REFUNDED
        payment.refunded_on = refunded_on
        payment.refund_note = note.strip()
        record_author(payment, acting_user)
        payment.save()
        _refresh_paid(app, acting_user)
        events.application_paid(app, amount=-payment.paid_amount, day=refunded_on)
        return payment


def prepaid_missing(application: Application, payments=None) -> list[Payment]:
    """Payments the law wants paid before filing that have no payment recorded: the counter warns."""
    payments = application.payments.all() if payments is None else payments
    return [p for p in payments if p.prepaid and p.state == PaymentState.AWAITING]
