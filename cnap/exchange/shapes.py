"""The declared shape of a registry's answer (a JSON Schema: see :mod:`cnap.exchange.registries`)."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema


def shape_problem(data: Any, schema: dict[str, Any] | None) -> str:
    """Why ``data`` does not have the declared shape ("" when it has, or nothing is declared)."""
    if not schema:
        return ""
    try:
        jsonschema.validate(data, _without_nulls_required(schema))
    except jsonschema.ValidationError as exc:
        where = "/".join(str(part) for part in exc.absolute_path)
        return f"{where + ': ' if where else ''}{exc.message}"[:500]
    except jsonschema.SchemaError as exc:  # a configuration error: say so rather than crash
        return f"the declared answer shape is not a valid JSON Schema: {exc.message}"[:500]
    return ""


def _without_nulls_required(schema: dict[str, Any]) -> dict[str, Any]:
    """Optional properties may be ``null`` (xsi:nil, or JSON null) besides their declared type."""
    schema = copy.deepcopy(schema)

    def walk(node: dict[str, Any]) -> None:
        required = set(node.get("required") or [])
        for name, prop in (node.get("properties") or {}).items():
            if isinstance(prop, dict):
                walk(prop)
                if name not in required and isinstance(prop.get("type"), str):
                    prop["type"] = [prop["type"], "null"]
        if isinstance(node.get("items"), dict):
            walk(node["items"])

    walk(schema)
    return schema
