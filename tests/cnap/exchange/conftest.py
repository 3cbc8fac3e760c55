"""Client settings pointing at the registry emulator. The emulator fixtures themselves (``emulator``,
``start_emulator``, ``free_port``) live in tests/conftest.py: the applications tests use them too."""

import pytest

TEST_TREMBITA = {
    "timeouts": {"connect": 1.0, "read": 1.5, "total_deadline": 2.0},
    "retry": {"attempts": 3, "backoff": [0.05, 0.1], "jitter": 0},
}


@pytest.fixture(params=["uxp", "xroad-r1"])
def dialect(request):
    return request.param


@pytest.fixture
def trembita(settings, emulator, dialect):
    """Client settings for the shared emulator in each dialect; returns the emulator."""
    settings.TREMBITA = {**TEST_TREMBITA, "dialect": dialect, "ss_base_url": emulator.url}
    return emulator


#: Client settings for SOAP lookups: ЄДДР moved to SOAP (as in the demo configuration), WSDL read afresh
#: for every lookup so that a test sees a change at once.
SOAP_TREMBITA = {
    **TEST_TREMBITA,
    "wsdl": {"max_age": 0},
    "services": {"eddr_person": {"protocol": "soap"}},
}


@pytest.fixture
def soap_trembita(settings, emulator, db):
    """SOAP client settings pointing at the shared emulator (UXP dialect); returns the emulator."""
    from cnap.exchange import wsdl

    wsdl.clear_memo()
    settings.TREMBITA = {**SOAP_TREMBITA, "ss_base_url": emulator.url}
    yield emulator
    wsdl.clear_memo()
