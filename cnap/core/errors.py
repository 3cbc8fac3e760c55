"""Error answers of the whole site: Ukrainian pages for people (templates 400.html, 403.html, 404.html,
500.html), and, under /api/, the API's one JSON error body

    {"error": {"code": "<machine_code>", "message": "<Ukrainian message>", "fields": {}}}

for what goes wrong outside the API's views (an unknown URL, a refused host, a crash in middleware);
the API's views answer their own errors in the same body (api/exceptions.py)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

__all__ = ["API_PREFIX", "bad_request", "error_body", "page_not_found", "permission_denied", "server_error"]

logger = logging.getLogger(__name__)
API_PREFIX = "/api/"


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    """The API's one error body: ``fields`` is always there (maybe empty)."""
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def _is_api(request) -> bool:
    """A request for the API (JSON): under /api/ and not one of the HTML pages that live there (the
    staff inbox, the documentation page), which are plain Django views."""
    if not request.path_info.startswith(API_PREFIX):
        return False
    match = getattr(request, "resolver_match", None)
    if match is None:
        return True
    return getattr(match.func, "cls", None) is not None


def _json(code: str, message, status: int) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status, json_dumps_params={"ensure_ascii": False})


def _page(request, template: str, status: int, context: dict | None = None):
    try:
        get_template(template)
    except TemplateDoesNotExist:  # the last resort must never fail
        from django.http import HttpResponse

        return HttpResponse(str(status), status=status, content_type="text/plain; charset=utf-8")
    return render(request, template, context or {}, status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    if _is_api(request):
        with translation.override(settings.LANGUAGE_CODE):
            return _json("bad_request", _("The request is not valid."), 400)
    return _page(request, "400.html", 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    if _is_api(request):
        with translation.override(settings.LANGUAGE_CODE):
            return _json("permission_denied", _("You may not do this."), 403)
    return _page(request, "403.html", 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    if _is_api(request):
        with translation.override(settings.LANGUAGE_CODE):
            return _json("not_found", _("Not found."), 404)
    return _page(request, "404.html", 404)


@requires_csrf_token
def server_error(request):
    """No request context on purpose (as Django's own): the page must render whatever broke."""
    if _is_api(request):
        with translation.override(settings.LANGUAGE_CODE):
            return _json("server_error", _("Internal error. It has been logged; try again later."), 500)
    try:
        template = get_template("500.html")
        return _plain(template.render({"LANGUAGE_CODE": translation.get_language()}), 500)
    except Exception:  # noqa: BLE001 - the last resort
        logger.exception("the 500 page could not be rendered")
        return _plain("500", 500)


def _plain(body: str, status: int):
    from django.http import HttpResponse

    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")
