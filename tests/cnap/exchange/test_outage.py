"""A security server that goes away and comes back: the client says what happened and works again at once."""

import json

import pytest

from cnap.exchange import client, wsdl
from cnap.exchange.client import MESSAGES, lookup
from tests.processes import EmulatorProcess

from .conftest import TEST_TREMBITA

pytestmark = pytest.mark.django_db

RNOKPP = "1759013776"


@pytest.mark.parametrize("protocol", ["rest", "soap"])
def test_the_emulator_stopped_and_started_again(settings, protocol):
    config = {**TEST_TREMBITA, "wsdl": {"max_age": 0}, "services": {"eddr_person": {"protocol": protocol}}}
    emulator = EmulatorProcess()
    config["ss_base_url"] = emulator.url
    settings.TREMBITA = config
    wsdl.clear_memo()
    emulator.start({"CNAP_TREMBITA": json.dumps(config)})
    try:
        assert lookup("eddr_person", {"rnokpp": RNOKPP}, issue="1", user_id=1).kind == "ok"
        emulator.stop()
        down = lookup("eddr_person", {"rnokpp": RNOKPP}, issue="1", user_id=1)
        # SOAP: the stored WSDL is used, the POST finds nobody; REST: the GET finds nobody
        assert down.kind == "transport_error" and down.retryable and down.http_status is None
        assert down.message == str(MESSAGES["gateway_down"])
        emulator.start({"CNAP_TREMBITA": json.dumps(config)})
        again = lookup("eddr_person", {"rnokpp": RNOKPP}, issue="1", user_id=1)
        assert again.kind == "ok" and again.protocol == protocol
    finally:
        emulator.stop()
        client.close_http_clients()
        wsdl.clear_memo()
