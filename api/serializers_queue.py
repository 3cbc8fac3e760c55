"""What the API reads and writes for booked visits of the electronic queue."""

from __future__ import annotations

from rest_framework import serializers

from equeue.constants import BookingStatus
from equeue.models import Booking


class SlotsQuerySerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The day, YYYY-MM-DD.")


class SlotSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField(help_text="Visitors the slot takes: the windows serving the group.")
    free = serializers.IntegerField(help_text="Places still free.")


class BookingInputSerializer(serializers.Serializer):
    group = serializers.IntegerField(help_text="The service group (its id).")
    starts_at = serializers.DateTimeField(help_text="The start of a free slot, as the slot list gives it.")
    name = serializers.CharField(max_length=150)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    external_id = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="The portal's own reference: the same one again returns the booking already made.",
    )


class BookingSerializer(serializers.ModelSerializer):
    office = serializers.IntegerField(source="office_id")
    group = serializers.IntegerField(source="group_id")
    status = serializers.ChoiceField(choices=BookingStatus.choices)
    cancel_token = serializers.CharField(help_text="The secret that cancels the booking: keep it with the visitor.")

    class Meta:
        model = Booking
        fields = ["code", "office", "group", "starts_at", "ends_at", "status", "cancel_token"]
