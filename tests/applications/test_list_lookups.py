"""The list page's per-worker lookups (applications/selectors/lookups.py on cnap/core/lookups.py): the rows and
the filters take the small tables from them, not from a query each; a change of those tables reaches every
worker; without Redis the page still answers. The Python-rendered widgets give Django's own HTML."""

import datetime as dt

import pytest
from django import forms
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.selectors import lookups
from applications.selectors.lookups import LOOKUPS, filter_choices, row_labels
from cnap.accounts.constants import Role
from cnap.core.lookups import Lookups
from cnap.forms import FastInlineCheckboxes, FastSelect
from tests.applications.factories import ApplicantFactory, ApplicationFactory
from tests.applications.workflow_helpers import user_for
from tests.factories import UserFactory
from tests.services.factories import ProviderFactory, ServiceVersionFactory

pytestmark = pytest.mark.django_db

SMALL_TABLES = (
    "accounts_office",
    "services_serviceversion",
    "services_provider",
    "services_service",
    "accounts_hromada",
)


def office_cases(count: int):
    first = ApplicationFactory(registered_at=timezone.now() - dt.timedelta(days=30))
    cases = [first]
    for i in range(1, count):
        cases.append(
            ApplicationFactory(
                journal=first.journal,
                service_version=first.service_version,
                applicant=ApplicantFactory(hromada=first.hromada),
                registered_at=first.registered_at + dt.timedelta(hours=i),
                registered_by=first.registered_by,
            )
        )
    return cases


def list_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("applications:list"))
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_the_list_page_takes_the_small_tables_from_the_lookups_and_its_queries_do_not_grow():
    cases = office_cases(3)
    client = Client()
    client.force_login(user_for(cases[0], Role.ADMINISTRATOR))
    list_queries(client)  # builds the lookups of this worker
    few = list_queries(client)
    for i in range(20):  # more rows on the same office
        ApplicationFactory(journal=cases[0].journal, service_version=cases[0].service_version,
                           applicant=ApplicantFactory(hromada=cases[0].hromada),
                           registered_at=cases[0].registered_at + dt.timedelta(minutes=i + 1))  # fmt: skip
    list_queries(client)  # the factories saved staff and catalogue rows too: the lookups were rebuilt once
    many = list_queries(client)
    assert len(many) == len(few)
    # Session, user, device, the page (applications joined to applicants), the count, the session's save.
    assert len(many) <= 8, many
    touched = [sql for sql in many if any(f'"{table}"' in sql for table in SMALL_TABLES)]
    assert not touched, touched
    html = client.get(reverse("applications:list")).content.decode()
    assert html.count('data-testid="application-row"') == 23
    assert str(cases[0].provider) in html and str(cases[0].office) in html


def test_renaming_a_provider_reaches_the_rows_and_the_filter_at_once():
    cases = office_cases(2)
    client = Client()
    client.force_login(user_for(cases[0], Role.ADMINISTRATOR))
    client.get(reverse("applications:list"))
    provider = cases[0].provider
    provider.short_name = "Перейменований надавач"
    provider.save()
    html = client.get(reverse("applications:list")).content.decode()
    assert "Перейменований надавач" in html
    assert html.count("Перейменований надавач") >= 3  # two rows and the filter's option


def test_a_new_service_version_and_provider_appear_without_a_restart():
    labels = row_labels()
    version = ServiceVersionFactory()
    provider = ProviderFactory(name="Новий надавач")
    assert version.pk not in labels.titles
    fresh = row_labels()
    assert fresh.titles[version.pk] == version.title
    assert fresh.providers[provider.pk] == str(provider)
    assert (str(provider.pk), str(provider)) in filter_choices(None)["provider"]


def test_another_worker_drops_its_values_when_one_invalidates():
    """Two Lookups of one name stand for two worker processes: they share only the version in Redis."""
    other_worker = Lookups(LOOKUPS.version_key.split(":")[1])
    builds = []

    def build():
        builds.append(1)
        return len(builds)

    assert other_worker.get("k", build) == 1
    assert other_worker.get("k", build) == 1  # kept
    ProviderFactory(name="Зміна в іншому процесі")  # this worker saves: the signal invalidates
    assert other_worker.get("k", build) == 2  # the other one rebuilds
    Lookups.instances.remove(other_worker)


def test_a_login_does_not_invalidate_but_renaming_staff_does():
    user = UserFactory(role=Role.ADMINISTRATOR)
    choices = filter_choices(user)["registered_by"]
    assert (str(user.pk), str(user)) in choices
    version = cache.get(LOOKUPS.version_key)
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    assert cache.get(LOOKUPS.version_key) == version
    user.last_name = "Нове-Прізвище"
    user.save()
    assert (str(user.pk), str(user)) in filter_choices(user)["registered_by"]
    assert str(user).startswith("Нове-Прізвище")


def test_without_redis_the_lookups_read_the_database_every_time():
    dead = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    provider = ProviderFactory(name="Надавач без Redis")
    with override_settings(CACHES=dead):
        assert row_labels().providers[provider.pk] == str(provider)
        provider.name = "Надавач без Redis, новий"
        provider.short_name = ""
        with pytest.raises(Exception):  # noqa: B017 - the cache itself is down
            cache.get("x")
        type(provider).objects.filter(pk=provider.pk).update(name=provider.name, short_name="")
        assert row_labels().providers[provider.pk] == "Надавач без Redis, новий"


@pytest.mark.parametrize("value", ["", "2", ["2"]])
def test_fast_select_renders_what_django_select_renders(value):
    choices = [("", "будь-яка"), ("1", "Перша <b>"), ("2", "Друга & «третя»")]
    attrs = {"class": "form-select form-select-sm", "id": "id_x"}
    fast = FastSelect(attrs=attrs, choices=choices).render("x", value)
    django = forms.Select(attrs=attrs, choices=choices).render("x", value)
    assert parse_html(fast) == parse_html(django)


@pytest.mark.parametrize("value", [None, ["issued"], ["registered", "issued"]])
def test_fast_checkboxes_render_the_boxes_the_list_template_rendered(value):
    choices = [("registered", "Зареєстровано"), ("issued", "Видано <результат>")]
    widget = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}, choices=choices)
    field = forms.MultipleChoiceField(choices=choices, widget=widget, required=False)
    form = type("F", (forms.Form,), {"status": field})({"status": value} if value else None)
    bound = form["status"]
    expected = "".join(
        f'<div class="form-check form-check-inline">{box.tag()}<label class="form-check-label" '
        f'for="{box.id_for_label}">{box.choice_label}</label></div>'.replace("<результат>", "&lt;результат&gt;")
        for box in bound
    )
    fast = FastInlineCheckboxes(attrs={"class": "form-check-input"}, choices=choices).render(
        "status", value, attrs={"id": "id_status"}
    )
    assert parse_html(fast) == parse_html(expected)


def test_list_rows_escape_names_and_mark_overdue_cases():
    case = ApplicationFactory(applicant=ApplicantFactory(last_name="<script>alert(1)</script>"))
    case.due_date = timezone.localdate() - dt.timedelta(days=1)
    case.save()
    client = Client()
    client.force_login(user_for(case, Role.ADMINISTRATOR))
    html = client.get(reverse("applications:list")).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert f'href="/applications/{case.pk}/"' in html
    assert "text-bg-danger" in html


def test_the_module_keeps_one_lookups_for_the_lists():
    assert lookups.LOOKUPS in Lookups.instances


@pytest.mark.parametrize("value", [None, "", "Коваль <i>", "2026-01-05"])
def test_fast_inputs_render_what_django_inputs_render(value):
    from cnap.forms import FastDateInput, FastTextInput

    attrs = {"class": "form-control form-control-sm", "type": "search", "id": "id_q", "required": True}
    assert parse_html(FastTextInput(attrs=attrs).render("q", value)) == parse_html(
        forms.TextInput(attrs=attrs).render("q", value)
    )
    date_attrs = {"class": "form-control", "id": "id_d", "disabled": False}
    assert parse_html(FastDateInput(attrs=date_attrs).render("d", value)) == parse_html(
        forms.DateInput(attrs=date_attrs).render("d", value)
    )
