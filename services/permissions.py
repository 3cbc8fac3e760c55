"""Who may change the catalog."""

from cnap.accounts.permissions import can


def can_manage_catalog(user) -> bool:
    """Catalog managers (and superusers) edit the catalog; every other staff role reads it."""
    return can(user, "edit_catalog")
