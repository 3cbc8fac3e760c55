from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .selectors import system_health


@login_not_required
@never_cache
@require_GET
def healthz(request):
    health = system_health()
    return JsonResponse(health, status=200 if health["ok"] else 503)


def home(request):
    return render(request, "core/home.html")
