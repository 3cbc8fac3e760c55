"""``{% load registry_exchange %}{% exchange_status as status %}``: whether the registries can be reached now,
for the lookup panel (``status.reachable``, ``status.emulator``: the configured security server is the local
emulator of the embedded mode)."""

from django import template

from registry.selectors import exchange_status

register = template.Library()


register.simple_tag(exchange_status, name="exchange_status")
