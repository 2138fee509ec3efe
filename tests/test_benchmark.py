"""The benchmark's plans, and the speed-ups it measures, keep giving the right answers.

`benchmarks/bench.py` times the checks and the site on thousands of generated plans; its
figures mean something only while those plans are realistic: valid with no finding at all,
and using every field of the format. The speed-ups it led to (a compiled yes-or-no schema
check, reuse of unchanged files' outcomes in `mkdocs serve`, client pages and large-print
copies written by worker processes) must never change a finding or a page.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from conftest import AS_OF, RULE_FIXTURES, build_site, files_under, make_project

from planportal import caseload, render
from planportal.caseload import PARALLEL_FROM, load_caseload
from planportal.check import SCHEMA_PATH, schema_accepts, validator
from planportal.fastschema import compile_schema
from planportal.loader import load_file
from planportal.publish import LARGE_PRINT_CSS
from planportal.status import caseload_status
from support import plans as synthetic

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def generated(count: int) -> list[dict[str, Any]]:
    return [synthetic.synthetic_plan(index, max(1, count // 40)) for index in range(1, count + 1)]


def test_generated_plans_are_valid_with_no_finding(tmp_path: Path) -> None:
    synthetic.write_plans(tmp_path / "plans", 30)
    checked = load_caseload([tmp_path / "plans"], tmp_path)
    assert len(checked.files) == 30
    assert checked.findings == []


def test_a_plan_is_the_same_for_the_same_index() -> None:
    assert synthetic.plan_text(synthetic.synthetic_plan(7, 3)) == synthetic.plan_text(synthetic.synthetic_plan(7, 3))
    assert synthetic.synthetic_plan(7, 3) != synthetic.synthetic_plan(8, 3)


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


# --- the compiled schema check ------------------------------------------------------------

REPLACEMENTS = (None, "", " ", 0, 1, True, [], {}, "x", "2007-02-30", "ongoing", "client", ["client", "client"],
                {"name": "X"}, {"date": "2026-12-01"}, {"name": "X", "declined": "Y", "date": "2026-12-01"},
                "a@b", "no-at-sign")


EXTRA_KEYS = ("unknown_field", "client", "Bad Key")


def mutations(plan: Any) -> Iterator[Any]:
    """The plan with each value replaced by each odd value, each key removed, one key added."""
    def paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
        for key, sub in items:
            yield (*path, key)
            yield from paths(sub, (*path, key))

    for path in list(paths(plan)):
        for replacement in (*REPLACEMENTS, "removed", *EXTRA_KEYS):
            changed = copy.deepcopy(plan)
            holder = changed
            for key in path[:-1]:
                holder = holder[key]
            if replacement == "removed":
                del holder[path[-1]]
            elif replacement in EXTRA_KEYS:  # a new key holding a copy of a sibling's value
                mapping = holder[path[-1]]
                if not isinstance(mapping, dict) or not mapping:
                    continue
                mapping[replacement] = copy.deepcopy(next(iter(mapping.values())))
            else:
                holder[path[-1]] = copy.deepcopy(replacement)
            yield changed


def test_the_schema_compiles_to_fast_checks() -> None:
    assert compile_schema(SCHEMA) is not None, "a keyword the compiler lacks: every plan goes the slow way"


def test_fast_schema_check_agrees_with_jsonschema_on_every_mutation() -> None:
    small = synthetic.synthetic_plan(1, 1)  # with a representative, a signature `as` them, every field
    small["issues"] = small["issues"][:1]
    small["issues"][0]["strategies"] = small["issues"][0]["strategies"][:2]
    fixtures = [load_file(path, path.name).document for path in sorted(RULE_FIXTURES.rglob("*.yaml"))]
    candidates = [*mutations(small), *(document.data for document in fixtures if document is not None)]
    rejected = 0
    for candidate in candidates:
        expected = validator().is_valid(candidate)
        assert schema_accepts()(candidate) == expected, candidate
        rejected += not expected
    assert len(candidates) > 1000 and rejected > 500


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
    | st.sampled_from(["2026-12-01", "ongoing", "annual-review", "client", "active", "done"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8)


def _has_float(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return isinstance(value, float)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_fast_schema_check_never_accepts_what_jsonschema_rejects(data: st.DataObject) -> None:
    """Any value anywhere in a plan: the same answer, or "not sure" (False) for floats."""
    plan = synthetic.synthetic_plan(3, 2)
    holder, key = plan, data.draw(st.sampled_from(sorted(plan)))
    while isinstance(holder[key], dict | list) and data.draw(st.booleans()):
        holder = holder[key]
        keys = sorted(holder) if isinstance(holder, dict) else range(len(holder))
        if not keys:
            break
        key = data.draw(st.sampled_from(list(keys)))
    holder[key] = data.draw(values)
    expected = validator().is_valid(plan)
    if _has_float(holder[key]):
        assert not schema_accepts()(plan) or expected
    else:
        assert schema_accepts()(plan) == expected


# --- reusing unchanged files between rebuilds ---------------------------------------------

def test_unchanged_files_are_not_checked_again_and_changes_are_seen(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    synthetic.write_plans(folder, 4)
    plans = sorted(folder.rglob("*.yaml"))
    twin = plans[0].with_name("BENCH-00009.yaml")
    twin.write_text(plans[0].read_text(encoding="utf-8").replace("BENCH-00001", "BENCH-00009"), encoding="utf-8")

    first = load_caseload([folder], tmp_path)
    outcomes = dict(caseload._checked)
    assert [f.code for f in first.findings] == ["PP104", "PP104"]  # the twin has the same name
    second = load_caseload([folder], tmp_path)
    assert [f.code for f in second.findings] == ["PP104", "PP104"], "comparisons must not pile up"
    assert all(caseload._checked[key] is outcome for key, outcome in outcomes.items())

    edited = plans[1]
    edited.write_text(edited.read_text(encoding="utf-8").replace("type: ", "type: bogus-", 1), encoding="utf-8")
    os.utime(edited, ns=(1, 1))  # another mtime, whatever the clock's resolution
    third = load_caseload([folder], tmp_path)
    assert [(f.path, f.code) for f in third.findings if f.is_error] == [(edited.relative_to(tmp_path).as_posix(), "PP002")]
    unchanged = [key for key in caseload._checked if key[0] != str(edited)]
    assert unchanged and all(caseload._checked[key] is outcomes[key] for key in unchanged)
    assert len(caseload._checked) == 5


# --- a caseload large enough for worker processes -----------------------------------------

@pytest.mark.parametrize("in_search", [False, True], ids=["pages-from-one", "every-page-by-mkdocs"])
def test_a_large_caseload_builds_every_page_with_worker_processes(tmp_path: Path, in_search: bool) -> None:
    count = PARALLEL_FROM + 10
    project = make_project(tmp_path / "project")
    if in_search:  # MkDocs must then render every client page, for the search index
        config = project / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("search_plan_text: false", "search_plan_text: true"), encoding="utf-8")
    synthetic.write_plans(project / "plans", count)
    build = build_site(project, "--strict")
    assert build.returncode == 0, build.output
    for index in (1, count // 2, count):
        client_id = synthetic.client_id(index)
        first, last = synthetic.person_name(index)
        large_print = build.page(f"clients/{client_id}/large-print/")
        assert re.search(rf"<title>[^<]*{client_id}</title>", large_print)
        assert client_id in build.page(f"clients/{client_id}/") and last in large_print
    assert len(list((build.site / "clients").glob("*/large-print/index.html"))) == count
    assert sorted(path.name for path in (build.site / "clients").iterdir()) == sorted(
        synthetic.client_id(index) for index in range(1, count + 1))
    # The workers' pages are those rendered in place, as a small caseload has them.
    status = caseload_status(load_caseload([project / "plans"], project), date.fromisoformat(AS_OF))
    assert render.index_page(status, []) in build.page("")
    managers = status.case_managers()
    assert len(managers) > 1
    for manager in (managers[0], managers[-1]):
        assert render.case_manager_page(manager, status) in build.page(f"case-managers/{manager.slug}/")
    plan = status.plans[count // 2]
    assert render.client_page(plan) in build.page(f"clients/{plan.client_id}/")
    large_print = render.large_print_page(plan, LARGE_PRINT_CSS.read_text(encoding="utf-8"))
    assert (build.site / f"clients/{plan.client_id}/large-print/index.html").read_text(encoding="utf-8") == large_print
    # Made from one page of the theme or not, each client page is the very page MkDocs makes
    # for a caseload small enough to render each itself.
    if not in_search:
        small = make_project(tmp_path / "small")
        some = sorted((project / "plans").rglob("*.yaml"))[:: count // 3]
        for path in some:
            shutil.copy(path, small / "plans" / path.name)
        small_build = build_site(small, "--strict")
        assert small_build.returncode == 0, small_build.output
        for path in some:
            assert build.page(f"clients/{path.stem}/") == small_build.page(f"clients/{path.stem}/")

def test_a_large_caseload_rebuilt_has_the_pages_it_writes_and_drops_the_rest(tmp_path: Path) -> None:
    """The workers write the client pages, not MkDocs: a rebuild over the last site must have
    every one of them again, and lose only the pages of a plan that left."""
    project = make_project(tmp_path / "project")
    synthetic.write_plans(project / "plans", PARALLEL_FROM + 10)
    first = build_site(project)
    assert first.returncode == 0, first.output
    clients = first.site / "clients"
    before = files_under(clients)
    gone = synthetic.client_id(2)
    next((project / "plans").rglob(f"{gone}.yaml")).unlink()

    second = build_site(project)
    assert second.returncode == 0, second.output
    assert files_under(clients) == {name: text for name, text in before.items() if not name.startswith(f"{gone}/")}
