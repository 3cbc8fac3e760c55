"""Configuration: defaults, deep merge of settings.TREMBITA, validation, the system check, the command."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cnap.exchange.checks import check_trembita_settings
from cnap.exchange.client import lookup
from cnap.exchange.conf import DEFAULTS, get_config
from cnap.exchange.emulator import wait_until_up

ROOT = Path(__file__).resolve().parents[3]


def test_defaults_point_at_the_emulator(settings):
    settings.TREMBITA = {}
    config = get_config()
    assert config["dialect"] == "uxp"
    assert config["ss_base_url"] == "http://127.0.0.1:8090"
    assert config["client"] == "SEVDEIR-TEST/GOV/04054903/CNAP_workstation"
    assert set(config["services"]) == {
        "eddr_person",
        "edr_subject",
        "drrp_rights",
        "dzk_parcel",
        "rtg_residence",
        "mvs_passport",
    }
    for service in config["services"].values():
        assert "_" in service["id"].split("/")[3]  # placeholder subsystem codes with "_"
        assert service["path"].startswith("/") and service["params"]
        assert service["response"]["required"]  # every service declares the shape of its answer
    assert config["services"]["mvs_passport"]["protocol"] == "soap"
    assert config["services"]["mvs_passport"]["id"] == "SEVDEIR-TEST/GOV/00032684/MIA_prod/CheckPassportStatus/v0.1"
    assert config["services"]["eddr_person"]["protocol"] == "rest"


def test_settings_are_deep_merged_over_the_defaults(settings):
    settings.TREMBITA = {
        "dialect": "xroad-r1",
        "ss_base_url": "https://shbo.internal:443/",
        "timeouts": {"read": 12},
        "services": {"eddr_person": {"purpose_id": "777"}, "dzk_parcel": None},
    }
    config = get_config()
    assert config["dialect"] == "xroad-r1"
    assert config["ss_base_url"] == "https://shbo.internal:443"
    assert config["timeouts"] == {**DEFAULTS["timeouts"], "read": 12}
    assert config["services"]["eddr_person"]["purpose_id"] == "777"
    assert config["services"]["eddr_person"]["id"] == DEFAULTS["services"]["eddr_person"]["id"]
    assert "dzk_parcel" not in config["services"]
    assert DEFAULTS["services"]["eddr_person"]["purpose_id"] == ""  # the defaults are untouched


@pytest.mark.parametrize(
    ("override", "error"),
    [
        ({"dialect": "soap"}, "dialect"),
        ({"client": "SEVDEIR-TEST/GOV"}, "client"),
        ({"services": {"eddr_person": {"id": "A/B"}}}, "service id"),
        ({"services": {"eddr_person": {"path": "person"}}}, "path"),
    ],
)
def test_invalid_settings_are_rejected(settings, override, error):
    settings.TREMBITA = override
    with pytest.raises(ValueError, match=error):
        get_config()
    [message] = check_trembita_settings(None)
    assert message.id == "exchange.E001"


def test_valid_settings_pass_the_system_check(settings):
    settings.TREMBITA = {"dialect": "xroad-r1"}
    assert check_trembita_settings(None) == []


def test_management_command_serves_the_registries(settings, free_port):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cnap.settings.test"}
    command = [sys.executable, "manage.py", "registry_emulator", "--host", "127.0.0.1", "--port", str(free_port)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{free_port}"
        wait_until_up(url, timeout=30)
        settings.TREMBITA = {"ss_base_url": url, "dialect": "xroad-r1"}
        result = lookup("edr_subject", {"edrpou": "00032684"}, issue="1", user_id="1")
        assert result.kind == "ok"
        assert result.data["edrpou"] == "00032684"
    finally:
        process.terminate()
        output = process.communicate(timeout=15)[0].decode()
    assert f"Registry emulator on {url}" in output
    assert "Registry emulator stopped." in output  # SIGTERM stops it cleanly
    assert process.returncode == 0
