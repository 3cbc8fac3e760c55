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


def render_case_access() -> str:
    """docs/security.md's table of the access scope's documented matrix, rendered from the data."""
    from cnap.security.scope import CASE_ACCESS, CASE_STATES, OBJECT_SETS

    lines = [
        "| role | object set | " + " | ".join(state.replace("_", " ") for state in CASE_STATES) + " |",
        "|---|---|" + "---|" * len(CASE_STATES),
    ]
    for role, rows in CASE_ACCESS.items():
        for object_set, row in zip(OBJECT_SETS, rows, strict=True):
            lines.append(f"| {role} | {object_set} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def test_the_access_matrix_in_the_docs_is_the_documented_data():
    text = DOC.read_text()
    table = text.split("<!-- case-access:start -->")[1].split("<!-- case-access:end -->")[0].strip()
    assert table == render_case_access(), (
        "Update the access matrix in docs/security.md (between the case-access markers) to match "
        "cnap/security/scope.py CASE_ACCESS:\n" + render_case_access()
    )
