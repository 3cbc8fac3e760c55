"""Mutual TLS to our own ШБО: the emulator serves HTTPS and requires a client certificate, as the ШБО's
internal interface does; the client presents ours and trusts only the ШБО's CA. REST, SOAP (with its WSDL)
and the signed-evidence download all go through the same connection settings."""

import ssl

import pytest
import trustme

from cnap.exchange import client, wsdl
from cnap.exchange.conf import DEFAULTS
from cnap.exchange.emulator import make_server, serve_in_thread, wait_until_up

from .conftest import TEST_TREMBITA

pytestmark = pytest.mark.django_db

RNOKPP = "1759013776"


@pytest.fixture
def pki(tmp_path):
    """A CA for the ШБО's certificate and another one for client certificates (as files, as deployed)."""
    server_ca = trustme.CA()
    client_ca = trustme.CA()
    server_cert = server_ca.issue_cert("127.0.0.1", "localhost")
    our_cert = client_ca.issue_cert("cnap-workstation.example.gov.ua")
    stranger = trustme.CA().issue_cert("someone-else")
    files = {}
    for name, blob in {
        "server_ca": server_ca.cert_pem,
        "client_ca": client_ca.cert_pem,
        "server_cert": server_cert.cert_chain_pems[0],
        "server_key": server_cert.private_key_pem,
        "our_cert": our_cert.cert_chain_pems[0],
        "our_key": our_cert.private_key_pem,
        "stranger_cert": stranger.cert_chain_pems[0],
        "stranger_key": stranger.private_key_pem,
    }.items():
        path = tmp_path / f"{name}.pem"
        blob.write_to_path(str(path))
        files[name] = str(path)
    return files


@pytest.fixture
def tls_emulator(pki):
    server = make_server(
        "127.0.0.1",
        0,
        services=DEFAULTS["services"],
        slow_seconds=5,
        tls={"cert": pki["server_cert"], "key": pki["server_key"], "client_ca": pki["client_ca"]},
    )
    serve_in_thread(server)
    context = ssl.create_default_context(cafile=pki["server_ca"])
    context.load_cert_chain(pki["our_cert"], pki["our_key"])
    wait_until_up(server.url, verify=context)
    yield server
    server.shutdown()
    server.server_close()
    client.close_http_clients()
    wsdl.clear_memo()


def configure(settings, url, tls, **services):
    client.close_http_clients()
    wsdl.clear_memo()
    settings.TREMBITA = {**TEST_TREMBITA, "ss_base_url": url, "tls": tls, "wsdl": {"max_age": 0}, "services": services}


def test_lookups_over_mutual_tls(tls_emulator, pki, settings):
    assert tls_emulator.url.startswith("https://")
    configure(
        settings,
        tls_emulator.url,
        {"cert": pki["our_cert"], "key": pki["our_key"], "ca": pki["server_ca"], "verify": True},
        eddr_person={"protocol": "soap"},
    )

    over_soap = client.lookup("eddr_person", {"rnokpp": RNOKPP}, issue="1", user_id=1)
    over_rest = client.lookup("edr_subject", {"edrpou": "00032684"}, issue="1", user_id=1)
    evidence = client.fetch_evidence(over_soap.message_id)

    assert over_soap.kind == "ok" and over_soap.protocol == "soap"
    assert over_rest.kind == "ok"
    assert evidence.ok and evidence.content.startswith(b"PK")


@pytest.mark.parametrize("who", ["no certificate", "a certificate of another CA"])
def test_a_client_without_our_certificate_is_refused(tls_emulator, pki, settings, who):
    tls = {"ca": pki["server_ca"], "verify": True}
    if who != "no certificate":
        tls.update(cert=pki["stranger_cert"], key=pki["stranger_key"])
    configure(settings, tls_emulator.url, tls)

    result = client.lookup("edr_subject", {"edrpou": "00032684"}, issue="1", user_id=1)

    assert result.kind == "transport_error" and result.http_status is None
    assert result.retryable and client.outcome(result) == "unavailable"


def test_a_shbo_certificate_we_do_not_trust_is_refused(tls_emulator, pki, settings):
    configure(settings, tls_emulator.url, {"cert": pki["our_cert"], "key": pki["our_key"], "ca": pki["client_ca"]})

    result = client.lookup("edr_subject", {"edrpou": "00032684"}, issue="1", user_id=1)

    assert result.kind == "transport_error" and "CERTIFICATE_VERIFY_FAILED" in result.detail
    assert client.message_key(result.kind, result.error_type, result.http_status) == "gateway_down"
