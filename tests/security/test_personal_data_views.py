"""Every view that shows personal data writes the access log (who, what, which case); another
office's scan, receipt or decision answers 404 and logs nothing (IDOR)."""

import pytest
from django.test import Client
from django.urls import reverse

from cnap.security.models import PersonalDataAccess, PersonalDataAccessAction
from tests.security.world import build_world

pytestmark = pytest.mark.django_db
Action = PersonalDataAccessAction


def views_of(side):
    app = side.application
    return [
        (reverse("applications:detail", args=[app.pk]), Action.VIEW_CASE, {"application": app}),
        (reverse("applications:registered", args=[app.pk]), Action.VIEW_CASE, {"application": app}),
        (reverse("applications:receipt", args=[app.pk]), Action.PRINT_DOCUMENT, {"application": app}),
        (reverse("applications:routing_slip_pdf", args=[app.pk]), Action.PRINT_DOCUMENT, {"application": app}),
        (
            reverse("applications:decision_pdf", args=[app.pk, side.decision.pk]),
            Action.PRINT_DOCUMENT,
            {"application": app},
        ),
        (
            reverse("applications:printed_document", args=[app.pk, side.printed.pk]),
            Action.PRINT_DOCUMENT,
            {"application": app},
        ),
        (reverse("applications:scan_file", args=[side.scan.pk]), Action.VIEW_SCAN, {"scan": side.scan}),
        (
            reverse("registry:request", args=[side.registry_request.pk]) + "?mode=case",
            Action.VIEW_REGISTRY_RESPONSE,
            {"registry_request": side.registry_request},
        ),
        (
            reverse("applications:applicant_search") + f"?pick={app.applicant.pk}",
            Action.VIEW_APPLICANT,
            {"applicant": app.applicant},
        ),
        (
            reverse("applications:applicant_search") + f"?applicant_q={app.applicant.last_name}",
            Action.SEARCH_APPLICANTS,
            {},
        ),
        (reverse("applications:list") + "?format=csv", Action.EXPORT_LIST, {}),
    ]


def test_each_personal_data_view_writes_one_access_record():
    world = build_world()
    user = world.users["administrator"]
    client = Client()
    client.force_login(user)
    missing = []
    for url, action, objects in views_of(world.own):
        before = PersonalDataAccess.objects.count()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        assert response.status_code == 200, url
        rows = list(PersonalDataAccess.objects.order_by("-id")[: PersonalDataAccess.objects.count() - before])
        if len(rows) != 1 or rows[0].action != action or rows[0].user != user:
            missing.append(f"{url}: {[(row.action, row.user_id) for row in rows]}, expected one {action}")
            continue
        for field, value in objects.items():
            logged = getattr(rows[0], f"{field}_id")  # the log keeps plain ids
            if logged != value.pk:
                missing.append(f"{url}: {field} is {logged!r}, expected {value.pk!r}")
    assert not missing, "\n".join(missing)


def test_another_offices_downloads_answer_404_and_log_nothing():
    world = build_world()
    client = Client()
    client.force_login(world.users["administrator"])
    for url, action, _objects in views_of(world.other):
        if action in (Action.SEARCH_APPLICANTS, Action.EXPORT_LIST):
            continue  # searches and lists are scoped, not refused
        assert client.get(url).status_code == 404, url
    assert not PersonalDataAccess.objects.exists()
