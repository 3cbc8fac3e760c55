"""The API of booked visits (electronic queue) for portals: the free slots of a group on a day, booking a
slot, cancelling a booking by its token. With a client token; a group or booking of another hromada
answers 404. Thin: the rules are in equeue.actions_booking and equeue.selectors_booking."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from equeue import actions_booking, selectors_booking
from equeue.constants import BookingChannel
from equeue.models import ServiceGroup

from .serializers_queue import BookingInputSerializer, BookingSerializer, SlotSerializer, SlotsQuerySerializer
from .views import ApiView, _errors


def _group(client, group_id) -> ServiceGroup:
    group = (
        ServiceGroup.objects.select_related("office")
        .filter(pk=group_id, office__hromada_id=client.hromada_id, office__is_active=True)
        .first()
    )
    if group is None or group not in selectors_booking.bookable_groups(group.office):
        raise Http404
    return group


class QueueSlots(ApiView):
    serializer_class = SlotSerializer
    pagination_class = None

    @extend_schema(
        operation_id="queue_slots_list",
        summary="Free slots of a service group on a day",
        parameters=[SlotsQuerySerializer],
        responses={200: SlotSerializer(many=True), **_errors(400, 401, 404, 429)},
        tags=["queue"],
    )
    def get(self, request, group_id: int):
        query = SlotsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        group = _group(request.auth, group_id)
        slots = selectors_booking.free_slots(group, query.validated_data["date"])
        return Response(SlotSerializer(slots, many=True).data)


class QueueBookingCreate(ApiView):
    serializer_class = BookingSerializer

    @extend_schema(
        operation_id="queue_bookings_create",
        summary="Book a visit for a free slot (the code and cancel link are sent to the visitor)",
        request=BookingInputSerializer,
        responses={
            201: BookingSerializer,
            200: OpenApiResponse(BookingSerializer, description="Already booked (same external_id)."),
            **_errors(400, 401, 404, 429),
        },
        tags=["queue"],
    )
    def post(self, request):
        data = BookingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        group = _group(request.auth, values["group"])
        try:
            booking, created = actions_booking.book_visit(
                office=group.office,
                group=group,
                starts_at=values["starts_at"],
                name=values["name"],
                phone=values["phone"],
                email=values["email"],
                channel=BookingChannel.API,
                request_key=actions_booking.api_request_key(
                    client_id=request.auth.pk, external_id=values["external_id"]
                ),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise
            raise ValidationError({"starts_at": exc.error_list}) from None
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(BookingSerializer(booking).data, status=code)


class QueueBookingCancel(ApiView):
    serializer_class = BookingSerializer

    @extend_schema(
        operation_id="queue_bookings_cancel",
        summary="Cancel a booking by its cancel token (cancelling again changes nothing)",
        request=None,
        responses={200: BookingSerializer, **_errors(400, 401, 404, 429)},
        tags=["queue"],
    )
    def post(self, request, token: str):
        booking = selectors_booking.booking_by_cancel_token(token)
        if booking is None or booking.office.hromada_id != request.auth.hromada_id:
            raise Http404
        booking = actions_booking.cancel_booking(token=token)
        return Response(BookingSerializer(booking).data)
