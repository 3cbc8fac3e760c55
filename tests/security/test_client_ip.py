"""The one client-IP rule (cnap/security/client_ip.py): the rightmost X-Forwarded-For hop the trusted
proxies did not take from the client, never one the client wrote itself."""

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings

from cnap.security.client_ip import client_ip

CASES = [
    # proxies, REMOTE_ADDR, X-Forwarded-For, the client
    (0, "192.0.2.10", "203.0.113.1", "192.0.2.10"),  # no proxy: the header is the client's own words
    (1, "10.0.0.1", "203.0.113.1", "203.0.113.1"),
    (1, "10.0.0.1", "198.51.100.66, 203.0.113.1", "203.0.113.1"),  # a forged left-most hop is ignored
    (2, "10.0.0.2", "198.51.100.66, 203.0.113.1, 10.0.0.1", "203.0.113.1"),
    (2, "10.0.0.2", "10.0.0.1", "10.0.0.1"),  # entered behind the first proxy: still a proxy's entry
    (1, "10.0.0.1", "", "10.0.0.1"),
    (1, "10.0.0.1", "not-an-address", "10.0.0.1"),
    (1, "10.0.0.1", "203.0.113.1:5060", "203.0.113.1"),
    (1, "10.0.0.1", "[2001:db8::7]:443", "2001:db8::7"),
    (1, "10.0.0.1", "2001:db8::7", "2001:db8::7"),
]


@pytest.mark.parametrize(("proxies", "remote", "forwarded", "client"), CASES)
def test_the_client_address(proxies, remote, forwarded, client):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(CNAP_PROXY_COUNT=proxies):
        assert client_ip(request) == client


def test_lockouts_use_the_same_rule():
    assert settings.AXES_CLIENT_IP_CALLABLE == "cnap.security.client_ip.client_ip"
