"""The one declarative list of registry lookups drives the configuration, the accepted parameters and the
panel's options."""

import pytest

from cnap.exchange import registries
from cnap.exchange.conf import DEFAULTS, get_config, service_parts


def test_every_registry_is_configured_from_its_declaration():
    assert list(DEFAULTS["services"]) == list(registries.registry_keys())
    for registry in registries.REGISTRIES:
        service = DEFAULTS["services"][registry.key]
        assert service["id"] == registry.service_id
        assert service["params"] == registry.params
        assert service["response"] is registry.response
        assert service["protocol"] == registry.protocol
        for lookup in registry.lookups:
            accepted = registries.COMPOSITE_PARAMS.get(lookup.param, (lookup.param,))
            assert set(accepted) <= set(registry.params), lookup.key  # every option can be sent


def test_panel_options_follow_the_service_category():
    everything = [lookup.key for lookup in registries.lookups()]
    assert everything[:2] == ["eddr_person.rnokpp", "eddr_person.unzr"]
    assert "mvs_passport.passport" in everything and "dzk_parcel.cadastral_number" in everything
    social = [lookup.key for lookup in registries.lookups(category="social")]
    assert "dzk_parcel.cadastral_number" not in social and "drrp_rights.rnokpp" not in social
    assert "eddr_person.rnokpp" in social
    land = [lookup.key for lookup in registries.lookups(category="land")]
    assert "dzk_parcel.cadastral_number" in land
    assert registries.lookup_by_key("edr_subject.edrpou").prefill == "edrpou"
    assert registries.lookup_by_key("nope.x") is None


def test_accepted_params_and_choices():
    assert registries.accepted_params("drrp_rights") == ("rnokpp", "edrpou")
    assert [key for key, _label in registries.registry_choices()] == list(registries.registry_keys())


@pytest.mark.parametrize(
    "service_id, parts",
    [
        ("SEVDEIR-TEST/GOV/00032684/MIA_prod/CheckPassportStatus/v0.1", {"serviceVersion": "v0.1"}),
        ("SEVDEIR-TEST/GOV/00032684/EDDR_prod/GetPerson", {"subsystemCode": "EDDR_prod"}),
        ("SEVDEIR-TEST/GOV/00032684/GetPerson", {"memberCode": "00032684"}),
    ],
)
def test_service_ids_as_xroad_identifiers(service_id, parts):
    fields = service_parts({"id": service_id})
    assert fields["xRoadInstance"] == "SEVDEIR-TEST" and fields["serviceCode"] in service_id
    assert parts.items() <= fields.items()


def test_protocol_and_soap_version_are_checked(settings):
    settings.TREMBITA = {"services": {"eddr_person": {"protocol": "corba"}}}
    with pytest.raises(ValueError, match="protocol"):
        get_config()
    settings.TREMBITA = {"services": {"eddr_person": {"protocol": "soap", "soap_version": "1.3"}}}
    with pytest.raises(ValueError, match="soap_version"):
        get_config()
    settings.TREMBITA = {"services": {"eddr_person": {"protocol": "soap", "soap_version": "1.2"}}}
    assert get_config()["services"]["eddr_person"]["protocol"] == "soap"
