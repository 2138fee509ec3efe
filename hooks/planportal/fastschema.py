"""A fast yes-or-no "does this plan satisfy the schema?", compiled once from the schema file.

jsonschema explains what is wrong, but it takes milliseconds to accept a correct plan (a
reference lookup and a new validator object per keyword), and almost every plan is correct.
So the schema is also compiled into plain Python checks. They answer only "valid" or "not
sure": a plan they accept has no schema error; any other plan goes to jsonschema, which
finds the errors and words them. Each check either decides exactly as jsonschema would or
raises `_Unsure` (for values a plan loader never produces, such as floats), so `not` and
`oneOf` stay exact. A keyword this module does not know makes `compile_schema` return None:
every plan then goes to jsonschema, slower but never wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from jsonschema import Draft202012Validator

Check = Callable[[Any], bool]

#: Keywords that describe and never constrain.
_ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "$comment", "title", "description", "examples", "default"})
_FORMATS = Draft202012Validator.FORMAT_CHECKER


class _Unsure(Exception):
    """The value is one jsonschema might judge differently (a float, a non-text enum value)."""


class _Unknown(Exception):
    """The schema uses a keyword this module does not compile."""


def compile_schema(schema: dict[str, Any]) -> Check | None:
    """A function telling whether a value certainly satisfies `schema`, or None."""
    resolved: dict[str, Check] = {}

    def reference(ref: str) -> Check:
        if not ref.startswith("#/"):
            raise _Unknown(ref)
        if ref not in resolved:
            target: Any = schema
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            resolved[ref] = _never  # stands in while a schema that refers to itself compiles
            resolved[ref] = build(target)
        return lambda value: resolved[ref](value)

    def build(node: Any) -> Check:
        if node is True or node == {}:
            return lambda value: True
        if node is False:
            return lambda value: False
        if "$id" in node and node is not schema:
            raise _Unknown("$id")  # references inside would resolve against another base
        parts = [_keyword(keyword, argument, node, build, reference)
                 for keyword, argument in node.items() if keyword not in _ANNOTATIONS]
        if len(parts) == 1:
            return parts[0]
        return lambda value: all(part(value) for part in parts)

    try:
        whole = build(schema)
    except (_Unknown, KeyError, TypeError, AttributeError):
        return None

    def accepts(value: Any) -> bool:
        try:
            return whole(value)
        except _Unsure:
            return False

    return accepts


def _never(value: Any) -> bool:
    raise _Unsure


def _is_type(value: Any, name: str) -> bool:
    if isinstance(value, float):
        raise _Unsure
    if name == "string":
        return isinstance(value, str)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "boolean":
        return isinstance(value, bool)
    if name in ("integer", "number"):
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "null":
        return value is None
    raise _Unknown(name)


def _text_only(values: list[Any]) -> frozenset[str]:
    if not all(isinstance(v, str) for v in values):
        raise _Unknown("enum or const of values other than text")
    return frozenset(values)


def _one_text(value: Any, allowed: frozenset[str]) -> bool:
    if isinstance(value, str):
        return value in allowed
    if isinstance(value, dict | list | bool) or value is None or isinstance(value, int):
        return False  # jsonschema never finds these equal to a text
    raise _Unsure


def _keyword(keyword: str, argument: Any, node: dict[str, Any], build: Callable[[Any], Check],
             reference: Callable[[str], Check]) -> Check:
    """One keyword of 2020-12 as a check, with jsonschema's meaning (it ignores other types)."""
    if keyword == "$ref":
        return reference(argument)
    if keyword == "type":
        names = [argument] if isinstance(argument, str) else list(argument)
        for name in names:
            _is_type("", name)  # an unknown type name is an unknown schema
        return lambda value: any(_is_type(value, name) for name in names)
    if keyword == "properties":
        fields = {name: build(sub) for name, sub in argument.items()}
        return lambda value: not isinstance(value, dict) or all(
            check(value[name]) for name, check in fields.items() if name in value)
    if keyword == "additionalProperties":
        if "patternProperties" in node:
            raise _Unknown(keyword)
        known = frozenset(node.get("properties", {}))
        if argument is False:
            return lambda value: not isinstance(value, dict) or known.issuperset(value)
        extra = build(argument)
        return lambda value: not isinstance(value, dict) or all(
            extra(item) for name, item in value.items() if name not in known)
    if keyword == "required":
        needed = tuple(argument)
        return lambda value: not isinstance(value, dict) or all(name in value for name in needed)
    if keyword == "propertyNames":
        names_check = build(argument)
        return lambda value: not isinstance(value, dict) or all(names_check(name) for name in value)
    if keyword == "pattern":
        search = re.compile(argument).search
        return lambda value: not isinstance(value, str) or search(value) is not None
    if keyword == "minLength":
        return lambda value: not isinstance(value, str) or len(value) >= argument
    if keyword == "format":
        return lambda value: _FORMATS.conforms(value, argument)
    if keyword == "enum":
        allowed = _text_only(argument)
        return lambda value: _one_text(value, allowed)
    if keyword == "const":
        if isinstance(argument, int) and not isinstance(argument, bool):
            return lambda value: _is_type(value, "integer") and value == argument
        allowed = _text_only([argument])
        return lambda value: _one_text(value, allowed)
    if keyword == "items":
        if "prefixItems" in node:
            raise _Unknown(keyword)
        each = build(argument)
        return lambda value: not isinstance(value, list) or all(each(item) for item in value)
    if keyword == "minItems":
        return lambda value: not isinstance(value, list) or len(value) >= argument
    if keyword == "uniqueItems":
        return _unique if argument else (lambda value: True)
    if keyword in ("anyOf", "oneOf", "allOf"):
        subs = [build(sub) for sub in argument]
        if keyword == "anyOf":
            return lambda value: any(sub(value) for sub in subs)
        if keyword == "allOf":
            return lambda value: all(sub(value) for sub in subs)
        return lambda value: sum(sub(value) for sub in subs) == 1
    if keyword == "not":
        negated = build(argument)
        return lambda value: not negated(value)
    raise _Unknown(keyword)


def _unique(value: Any) -> bool:
    if not isinstance(value, list):
        return True
    if not all(isinstance(item, str) for item in value):
        raise _Unsure
    return len(set(value)) == len(value)
