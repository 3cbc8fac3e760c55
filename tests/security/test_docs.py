"""docs/security.md keeps the capability matrix of cnap/accounts/permissions.py."""

import re
from pathlib import Path

from cnap.accounts.constants import Role
from cnap.accounts.permissions import CAPABILITIES

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def test_the_capability_table_in_the_docs_matches_the_code():
    text = DOC.read_text()
    table = text.split("<!-- capabilities:start -->")[1].split("<!-- capabilities:end -->")[0]
    lines = [line for line in table.strip().splitlines() if line.startswith("| `")]
    header = [cell.strip() for cell in table.strip().splitlines()[0].strip("|").split("|")][1:]
    assert header == [role.value for role in Role], "the docs' columns must be the roles, in order"
    documented = {}
    for line in lines:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        name = re.fullmatch(r"`(\w+)`", cells[0]).group(1)
        documented[name] = frozenset(role for role, cell in zip(header, cells[1:], strict=True) if cell == "✓")
    assert documented == {name: frozenset(roles) for name, roles in CAPABILITIES.items()}, (
        "Update the capability table in docs/security.md to match cnap/accounts/permissions.py"
    )
