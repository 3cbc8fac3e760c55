from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def docs(request):
    """The API description (Swagger UI, vendored, works offline) for the OpenAPI document at /api/schema/."""
    return render(request, "api/docs.html")
