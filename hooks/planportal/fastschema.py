"""A fast yes-or-no "does this plan satisfy the schema?", compiled once from the schema file.

jsonschema explains what is wrong, but it takes milliseconds to accept a correct plan (a
reference lookup and a new validator object per keyword), and almost every plan is correct.
So the schema is also compiled into Python: one function per subschema that is referred to
or combined (`$ref`, `anyOf`, `oneOf`, `allOf`, `not`), the checks of each keyword written out
inline, the way fastjsonschema does it. The functions answer only "valid" or "not sure": a plan
they accept has no schema error; any other plan goes to jsonschema, which finds the errors and
words them. Each check either decides exactly as jsonschema would or raises `_Unsure` (for
values a plan loader never produces, such as floats), so `not` and `oneOf` stay exact. A keyword
this module does not know makes `compile_schema` return None: every plan then goes to
jsonschema, slower but never wrong.
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
#: The Python type of each JSON type a check can rely on once `type` has been checked.
_PYTHON_TYPES = {"string": "str", "object": "dict", "array": "list"}
#: Which keywords apply to which type; jsonschema ignores them for values of other types.
_APPLIES_TO = {
    "properties": "object", "required": "object", "additionalProperties": "object", "propertyNames": "object",
    "pattern": "string", "minLength": "string", "items": "array", "minItems": "array", "uniqueItems": "array",
}


class _Unsure(Exception):
    """The value is one jsonschema might judge differently (a float, a non-text enum value)."""


class _Unknown(Exception):
    """The schema uses a keyword this module does not compile."""


def compile_schema(schema: dict[str, Any]) -> Check | None:
    """A function telling whether a value certainly satisfies `schema`, or None."""
    try:
        source, constants = _Compiler(schema).module()
    except (_Unknown, KeyError, TypeError, AttributeError):
        return None
    namespace: dict[str, Any] = {**constants, "_Unsure": _Unsure, "_is_type": _is_type, "_one_text": _one_text,
                                 "_unique": _unique, "_conforms": _FORMATS.conforms}
    exec(compile(source, "<plan schema>", "exec"), namespace)  # our own source, from the schema file
    whole: Check = namespace["_check_0"]

    def accepts(value: Any) -> bool:
        try:
            return whole(value)
        except _Unsure:
            return False

    return accepts


class _Compiler:
    """Writes the Python source of the checks: a function per subschema that is referred to,
    whose body tests its argument keyword by keyword and returns False at the first failure."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.functions: list[str] = []
        self.constants: dict[str, Any] = {}
        self.by_reference: dict[str, str] = {}

    def module(self) -> tuple[str, dict[str, Any]]:
        self.function(self.schema)
        return "\n\n".join(self.functions), self.constants

    def constant(self, value: Any) -> str:
        name = f"_c{len(self.constants)}"
        self.constants[name] = value
        return name

    def function(self, node: Any) -> str:
        """The name of a new function checking `node`."""
        index = len(self.functions)
        self.functions.append("")  # holds the place while the body, and what it calls, is written
        body = self.checks(node, "value", 1)
        self.functions[index] = "\n".join([f"def _check_{index}(value):", *body, "    return True"])
        return f"_check_{index}"

    def reference(self, ref: str) -> str:
        if not ref.startswith("#/"):
            raise _Unknown(ref)
        if ref not in self.by_reference:
            target: Any = self.schema
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            # Named before it is written, so that a schema may refer to itself.
            self.by_reference[ref] = f"_check_{len(self.functions)}"
            self.function(target)
        return self.by_reference[ref]

    def checks(self, node: Any, var: str, depth: int) -> list[str]:
        """Lines, indented `depth` levels, that return False unless `var` satisfies `node`."""
        pad = "    " * depth
        if node is True or node == {}:
            return []
        if node is False:
            return [f"{pad}return False"]
        if "$id" in node and node is not self.schema:
            raise _Unknown("$id")  # references inside would resolve against another base
        keywords = {k: v for k, v in node.items() if k not in _ANNOTATIONS}
        lines: list[str] = []
        known_type = None
        if "type" in keywords:
            names = [keywords["type"]] if isinstance(keywords["type"], str) else list(keywords["type"])
            for name in names:
                _is_type("", name)  # an unknown type name is an unknown schema
            if len(names) == 1 and names[0] in _PYTHON_TYPES:
                known_type = names[0]
                lines.append(f"{pad}if not isinstance({var}, {_PYTHON_TYPES[known_type]}): return False")
            else:
                tests = " or ".join(f"_is_type({var}, {name!r})" for name in names)
                lines.append(f"{pad}if not ({tests}): return False")
        by_type: dict[str, list[str]] = {}
        for keyword, argument in keywords.items():
            if keyword == "type":
                continue
            applies_to = _APPLIES_TO.get(keyword)
            inner = depth if applies_to is None or applies_to == known_type else depth + 1
            written = self.keyword(keyword, argument, keywords, var, inner)
            if applies_to is None or applies_to == known_type:
                lines += written
            else:
                by_type.setdefault(applies_to, []).extend(written)
        for json_type, written in by_type.items():
            lines += [f"{pad}if isinstance({var}, {_PYTHON_TYPES[json_type]}):", *written]
        return lines

    def keyword(self, keyword: str, argument: Any, node: dict[str, Any], var: str, depth: int) -> list[str]:
        """One keyword of 2020-12, with jsonschema's meaning, for a value known to be of its type."""
        pad = "    " * depth
        item = f"v{depth}"
        if keyword == "$ref":
            return [f"{pad}if not {self.reference(argument)}({var}): return False"]
        if keyword == "properties":
            lines = []
            for name, sub in argument.items():
                body = self.checks(sub, item, depth + 1)
                if body:
                    lines += [f"{pad}if {name!r} in {var}:", f"{pad}    {item} = {var}[{name!r}]", *body]
            return lines
        if keyword == "additionalProperties":
            if "patternProperties" in node:
                raise _Unknown(keyword)
            known = self.constant(frozenset(node.get("properties", {})))
            if argument is False:
                return [f"{pad}if not {known}.issuperset({var}): return False"]
            body = self.checks(argument, item, depth + 2)
            key = f"k{depth}"
            if not body:
                return []
            return [f"{pad}for {key}, {item} in {var}.items():", f"{pad}    if {key} not in {known}:", *body]
        if keyword == "required":
            return [f"{pad}if {name!r} not in {var}: return False" for name in argument]
        if keyword == "propertyNames":
            body = self.checks(argument, item, depth + 1)
            return [f"{pad}for {item} in {var}:", *body] if body else []
        if keyword == "pattern":
            return [f"{pad}if {self.constant(re.compile(argument).search)}({var}) is None: return False"]
        if keyword == "minLength":
            return [f"{pad}if len({var}) < {int(argument)}: return False"]
        if keyword == "format":
            return [f"{pad}if not _conforms({var}, {argument!r}): return False"]
        if keyword in ("enum", "const"):
            values = argument if keyword == "enum" else [argument]
            if keyword == "const" and isinstance(argument, int) and not isinstance(argument, bool):
                return [f"{pad}if not (_is_type({var}, 'integer') and {var} == {argument!r}): return False"]
            return [f"{pad}if not _one_text({var}, {self.constant(_text_only(values))}): return False"]
        if keyword == "items":
            if "prefixItems" in node:
                raise _Unknown(keyword)
            body = self.checks(argument, item, depth + 1)
            return [f"{pad}for {item} in {var}:", *body] if body else []
        if keyword == "minItems":
            return [f"{pad}if len({var}) < {int(argument)}: return False"]
        if keyword == "uniqueItems":
            return [f"{pad}if not _unique({var}): return False"] if argument else []
        if keyword in ("anyOf", "oneOf", "allOf"):
            calls = [f"{self.function(sub)}({var})" for sub in argument]
            if keyword == "anyOf":
                return [f"{pad}if not ({' or '.join(calls)}): return False"]
            if keyword == "allOf":
                return [f"{pad}if not ({' and '.join(calls)}): return False"]
            return [f"{pad}if ({' + '.join(calls)}) != 1: return False"]
        if keyword == "not":
            return [f"{pad}if {self.function(argument)}({var}): return False"]
        raise _Unknown(keyword)


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


def _unique(value: list[Any]) -> bool:
    if not all(isinstance(item, str) for item in value):
        raise _Unsure
    return len(set(value)) == len(value)
