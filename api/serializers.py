"""What the API reads and writes. Catalog fields come from the version in force (the information card)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications.constants import ApplicantKind, ApplicationStatus, IdentityDocumentType
from applications.models import Application, StatusChange
from cnap.accounts.constants import OfficeKind
from cnap.forms import check_date
from cnap.workdays import TermUnit
from services.constants import (
    Channel,
    ChargeKind,
    DeliveryMethod,
    DocumentKind,
    FeeBase,
    FeeOption,
    FeeRounding,
    ServiceCategory,
    StageAction,
)

from .models import EApplication, EApplicationState

# ---- errors (for the OpenAPI description) ----


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine code: invalid, not_found, throttled, …")
    message = serializers.CharField(help_text="Ukrainian message for a person.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by field (dotted for nested input: applicant.rnokpp, documents.0.copies).",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


# ---- catalog ----


class OfficeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=OfficeKind.choices)
    address = serializers.CharField()
    schedule = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    hromada = serializers.CharField(source="hromada.name")
    hromada_id = serializers.IntegerField()


class ProviderSerializer(serializers.Serializer):
    name = serializers.CharField()
    short_name = serializers.CharField()
    edrpou = serializers.CharField()
    address = serializers.CharField()
    schedule = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    website = serializers.CharField()


class TermSerializer(serializers.Serializer):
    value = serializers.IntegerField(source="term_value", allow_null=True)
    unit = serializers.ChoiceField(source="term_unit", choices=TermUnit.choices)
    unit_label = serializers.CharField(source="get_term_unit_display")
    note = serializers.CharField(source="term_note")


class ChargeSerializer(serializers.Serializer):
    slot = serializers.IntegerField(help_text="The payment number; rows of one slot are tiers of one payment.")
    option = serializers.ChoiceField(choices=[("", "always"), *FeeOption.choices])
    charge_kind = serializers.ChoiceField(choices=ChargeKind.choices)
    title = serializers.CharField()
    base = serializers.ChoiceField(choices=FeeBase.choices)
    share = serializers.DecimalField(max_digits=10, decimal_places=5, allow_null=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    rounding = serializers.ChoiceField(choices=FeeRounding.choices)
    prepaid = serializers.BooleanField()
    payee = serializers.CharField()
    payee_edrpou = serializers.CharField()
    iban = serializers.CharField()
    budget_code = serializers.CharField()
    purpose = serializers.CharField()
    legal_source = serializers.CharField()


class FeeSerializer(serializers.Serializer):
    free = serializers.SerializerMethodField()
    amount_today = serializers.DecimalField(
        source="fee_today",
        max_digits=12,
        decimal_places=2,
        allow_null=True,
        help_text="UAH, for an application filed today; null if the subsistence minimum of the year is missing.",
    )
    late_amount_today = serializers.DecimalField(
        source="fee_today_late", max_digits=12, decimal_places=2, allow_null=True
    )
    late_filing_note = serializers.CharField()
    charges = ChargeSerializer(source="fees.all", many=True)

    @extend_schema_field(serializers.BooleanField())
    def get_free(self, version) -> bool:
        return not version.fees.all()


class RequiredDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    copies = serializers.IntegerField()
    mandatory = serializers.BooleanField()
    note = serializers.CharField()


class StageSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    name = serializers.CharField()
    responsible_position = serializers.CharField()
    unit = serializers.CharField()
    action = serializers.ChoiceField(choices=StageAction.choices)
    duration = serializers.IntegerField(allow_null=True)
    duration_unit = serializers.ChoiceField(choices=TermUnit.choices)


class RefusalGroundSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    text = serializers.CharField()


class ServiceListSerializer(serializers.Serializer):
    code = serializers.CharField(source="local_code")
    national_id = serializers.CharField()
    category = serializers.ChoiceField(choices=ServiceCategory.choices)
    category_label = serializers.CharField(source="get_category_display")
    title = serializers.CharField(source="version.title")
    version = serializers.IntegerField(source="version.number")
    valid_from = serializers.DateField(source="version.valid_from")
    provider = serializers.CharField(source="provider.name")
    term = TermSerializer(source="version")
    fee = FeeSerializer(source="version")
    channels = serializers.ListField(source="version.channels", child=serializers.ChoiceField(Channel.choices))
    office_ids = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_office_ids(self, service) -> list[int]:
        return [office.pk for office in service.active_offices]


class ServiceDetailSerializer(ServiceListSerializer):
    purpose = serializers.CharField(source="version.purpose")
    legal_basis = serializers.CharField(source="version.legal_basis")
    provider = ProviderSerializer()
    documents_note = serializers.CharField(source="version.documents_note")
    documents = RequiredDocumentSerializer(source="version.documents", many=True)
    result = serializers.CharField(source="version.result")
    result_delivery = serializers.ListField(
        source="version.result_delivery", child=serializers.ChoiceField(DeliveryMethod.choices)
    )
    refusal_grounds = RefusalGroundSerializer(source="version.refusal_grounds", many=True)
    stages = StageSerializer(source="version.stages", many=True)
    offices = OfficeSerializer(source="active_offices", many=True)


class CatalogQuerySerializer(serializers.Serializer):
    office = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1, help_text="Office id.")
    category = serializers.ChoiceField(choices=ServiceCategory.choices, required=False)
    search = serializers.CharField(required=False, max_length=200, help_text="Words of the title, or the code.")


# ---- e-applications ----


class ApplicantInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ApplicantKind.choices, default=ApplicantKind.PERSON)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    patronymic = serializers.CharField(max_length=150, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    rnokpp = serializers.CharField(max_length=20, required=False, allow_blank=True)
    no_rnokpp = serializers.BooleanField(default=False)
    document_type = serializers.ChoiceField(choices=IdentityDocumentType.choices, required=False, allow_blank=True)
    document_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    document_issued_by = serializers.CharField(max_length=255, required=False, allow_blank=True)
    document_issued_on = serializers.DateField(required=False, allow_null=True)
    unzr = serializers.CharField(max_length=20, required=False, allow_blank=True)
    name = serializers.CharField(max_length=500, required=False, allow_blank=True)
    edrpou = serializers.CharField(max_length=12, required=False, allow_blank=True)
    head_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    notify_by_email = serializers.BooleanField(default=False)
    notify_by_sms = serializers.BooleanField(default=False)
    consent = serializers.BooleanField(help_text="The applicant consented to the processing of personal data.")

    def validate_consent(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(
                _("The applicant's consent to the processing of personal data is needed.")
            )
        return value


class DocumentLineSerializer(serializers.Serializer):
    required_document = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1, help_text="Id from the service's documents."
    )
    name = serializers.CharField(max_length=500, required=False, allow_blank=True, help_text="For an extra document.")
    kind = serializers.ChoiceField(choices=DocumentKind.choices, required=False)
    copies = serializers.IntegerField(min_value=1, max_value=999, default=1)
    sheets = serializers.IntegerField(min_value=1, max_value=999, default=1)


class EApplicationInputSerializer(serializers.Serializer):
    office = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="Office id (of your hromada).")
    service = serializers.CharField(max_length=32, help_text="Service code (`code` in the catalog).")
    applicant = ApplicantInputSerializer()
    documents = DocumentLineSerializer(many=True, max_length=100)
    result_delivery = serializers.ChoiceField(choices=DeliveryMethod.choices, default=DeliveryMethod.ELECTRONIC)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    external_id = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="Your own id: sending it again returns the e-application already received (200).",
    )


class ApplicationStatusSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    service = serializers.CharField(source="service_version.title")
    service_code = serializers.CharField(source="service.local_code")
    office = serializers.IntegerField(source="office_id")

    class Meta:
        model = Application
        fields = [
            "number",
            "status",
            "status_label",
            "status_changed_at",
            "registered_at",
            "due_date",
            "result_ready_at",
            "closed_at",
            "service",
            "service_code",
            "office",
        ]
        read_only_fields = fields


class EApplicationSerializer(serializers.ModelSerializer):
    office = serializers.IntegerField(source="office_id")
    service = serializers.CharField(source="service.local_code")
    state = serializers.ChoiceField(choices=EApplicationState.choices)
    number = serializers.CharField(source="application.number", allow_null=True, default=None)
    status = serializers.SerializerMethodField()

    class Meta:
        model = EApplication
        fields = [
            "id",
            "external_id",
            "state",
            "received_at",
            "decided_at",
            "rejection_reason",
            "office",
            "service",
            "number",
            "status",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=ApplicationStatus.choices))
    def get_status(self, e_application) -> str:
        """`draft` until accepted, then the status of the registered case; `rejected` is a state, not a status."""
        if e_application.application_id:
            return e_application.application.status
        return ApplicationStatus.DRAFT


class StatusChangeSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="application.number")
    e_application = serializers.SerializerMethodField()
    to_status_label = serializers.CharField(source="get_to_status_display")
    from_status = serializers.ChoiceField(
        choices=ApplicationStatus.choices, allow_blank=True, help_text="Empty for the first status of a case."
    )

    class Meta:
        model = StatusChange
        fields = ["id", "number", "e_application", "from_status", "to_status", "to_status_label", "changed_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_e_application(self, change) -> str | None:
        try:
            e_application = change.application.e_application
        except EApplication.DoesNotExist:
            return None
        return str(e_application.pk) if e_application else None


class BoundedDateTimeField(serializers.DateTimeField):
    """A moment between 01.01.1900 and 31.12.2100: anything else (0001-01-01, 9999-12-31 in a far zone)
    overflows in the time zone arithmetic or the database, and is refused with the field's message."""

    def to_internal_value(self, value):
        try:
            moment = super().to_internal_value(value)
            return check_date(moment)
        except (OverflowError, DjangoValidationError) as exc:
            messages = getattr(exc, "messages", None) or [str(_("Datetime value out of range."))]
            raise serializers.ValidationError(messages) from exc


class StatusChangesQuerySerializer(serializers.Serializer):
    since = BoundedDateTimeField(required=False, help_text="Changes at or after this moment (ISO 8601).")
