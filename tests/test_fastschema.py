"""The compiled schema check gives jsonschema's answer, on every plan it is shown.

planportal.fastschema compiles the schema into Python that accepts a correct plan fast;
jsonschema then only words the errors. A plan it wrongly accepted would be published with an
error, so it is held to jsonschema's answer on every mutation of a generated plan and of the
rule fixtures, and on any value put anywhere in a plan.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from conftest import RULE_FIXTURES

from planportal.check import schema_accepts, validator
from planportal.plan import SCHEMA_PATH
from planportal.fastschema import compile_schema
from planportal.loader import load_file
from support.plans import synthetic_plan

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))

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
    small = synthetic_plan(1, 1)  # with a representative, a signature `as` them, every field
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


@pytest.mark.parametrize(("language", "accepted"), [
    *((tag, True) for tag in ("en", "fr-CA", "en-x-private", "de-DE-u-co-phonebk", "es-419-u-nu-latn",
                              "qaa-x-local", "x-local")),
    *((tag, False) for tag in ("en--us", "e", "toolongsubtag-x", "en-x", "en-", "en-u", "en\n")),
])
def test_fast_schema_check_agrees_with_jsonschema_on_language_tags(language: str, accepted: bool) -> None:
    """The language pattern, its extensions (`-u-co-phonebk`) and private use (`-x-local`) included."""
    plan = synthetic_plan(1, 1)
    plan["client"]["language"] = language
    assert schema_accepts()(plan) == validator().is_valid(plan) == accepted


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
    plan = synthetic_plan(3, 2)
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
