"""The REST API (thin views: validate, call a selector or an action, serialise).

Public and read-only: the catalog (`/api/catalog/...`), throttled per address. With a client token:
e-applications, application statuses and the status-change feed, scoped to the client's hromada
(another hromada's object answers 404), throttled per token, every request logged."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from . import selectors
from .actions import record_request, submit_e_application
from .pagination import Cursor
from .serializers import (
    ApplicationStatusSerializer,
    CatalogQuerySerializer,
    EApplicationInputSerializer,
    EApplicationSerializer,
    ErrorSerializer,
    OfficeSerializer,
    ServiceDetailSerializer,
    ServiceListSerializer,
    StatusChangeSerializer,
    StatusChangesQuerySerializer,
)
from .throttling import AnonymousThrottle


def _errors(*codes: int) -> dict:
    descriptions = {
        400: "Invalid input (error body with fields).",
        401: "No token, an unknown or a revoked token.",
        403: "Not allowed.",
        404: "Not found (or of another hromada).",
        429: "Too many requests (Retry-After).",
    }
    return {code: OpenApiResponse(ErrorSerializer, description=descriptions[code]) for code in codes}


class ApiView(generics.GenericAPIView):
    """Base of every API view: exempt from the staff login (its own authentication), answers in
    Ukrainian, and logs each request made with a client token."""

    @classmethod
    def as_view(cls, **initkwargs):
        return login_not_required(super().as_view(**initkwargs))

    def dispatch(self, request, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return super().dispatch(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        client = getattr(request._request if hasattr(request, "_request") else request, "api_client", None)
        if client is not None:
            record_request(client=client, method=request.method, path=request.path, status_code=response.status_code)
        return response


class PublicView(ApiView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonymousThrottle]


# ---- public catalog ----


class ServiceList(PublicView):
    serializer_class = ServiceListSerializer
    pagination_class = type("ServiceCursor", (Cursor,), {"ordering": ("local_code",)})

    @extend_schema(
        operation_id="catalog_services_list",
        summary="Services in force",
        parameters=[CatalogQuerySerializer],
        responses={200: ServiceListSerializer(many=True), **_errors(400, 404, 429)},
        tags=["catalog"],
    )
    def get(self, request):
        query = CatalogQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        office = query.validated_data.get("office")
        services = selectors.catalog_services(
            office=office,
            category=query.validated_data.get("category", ""),
            search=query.validated_data.get("search", ""),
            on_date=today,
        )
        page = self.paginate_queryset(services)
        for service in page:
            service.version = selectors.attach_fees(service.in_force_versions[0], today)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ServiceDetail(PublicView):
    serializer_class = ServiceDetailSerializer

    @extend_schema(
        operation_id="catalog_services_retrieve",
        summary="The information card of a service in force",
        responses={200: ServiceDetailSerializer, **_errors(404, 429)},
        tags=["catalog"],
    )
    def get(self, request, code: str):
        found = selectors.catalog_service(code)
        if found is None:
            raise Http404
        service, service.version = found
        return Response(self.get_serializer(service).data)


class OfficeList(PublicView):
    serializer_class = OfficeSerializer

    @extend_schema(
        operation_id="catalog_offices_list",
        summary="Offices (points of service)",
        responses={200: OfficeSerializer(many=True), **_errors(404, 429)},
        tags=["catalog"],
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.catalog_offices())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# ---- with a client token ----


class EApplicationCreate(ApiView):
    serializer_class = EApplicationSerializer

    @extend_schema(
        operation_id="e_applications_create",
        summary="Send an e-application (it waits as a draft until the ЦНАП accepts it)",
        request=EApplicationInputSerializer,
        responses={
            201: EApplicationSerializer,
            200: OpenApiResponse(EApplicationSerializer, description="Already received (same external_id)."),
            **_errors(400, 401, 429),
        },
        tags=["e-applications"],
    )
    def post(self, request):
        data = EApplicationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        e_application, created = submit_e_application(
            client=request.auth,
            office_id=values["office"],
            service_code=values["service"],
            applicant=dict(values["applicant"]),
            documents=[dict(line) for line in values["documents"]],
            result_delivery=values["result_delivery"],
            comment=values["comment"],
            external_id=values["external_id"],
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(EApplicationSerializer(e_application).data, status=code)


class EApplicationDetail(ApiView):
    serializer_class = EApplicationSerializer

    @extend_schema(
        operation_id="e_applications_retrieve",
        summary="An e-application: its state, and its number and status once accepted",
        responses={200: EApplicationSerializer, **_errors(401, 404, 429)},
        tags=["e-applications"],
    )
    def get(self, request, pk):
        e_application = get_object_or_404(selectors.client_e_applications(request.auth), pk=pk)
        return Response(self.get_serializer(e_application).data)


class ApplicationStatus(ApiView):
    serializer_class = ApplicationStatusSerializer

    @extend_schema(
        operation_id="applications_status",
        summary="The status of a case by its registration number",
        responses={200: ApplicationStatusSerializer, **_errors(401, 404, 429)},
        tags=["applications"],
    )
    def get(self, request, number: str):
        application = get_object_or_404(
            selectors.client_applications(request.auth).select_related("service"), number=number
        )
        return Response(self.get_serializer(application).data)


class StatusChangeList(ApiView):
    serializer_class = StatusChangeSerializer
    pagination_class = type("StatusChangeCursor", (Cursor,), {"ordering": ("changed_at", "id")})

    @extend_schema(
        operation_id="status_changes_list",
        summary="Status changes of the hromada's cases since a moment, oldest first (for notifications)",
        parameters=[
            StatusChangesQuerySerializer,
            OpenApiParameter("cursor", str, description="From the `next` link of the previous page."),
        ],
        responses={200: StatusChangeSerializer(many=True), **_errors(400, 401, 404, 429)},
        tags=["applications"],
    )
    def get(self, request):
        query = StatusChangesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        changes = selectors.client_status_changes(request.auth, since=query.validated_data.get("since"))
        page = self.paginate_queryset(changes)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
