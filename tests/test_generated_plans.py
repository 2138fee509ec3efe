"""The benchmark's plans are realistic: valid with no finding, reproducible, every field used.

`benchmarks/bench.py` times the checks and the site on thousands of generated plans (and the
large-caseload tests build from them); its figures mean something only while those plans are
like a real caseload's: valid with no finding at all, and using every field of the format.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from planportal.caseload import load_caseload
from planportal.plan import SCHEMA_PATH
from support.plans import plan_text, synthetic_plan, write_plans

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def generated(count: int) -> list[dict[str, Any]]:
    return [synthetic_plan(index, max(1, count // 40)) for index in range(1, count + 1)]


def test_generated_plans_are_valid_with_no_finding(tmp_path: Path) -> None:
    write_plans(tmp_path / "plans", 30)
    checked = load_caseload([tmp_path / "plans"], tmp_path)
    assert len(checked.files) == 30
    assert checked.findings == []


def test_a_plan_is_the_same_for_the_same_index() -> None:
    assert plan_text(synthetic_plan(7, 3)) == plan_text(synthetic_plan(7, 3))
    assert synthetic_plan(7, 3) != synthetic_plan(8, 3)


# --- every field of the format ------------------------------------------------------------

def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = {**SCHEMA["$defs"][node["$ref"].split("/")[-1]], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def schema_fields(node: dict[str, Any], path: str = "") -> Iterator[str]:
    """Every field the schema allows, as `issues[].strategies[].action`; `*` for any key."""
    node = _resolve(node)
    for name, sub in node.get("properties", {}).items():
        yield f"{path}.{name}".lstrip(".")
        yield from schema_fields(sub, f"{path}.{name}".lstrip("."))
    if isinstance(node.get("additionalProperties"), dict):
        yield from schema_fields(node["additionalProperties"], f"{path}.*")
    if isinstance(node.get("items"), dict):
        yield from schema_fields(node["items"], f"{path}[]")
    for branch in node.get("anyOf", []) + node.get("oneOf", []):
        yield from schema_fields(branch, path)


def data_fields(value: Any, path: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for name, sub in value.items():
            field = "people.*" if path == "people" else f"{path}.{name}".lstrip(".")
            yield field
            yield from data_fields(sub, field)
    elif isinstance(value, list):
        for item in value:
            yield from data_fields(item, f"{path}[]")


def test_generated_plans_use_every_field_of_the_format() -> None:
    allowed = set(schema_fields(SCHEMA))
    used = {field for plan in generated(12) for field in data_fields(plan)}
    assert "issues[].strategies[].progress[].note" in allowed
    assert allowed - used == set()
