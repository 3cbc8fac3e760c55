"""`Authorization: Token <token>`: the token of an `ApiClient`, looked up by its SHA-256.

`request.auth` is the client; `request.user` stays anonymous (an integrating system is not a staff
member). A revoked or unknown token is refused with 401. The client found (even a revoked one) is
remembered on the request so that the request log (api.views.ApiView) can record its use."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .models import ApiClient, hash_token

KEYWORD = "Token"


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as «Authorization: Token <token>»."))
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from exc
        client = ApiClient.objects.select_related("hromada").filter(token_hash=hash_token(token)).first()
        if client is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid."))
        request._request.api_client = client
        if client.is_revoked:
            raise exceptions.AuthenticationFailed(_("The token was revoked."))
        return AnonymousUser(), client

    def authenticate_header(self, request) -> str:
        return KEYWORD
