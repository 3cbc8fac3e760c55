"""Every CNAP_* setting is declared in cnap/settings/base.py from the environment variable of the same name,
with a one-line comment, and docs/deployment.md lists exactly those variables; the code reads no CNAP_*
setting that is not declared there."""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "cnap" / "settings" / "base.py"
DOC = ROOT / "docs" / "deployment.md"
NOT_FROM_THE_ENVIRONMENT = {"CNAP_DEMO_ALLOWED"}  # the run mode decides it: never an operator's switch
DERIVED = {"CNAP_API_RATES"}  # built from CNAP_API_RATE_CLIENT and CNAP_API_RATE_ANONYMOUS
CODE_DIRS = ["cnap", "applications", "services", "api", "registry", "notifications", "reporting", "demo"]


def _env_name(node: ast.AST) -> str | None:
    """The variable name of ``env("X", ...)`` / ``env.int("X", ...)`` anywhere inside ``node``."""
    for call in ast.walk(node):
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        is_env = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "env"
        )
        if is_env and call.args and isinstance(call.args[0], ast.Constant):
            return call.args[0].value
    return None


def declared_settings() -> dict[str, str | None]:
    """{CNAP_* name assigned at module level in base.py: the environment variable it reads (or None)}."""
    tree = ast.parse(BASE.read_text())
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id.startswith("CNAP_"):
                    found[target.id] = _env_name(node.value)
    return found


def documented_variables() -> set[str]:
    names = set()
    for line in DOC.read_text().splitlines():
        if line.startswith("| `CNAP_"):
            names.update(re.findall(r"`(CNAP_[A-Z0-9_]+)`", line.split("|")[1]))
    return names


def test_each_setting_reads_the_variable_of_its_own_name_and_has_a_comment():
    declared = declared_settings()
    lines = BASE.read_text().splitlines()
    for name, variable in declared.items():
        if name in NOT_FROM_THE_ENVIRONMENT | DERIVED:
            assert variable is None, name
            continue
        assert variable == name, f"{name} should be read from the environment variable {name}, not {variable}"
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{name} ="))
        assert lines[index - 1].lstrip().startswith("#"), f"{name} needs a one-line comment above it in base.py"


def test_the_deployment_doc_lists_exactly_the_declared_variables():
    from_env = {name for name, variable in declared_settings().items() if variable}
    documented = documented_variables()
    assert documented - from_env == set(), "documented in docs/deployment.md but not declared in base.py"
    assert from_env - documented == set(), "declared in base.py but missing from docs/deployment.md"


def test_the_code_reads_only_declared_settings():
    declared = set(declared_settings())
    used = set()
    for directory in CODE_DIRS:
        for path in (ROOT / directory).rglob("*.py"):
            if "migrations" in path.parts or "settings" in path.parts:
                continue
            text = path.read_text()
            used.update(re.findall(r"settings\.(CNAP_[A-Z0-9_]+)", text))
            used.update(re.findall(r"getattr\(settings, \"(CNAP_[A-Z0-9_]+)\"", text))
    assert used, "the scan found no setting at all"
    assert used - declared == set(), "read by the code but not declared in cnap/settings/base.py"
    for name in declared:
        assert hasattr(settings, name), name
