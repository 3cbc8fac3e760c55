from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from .models import ApiClient


class IsApiClient(BasePermission):
    """Only a request authenticated with a valid (not revoked) client token."""

    message = _("A token of an integrating system is needed.")

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, ApiClient)
