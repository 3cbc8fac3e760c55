"""The registration counter: thin views over the registration actions and selectors."""

from __future__ import annotations

from functools import wraps

from csp.constants import SELF
from csp.decorators import csp_replace
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.defaultfilters import filesizeformat
from django.template.loader import get_template
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from applications.access import applicant_for_pick, case_for, case_in_full, counter_search, pick_grant, scan_for
from applications.actions.applicants import compare_with_register
from applications.actions.registration import REGISTRATION, register_application
from applications.actions.staging import discard_staged_upload, stage_uploads, staged_uploads
from applications.forms.registration import ApplicantForm, RegistrationForm, RepresentativeForm, parse_documents
from applications.models import Applicant
from applications.receipts import receipt_pdf
from applications.selectors.registration import office_services, service_checklist, suggested_services
from cnap import identifiers
from cnap.accounts.permissions import can
from cnap.core import origins, submissions
from cnap.security.audit import Action, log_personal_data_access
from cnap.text import search_query
from services.constants import DocumentKind

REGISTRY_PANEL = "registry/_lookup_panel.html"


def registrar(view):
    """Administrators and starostas (capability `register_applications`) of an office; others get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can(request.user, "register_applications") or request.user.office_id is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _registry_panel_available() -> bool:
    try:
        get_template(REGISTRY_PANEL)
    except TemplateDoesNotExist:
        return False
    return True


def _apply_errors(exc: ValidationError, forms: dict) -> tuple[list[str], list[str]]:
    """Put the action's errors (keyed `field`, `applicant-field`, `representative-field`) on the forms;
    return the messages about the documents and any others, shown above the checklist / the form."""
    document_errors: list[str] = []
    other_errors: list[str] = []
    for key, errors in exc.error_dict.items():
        prefix, _sep, field = key.partition("-")
        if field and prefix in ("applicant", "representative"):
            form = forms[prefix]
            form.add_error(field if field in form.fields else None, errors)
        elif key in forms["registration"].fields:
            forms["registration"].add_error(key, errors)
        elif key in forms["representative"].fields:
            forms["representative"].add_error(key, errors)
        elif key == "documents":
            document_errors.extend(message for error in errors for message in error.messages)
        else:
            other_errors.extend(message for error in errors for message in error.messages)
    return document_errors, other_errors


def _session_key(request) -> str:
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key


def _registered(pk):
    return redirect("applications:registered", pk=pk)


@registrar
def register(request):
    office = request.user.office
    document_errors: list[str] = []
    other_errors: list[str] = []
    scan_errors: list[str] = []
    checklist = None
    extras: list[dict] = []
    staged: list = []
    comparisons: dict[str, dict] = {}
    token = None
    # Opened from elsewhere (a queue ticket at a window): its signed origin rides along with the form.
    signed_origin = request.POST.get(origins.FIELD) or request.GET.get(origins.FIELD) or ""
    origin = origins.read_origin(signed_origin, user=request.user)
    if request.method == "POST":
        token = submissions.posted_token(request.POST)
        done = submissions.previous_result(token=token, user=request.user, purpose=REGISTRATION)
        if done:  # the same form again (a double click, a retry): the case the first submit registered
            return _registered(done)
        session_key = _session_key(request)
        new_uploads, refused = stage_uploads(
            files=request.FILES.getlist("scans"), user=request.user, session_key=session_key
        )
        scan_errors = [message for error in refused for message in error.messages]
        staged = staged_uploads(
            user=request.user,
            session_key=session_key,
            ids=[*request.POST.getlist("staged"), *(u.pk for u in new_uploads)],
        )
        form = RegistrationForm(request.POST)
        applicant_form = ApplicantForm(request.POST, prefix="applicant")
        representative_form = RepresentativeForm(request.POST, prefix="representative")
        lines, ticked, extras = parse_documents(request.POST)
        checklist = service_checklist(office, request.POST.get("service"), posted=ticked)
        forms_ok = all([form.is_valid(), applicant_form.is_valid(), representative_form.is_valid()])
        if forms_ok and checklist is None:
            form.add_error("service", _("This office does not offer this service (or it has no version in force)."))
            forms_ok = False
        if forms_ok and not scan_errors:
            representative = None
            attorney = {}
            if representative_form.is_present:
                representative = representative_form.applicant_data()
                attorney = {
                    key: representative_form.cleaned_data.get(key)
                    for key in (
                        "power_of_attorney_number",
                        "power_of_attorney_date",
                        "power_of_attorney_issued_by",
                    )
                }
            try:
                application = register_application(
                    office=office,
                    service=checklist.service,
                    applicant=applicant_form.applicant_data(),
                    documents=lines,
                    staged_scans=staged,
                    channel=form.cleaned_data["channel"],
                    result_delivery=form.cleaned_data["result_delivery"],
                    late_filing=form.cleaned_data["late_filing"],
                    fee_options=form.cleaned_data["fee_option"],
                    exemption=form.cleaned_data["exemption"],
                    exemption_document=form.cleaned_data["exemption_document"],
                    representative=representative,
                    comment=form.cleaned_data["comment"],
                    acting_user=request.user,
                    applicant_choice=applicant_form.register_choice(),
                    representative_choice=representative_form.register_choice() if representative else None,
                    submission_token=token,
                    origin=origin,
                    **attorney,
                )
            except ValidationError as exc:
                forms = {"registration": form, "applicant": applicant_form, "representative": representative_form}
                document_errors, other_errors = _apply_errors(exc, forms)
            else:
                # A concurrent duplicate got the first submit's case: its own uploads are not needed.
                for upload in new_uploads:
                    discard_staged_upload(upload_id=upload.pk, user=request.user, session_key=session_key)
                return _registered(application.pk)
        hromada = office.hromada
        for prefix, party_form in (("applicant", applicant_form), ("representative", representative_form)):
            if prefix == "representative" and not representative_form.is_present:
                continue
            if hasattr(party_form, "cleaned_data"):  # read (its own errors may come from the action)
                comparisons[prefix] = _comparison(hromada, party_form, prefix)
    else:
        form = RegistrationForm()
        applicant_form = ApplicantForm(prefix="applicant")
        representative_form = RepresentativeForm(prefix="representative")
    return render(
        request,
        "applications/registration/register.html",
        {
            "form": form,
            "applicant_form": applicant_form,
            "representative_form": representative_form,
            "checklist": checklist,
            "extras": extras,
            "document_errors": document_errors,
            "other_errors": other_errors,
            "scan_errors": scan_errors,
            "staged": staged,
            "applicant_comparison": comparisons.get("applicant"),
            "representative_comparison": comparisons.get("representative"),
            "submission_token": token,
            "document_kinds": DocumentKind.choices,
            "office": office,
            "show_registry_lookup": _registry_panel_available(),
            "max_scan_size": filesizeformat(settings.CNAP_MAX_SCAN_BYTES),
            "origin": origin,
            "signed_origin": signed_origin if origin else "",
            "suggested_services": suggested_services(office, origin["services"]) if origin else [],
        },
    )


@registrar
@require_POST
def staged_upload_remove(request, upload_id):
    """The remove button of a staged scan on the re-rendered form (htmx: the row disappears)."""
    if not discard_staged_upload(upload_id=upload_id, user=request.user, session_key=request.session.session_key or ""):
        raise Http404
    return HttpResponse("")


@registrar
def registered(request, pk):
    application = case_for(request.user, pk)
    log_personal_data_access(request=request, action=Action.VIEW_CASE, application=application, detail="registered")
    from ..actions.payments import prepaid_missing

    context = {"application": application, "unpaid_prepaid": prepaid_missing(application)}
    return render(request, "applications/registration/registered.html", context)


@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})
def receipt(request, pk):
    """The receipt PDF of a case the user may see (another office's case answers 404). Our own pages may
    frame it (the page after registering shows it and opens the print dialog)."""
    if not can(request.user, "view_applications"):
        raise Http404
    application = case_in_full(request.user, pk)
    pdf = receipt_pdf(application, acting_user=request.user)
    log_personal_data_access(request=request, action=Action.PRINT_DOCUMENT, application=application, detail="receipt")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{application.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def scan_file(request, scan_id):
    """A scan, by its UUID, to a user who may see its case (else 404). Never a public URL."""
    if not can(request.user, "view_applications"):
        raise Http404
    scan = scan_for(request.user, scan_id)
    log_personal_data_access(request=request, action=Action.VIEW_SCAN, scan=scan)
    response = FileResponse(scan.file.open("rb"), content_type=scan.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response


@registrar
@require_GET
def service_search(request):
    query = search_query(request.GET.get("q"))
    services = office_services(request.user.office, search=query) if query else []
    return render(request, "applications/registration/_service_results.html", {"services": services, "query": query})


@registrar
@require_GET
def service_checklist_view(request):
    checklist = service_checklist(request.user.office, request.GET.get("service"))
    if checklist is None:
        raise Http404
    return render(
        request,
        "applications/registration/_checklist.html",
        {"checklist": checklist, "document_kinds": DocumentKind.choices, "extras": []},
    )


@registrar
@require_GET
def applicant_check(request):
    """The applicant as typed so far, checked by the server while the administrator types: the date of
    birth and sex a valid RNOKPP encodes (to fill in), warnings, and the register's record of the same
    person with the differences to choose from (logged: it shows a known person's data)."""
    applicant_form = ApplicantForm(request.GET, prefix="applicant")
    context = {}
    rnokpp = request.GET.get("applicant-rnokpp", "")
    try:
        number = identifiers.clean_rnokpp(rnokpp)
    except ValidationError:
        number = ""
    if number:
        context["derived_birth_date"] = identifiers.rnokpp_birth_date(number)
        context["derived_sex"] = identifiers.rnokpp_sex(number)
    if applicant_form.is_valid():
        comparison = _comparison(request.user.office.hromada, applicant_form, "applicant")
        if comparison["known"] is not None:
            log_personal_data_access(
                request=request, action=Action.VIEW_APPLICANT, applicant=comparison["known"], detail="compared"
            )
        context["applicant_comparison"] = comparison
    return render(request, "applications/registration/_applicant_check.html", context)


def _comparison(hromada, party_form, prefix: str) -> dict:
    known, found, warnings = compare_with_register(hromada=hromada, data=party_form.applicant_data())
    choice = party_form.register_choice()
    chosen = {name: "update" for name in choice.update} | {name: "keep" for name in choice.keep}
    return {
        "known": known,
        "differences": [(difference, chosen.get(difference.field, "")) for difference in found],
        "warnings": warnings,
        "reason": choice.reason,
        "prefix": prefix,
    }


@registrar
@require_GET
def applicant_search(request):
    """The counter's applicant search (htmx). An exact РНОКПП/ЄДРПОУ/document number finds the person
    in the whole hromada (logged, and only what was found can be picked); a name finds only applicants
    of the office's own cases (applications/access.py)."""
    pick = request.GET.get("pick")
    if pick is not None:
        applicant = applicant_for_pick(request, pick, request.GET.get("grant", ""))
        initial = {field.name: getattr(applicant, field.name) for field in Applicant._meta.fields}
        initial["consent"] = applicant.consent_given_at is not None
        log_personal_data_access(request=request, action=Action.VIEW_APPLICANT, applicant=applicant)
        return render(
            request,
            "applications/registration/_applicant_fields.html",
            {"applicant_form": ApplicantForm(prefix="applicant", initial=initial), "picked": applicant},
        )
    query = search_query(request.GET.get("applicant_q") or request.GET.get("q"))
    found = counter_search(request.user, query)
    if found.exact:
        for applicant in found.applicants:
            applicant.pick_grant = pick_grant(request.user, applicant)
        # logged even when nothing is found: an exact number tried is a lookup of a person
        log_personal_data_access(
            request=request,
            action=Action.SEARCH_APPLICANTS,
            applicant=found.applicants[0] if len(found.applicants) == 1 else None,
            detail=f"exact identifier, {len(found.applicants)} found",
        )
    elif found.applicants:  # names and masked numbers of the office's own applicants
        log_personal_data_access(
            request=request, action=Action.SEARCH_APPLICANTS, detail=f"{len(found.applicants)} found"
        )
    return render(
        request,
        "applications/registration/_applicant_results.html",
        {"applicants": found.applicants, "query": query},
    )


__all__ = [
    "applicant_check",
    "applicant_search",
    "receipt",
    "register",
    "registered",
    "scan_file",
    "service_checklist_view",
    "service_search",
    "staged_upload_remove",
]
