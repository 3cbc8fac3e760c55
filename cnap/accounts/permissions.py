"""Which role may do what: one table, used by views, templates (navigation) and actions.

docs/security.md shows the same table (tests/security/test_docs.py keeps the two equal)."""

from .constants import Role

ALL_STAFF = frozenset(Role.values)

CAPABILITIES: dict[str, frozenset[str]] = {
    "view_catalog": ALL_STAFF,
    "edit_catalog": frozenset({Role.CATALOG_MANAGER}),
    "register_applications": frozenset({Role.ADMINISTRATOR, Role.STAROSTA}),
    "view_applications": frozenset(
        {Role.ADMINISTRATOR, Role.STAROSTA, Role.CNAP_HEAD, Role.PROVIDER_OFFICER, Role.COMMUNITY_HEAD}
    ),
    "work_provider_queue": frozenset({Role.PROVIDER_OFFICER}),
    # Asking the registries (Trembita): those who register and those who work the provider queue.
    "look_up_registries": frozenset({Role.ADMINISTRATOR, Role.STAROSTA, Role.PROVIDER_OFFICER}),
    "view_dashboard": frozenset({Role.CNAP_HEAD, Role.COMMUNITY_HEAD}),
    "view_reports": frozenset({Role.CNAP_HEAD, Role.COMMUNITY_HEAD}),
    "view_access_log": frozenset({Role.CNAP_HEAD}),
    "suspend_services": frozenset({Role.CNAP_HEAD, Role.PROVIDER_OFFICER}),
    # The electronic queue at a window: those who serve visitors (the head of the CNAP stands in).
    "operate_queue": frozenset({Role.ADMINISTRATOR, Role.STAROSTA, Role.CNAP_HEAD}),
    # Setting up the queue: service groups, windows, opening hours.
    "configure_queue": frozenset({Role.CNAP_HEAD}),
}


def can(user, capability: str) -> bool:
    """True if the user's role grants the capability; superusers may do everything."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.role in CAPABILITIES[capability]
