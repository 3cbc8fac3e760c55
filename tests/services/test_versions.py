import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cnap.accounts.constants import Role
from services import actions
from services.constants import VersionStatus
from services.models import PublishedVersionError, RequiredDocument, Service, ServiceVersion, TechCardStage
from services.selectors import version_in_force
from tests.factories import UserFactory

from .factories import ProviderFactory, ServiceVersionFactory

pytestmark = pytest.mark.django_db

JAN_1 = dt.date(2026, 1, 1)
JUL_1 = dt.date(2026, 7, 1)


@pytest.fixture
def manager():
    return UserFactory(role=Role.CATALOG_MANAGER)


@pytest.fixture
def published(manager):
    """A service whose version 1 is in force from 1 January 2026."""
    draft = ServiceVersionFactory(term_value=None, term_unit="same_day")
    return actions.publish_version(version=draft, valid_from=JAN_1, acting_user=manager)


def test_create_service_makes_a_draft_with_its_rows(manager):
    service = actions.create_service(
        local_code="99-01",
        category="residence",
        provider=ProviderFactory(),
        title="Видача довідки про склад сім'ї",
        term_unit="same_day",
        result="Довідка",
        documents=[{"name": "Заява"}, {"name": "Паспорт", "kind": "original"}],
        stages=[{"name": "Прийом заяви", "responsible_position": "Адміністратор ЦНАП", "duration_unit": "same_day"}],
        refusal_grounds=[{"text": "Неповний пакет документів"}],
        acting_user=manager,
    )
    version = service.versions.get()
    assert version.number == 1 and version.is_draft
    assert [d.name for d in version.documents.all()] == ["Заява", "Паспорт"]
    assert version.stages.get().responsible_position == "Адміністратор ЦНАП"
    assert version.history.first().history_user == manager


def test_publishing_records_who_and_when_and_freezes_the_version(published, manager):
    assert published.status == VersionStatus.PUBLISHED
    assert published.valid_from == JAN_1
    assert published.published_by == manager and published.published_at is not None
    stored = ServiceVersion.objects.get(pk=published.pk)
    stored.title = "Інша назва"
    with pytest.raises(PublishedVersionError):
        stored.save()
    with pytest.raises(ValidationError):
        stored.full_clean()
    with pytest.raises(PublishedVersionError):
        actions.update_draft(version=stored, title="Інша назва", acting_user=manager)
    document = stored.documents.first()
    document.name = "Змінений документ"
    with pytest.raises(PublishedVersionError):
        document.save()
    with pytest.raises(PublishedVersionError):
        document.delete()
    with pytest.raises(PublishedVersionError):
        RequiredDocument(version=stored, name="Новий").save()
    with pytest.raises(PublishedVersionError):
        stored.delete()
    assert ServiceVersion.objects.get(pk=published.pk).title == "Декларування місця проживання (перебування) особи"


def test_publishing_needs_a_date_and_a_technological_card(manager):
    draft = ServiceVersionFactory(with_parts=False)
    with pytest.raises(ValidationError) as excinfo:
        actions.publish_version(version=draft, valid_from=JAN_1, acting_user=manager)
    assert "stages" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        actions.publish_version(version=draft, valid_from=None, acting_user=manager)
    incomplete = ServiceVersionFactory(result="")
    with pytest.raises(ValidationError) as excinfo:
        actions.publish_version(version=incomplete, valid_from=JAN_1, acting_user=manager)
    assert "result" in excinfo.value.message_dict
    assert ServiceVersion.objects.get(pk=incomplete.pk).is_draft


def test_a_second_version_takes_over_on_its_valid_from_and_the_first_stays_intact(published, manager):
    service = published.service
    first_documents = list(published.documents.values_list("pk", "name", "kind", "copies"))
    first_stages = list(published.stages.values_list("pk", "name", "duration", "duration_unit"))

    draft = actions.copy_version_to_draft(service=service, acting_user=manager)
    assert draft.number == 2 and draft.is_draft
    assert [d.name for d in draft.documents.all()] == [d[1] for d in first_documents]
    assert set(draft.documents.values_list("pk", flat=True)).isdisjoint(d[0] for d in first_documents)
    actions.update_draft(
        version=draft,
        term_value=3,
        term_unit="working_days",
        documents=[{"name": "Декларація"}, {"name": "Довідка про склад сім'ї", "kind": "copy"}],
        acting_user=manager,
    )
    second = actions.publish_version(version=draft, valid_from=JUL_1, acting_user=manager)

    assert version_in_force(service, dt.date(2025, 12, 31)) is None
    assert version_in_force(service, JAN_1) == published
    assert version_in_force(service, dt.date(2026, 6, 30)) == published
    assert version_in_force(service, JUL_1) == second
    assert version_in_force(service, dt.date(2027, 1, 1)) == second
    # The first version, which existing applications refer to, is untouched.
    first = ServiceVersion.objects.get(pk=published.pk)
    assert first.is_published and first.term_unit == "same_day" and first.term_value is None
    assert list(first.documents.values_list("pk", "name", "kind", "copies")) == first_documents
    assert list(first.stages.values_list("pk", "name", "duration", "duration_unit")) == first_stages
    assert [d.name for d in second.documents.all()] == ["Декларація", "Довідка про склад сім'ї"]


def test_a_published_version_cannot_be_deleted(published):
    with pytest.raises(PublishedVersionError):
        ServiceVersion.objects.get(pk=published.pk).delete()
    assert TechCardStage.objects.filter(version=published).count() == 2


def test_on_the_same_valid_from_the_newer_version_wins_and_earlier_dates_are_refused(published, manager):
    service = published.service
    draft = actions.copy_version_to_draft(service=service, acting_user=manager)
    with pytest.raises(ValidationError) as excinfo:
        actions.publish_version(version=draft, valid_from=dt.date(2025, 12, 1), acting_user=manager)
    assert "valid_from" in excinfo.value.message_dict
    actions.update_draft(version=draft, title="Декларування місця проживання", acting_user=manager)
    second = actions.publish_version(version=draft, valid_from=JAN_1, acting_user=manager)
    assert version_in_force(service, JAN_1) == second


def test_at_most_one_draft_per_service(published, manager):
    draft = actions.copy_version_to_draft(service=published.service, acting_user=manager)
    assert actions.copy_version_to_draft(service=published.service, acting_user=manager) == draft
    assert published.service.versions.filter(status=VersionStatus.DRAFT).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceVersion.objects.create(service=published.service, number=9, title="x", term_unit="same_day")


def test_only_a_draft_can_be_published(published, manager):
    with pytest.raises(PublishedVersionError):
        actions.publish_version(version=published, valid_from=JUL_1, acting_user=manager)


def test_copy_service_makes_a_new_service_with_a_draft_copy(published, manager):
    copy = actions.copy_service(service=published.service, new_local_code="01-01-К", acting_user=manager)
    assert copy.pk != published.service_id
    assert copy.provider == published.service.provider and copy.category == published.service.category
    draft = copy.versions.get()
    assert draft.is_draft and draft.number == 1 and draft.title == published.title
    assert [s.name for s in draft.stages.all()] == [s.name for s in published.stages.all()]
    with pytest.raises(ValidationError):
        actions.copy_service(service=published.service, new_local_code="01-01-К", acting_user=manager)
    assert Service.objects.filter(local_code="01-01-К").count() == 1


def test_discard_draft(published, manager):
    draft = actions.copy_version_to_draft(service=published.service, acting_user=manager)
    actions.discard_draft(version=draft, acting_user=manager)
    assert list(published.service.versions.all()) == [published]
    with pytest.raises(PublishedVersionError):
        actions.discard_draft(version=published, acting_user=manager)


def test_history_is_kept_with_its_author(published, manager):
    assert published.history.filter(status=VersionStatus.PUBLISHED, history_user=manager).exists()
    assert published.history.count() >= 2  # created as draft, then published
