"""Printed documents of a case's workflow: the routing slip (листок проходження справи)
and the decision, stored on their first print (applications/printing.py)."""

from __future__ import annotations

from cnap.accounts.models import User
from cnap.pdf import render_pdf
from cnap.workdays import WorkCalendar, chain_terms, office_calendar

from .actions.decisions import applicant_name_in
from .constants import PrintedDocumentKind
from .models import Application, Decision, PrintedDocument
from .printing import first_print

__all__ = [
    "decision_document",
    "planned_stages",
    "render_decision_pdf",
    "render_routing_slip_pdf",
    "routing_slip_document",
]


def _header(application: Application) -> dict:
    hromada = application.hromada
    return {"hromada_name": hromada.council_name or hromada.name}


# The decision -----------------------------------------------------------------------------------------


def render_decision_pdf(decision: Decision) -> bytes:
    application = decision.application
    provider = application.provider
    grounds = list(decision.grounds.all())
    version = application.service_version
    context = {
        **_header(application),
        "office_name": provider.name,
        "office_address": provider.address,
        "created": decision.created_at,
        "document_number": decision.number,
        "decision": decision,
        "is_refusal": decision.kind == "refusal",
        "grounds": [{"text": g.text, "citation": g.citation} for g in grounds]
        or [{"text": line, "citation": ""} for line in decision.grounds_text.splitlines() if line],
        "complaint": {
            "body": version.complaint_body,
            "address": version.complaint_address,
            "term": version.complaint_term,
            "court": version.complaint_court,
        },
        "application": application,
        "applicant_name": application.applicant.display_name,
        "applicant_dative": applicant_name_in(application.applicant, "dative"),
        "applicant_genitive": applicant_name_in(application.applicant, "genitive"),
        "service_title": application.service_version.title,
        "provider": provider,
        "decided_by": decision.decided_by,
    }
    return render_pdf("pdf/decision.html", context)


def decision_document(decision: Decision, *, acting_user: User) -> PrintedDocument:
    """The stored PDF of the decision, made on the first print."""

    def render(application: Application) -> bytes:
        printed = Decision.objects.select_related("decided_by").get(pk=decision.pk)
        printed.application = Application.objects.select_related(
            "applicant", "provider", "service_version", "hromada"
        ).get(pk=application.pk)
        return render_decision_pdf(printed)

    return first_print(
        application_id=decision.application_id,
        kind=PrintedDocumentKind.DECISION,
        render=render,
        name=f"decision-{decision.pk}.pdf",
        acting_user=acting_user,
        decision=decision,
    )


# The routing slip --------------------------------------------------------------------------------------


def planned_stages(application: Application, *, calendar: WorkCalendar | None = None) -> list[dict]:
    """The tech card's stages with the day each is planned to end, counted one after another from the
    moment the case was sent to the provider (or registered), never later than the due date."""
    calendar = calendar or office_calendar(application.office_id)
    stages = list(application.service_version.stages.all())
    start = application.sent_to_provider_at or application.registered_at
    ends = chain_terms(start, [(s.duration, s.duration_unit) for s in stages], calendar)
    due = application.due_date
    return [{"stage": stage, "planned_on": min(day, due)} for stage, day in zip(stages, ends, strict=True)]


def render_routing_slip_pdf(application: Application) -> bytes:
    office = application.office
    context = {
        **_header(application),
        "office_name": office.name,
        "office_address": office.address,
        "created": application.sent_to_provider_at or application.registered_at,
        "document_number": application.number,
        "application": application,
        "applicant_name": application.applicant.display_name,
        "version": application.service_version,
        "service": application.service,
        "provider": application.provider,
        "stages": planned_stages(application),
    }
    return render_pdf("pdf/routing_slip.html", context)


def routing_slip_document(application, *, acting_user: User) -> PrintedDocument:
    """The stored routing slip of the case (listing the tech card's stages with planned dates)."""

    def render(locked: Application) -> bytes:
        return render_routing_slip_pdf(
            Application.objects.select_related(
                "applicant", "provider", "service", "service_version", "office", "hromada", "registered_by"
            ).get(pk=locked.pk)
        )

    return first_print(
        application_id=getattr(application, "pk", application),
        kind=PrintedDocumentKind.ROUTING_SLIP,
        render=render,
        name=f"routing-slip-{getattr(application, 'pk', application)}.pdf",
        acting_user=acting_user,
    )
