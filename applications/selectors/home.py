"""The home page's counters of the user's own cases: due today, overdue, returned to them. Each counts
exactly the list it opens (the same preset, the same visibility)."""

from django.urls import reverse

from cnap.accounts.permissions import can
from cnap.core.selectors import HomeCounter

from ..access import visible_cases
from .lists import PERSONAL_PRESETS, preset_condition, total_found

__all__ = ["counters"]


def counters(user) -> list[HomeCounter]:
    if not can(user, "view_applications"):
        return []
    cases = visible_cases(user)
    found = []
    for preset, label in PERSONAL_PRESETS.items():
        if preset == "returned" and not can(user, "register_applications"):
            continue  # cases are returned to the administrator who registered them
        total = total_found(cases.filter(preset_condition(preset, user)))
        found.append(
            HomeCounter(
                key=preset,
                label=str(label),
                count=total.count,
                more=total.more,
                url=reverse(f"applications:list_{preset}"),
            )
        )
    return found
