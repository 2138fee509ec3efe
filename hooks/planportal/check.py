"""Check one loaded plan: the JSON Schema first (`Schema`, `Dates`), then the rules.

The schema is compiled once and reused. Its errors are rewritten as sentences that name
the field and say what to write; the schema's own descriptions supply the hints, so the
editor's hover text and the validator's advice never drift apart.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from . import rules
from .fastschema import compile_schema
from .findings import WARNING_CODES, Finding, Message, Schema, Violation, quote
from .loader import Document, Loaded, Mark, Path_, Text
from .plan import Plan
from .rules import field_name

#: A link to schema/plan.schema.json, so that a wheel (as pre-commit installs it) carries the schema.
SCHEMA_PATH = Path(__file__).parent / "plan.schema.json"


@cache
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    # The codes `acknowledged` takes are the rules' warnings; the file lists them too, for editors.
    schema["$defs"]["acknowledgement"]["properties"]["code"]["enum"] = list(WARNING_CODES)
    return schema


@cache
def validator() -> Draft202012Validator:
    return Draft202012Validator(_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def schema_accepts() -> Callable[[Any], bool]:
    """The schema compiled to plain checks: a quick yes for correct plans (see fastschema)."""
    return compile_schema(_schema()) or (lambda data: False)


def check_loaded(loaded: Loaded, shown_as: str, stem: str) -> list[Finding]:
    """All findings for one file: loading, schema, rules, and the search for Social Security
    numbers on the raw text and on every value and key as YAML decodes it."""
    findings = list(loaded.findings)
    document = loaded.document
    if document is not None:
        violations = list(schema_violations(document.data, document.texts))
        if not violations:
            violations = list(rule_violations(document.data, stem))
        findings += [_finding(shown_as, _violation_mark(document, v), v) for v in violations]
    if loaded.text is not None:
        findings += rules.ssn_findings(loaded.text, document, shown_as)
    return findings


def _finding(shown_as: str, mark: Mark, violation: Violation) -> Finding:
    return Finding(shown_as, mark.line, mark.column, violation.code, violation.message, violation.hint)


def _violation_mark(document: Document, violation: Violation) -> Mark:
    """Unknown fields point at their key; everything else at the value."""
    if violation.at_key and violation.path in document.key_marks:
        return document.key_marks[violation.path]
    return document.mark(violation.path)


def rule_violations(data: dict[str, Any], stem: str) -> Iterator[Violation]:
    plan = Plan(data)
    yield from rules.pp004_id_matches_file(plan, stem)
    for rule in rules.PER_PLAN_RULES:
        yield from rule(plan)


# --- schema errors as sentences -------------------------------------------------------------

def schema_violations(data: Any, texts: list[Text]) -> Iterator[Violation]:
    if data is None:
        yield Schema.empty_file.at(())
        return
    if not isinstance(data, dict):
        yield Schema.not_a_mapping.at((), kind=_kind(data))
        return
    # What a text holds is said first and most plainly: a control character in a key makes
    # it an unknown field too, but retyping the key is the fix.
    said: set[tuple[Path_, bool]] = set()
    for violation in rules.text_violations(texts):
        said.add((violation.path, violation.at_key))
        yield violation
    if schema_accepts()(data):
        return
    seen: set[tuple[Path_, str]] = set()
    for error in sorted(validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        for violation in _describe(error):
            if (violation.path, violation.message) not in seen and (violation.path, violation.at_key) not in said:
                seen.add((violation.path, violation.message))
                yield violation


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, str):
        return "a blank text" if not value.strip() else "a text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    return "nothing"


_EXPECTED = {"string": "a text", "integer": "a whole number", "array": "a list",
             "object": "a set of fields", "boolean": "true or false"}


def _about(schema: dict[str, Any]) -> str:
    """The schema's own description of a field: the same words the editor shows on hover."""
    return str(schema.get("description", ""))


def _describe(error: ValidationError) -> Iterator[Violation]:
    path: Path_ = tuple(error.absolute_path)
    name = field_name(path)
    kind, instance, schema = error.validator, error.instance, error.schema
    if "propertyNames" in error.schema_path and isinstance(instance, str):
        # jsonschema reports a bad key at its mapping; the finding points at the key itself.
        yield Schema.bad_key.at((*path, instance), key=quote(instance), name=name, at_key=True)
    elif kind == "required":
        properties = schema.get("properties", {})
        for field in error.validator_value:
            if isinstance(instance, dict) and field not in instance:
                yield Schema.missing_field.at(path, name=name, field=quote(field),
                                              about=_about(properties.get(field, {})))
    elif kind == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        for field in instance:
            if field not in allowed:
                close = difflib.get_close_matches(field, allowed, n=1)
                message = Schema.unknown_field_like if close else Schema.unknown_field
                yield message.at((*path, field), field=quote(field), name=name, close=close[0] if close else "",
                                 fields=", ".join(allowed), at_key=True)
    elif kind == "format" or _is_date_error(error):
        yield rules.date_violation(path, name, instance)
    elif kind == "type" or (isinstance(instance, str) and not instance.strip()):
        # A blank text fails minLength or pattern, whose value is no type name: it wants text.
        expected = error.validator_value if kind == "type" else "string"
        yield _type_violation(path, name, instance, expected, _about(schema))
    elif kind in ("enum", "const"):
        allowed = error.validator_value if kind == "enum" else [error.validator_value]
        yield Schema.not_allowed.at(path, name=name, value=quote(instance), allowed=", ".join(map(str, allowed)))
    elif kind == "minItems":
        yield Schema.no_entry.at(path, name=name, about=_about(schema))
    elif kind == "uniqueItems":
        yield Schema.repeated_entry.at(path, name=name)
    elif kind == "oneOf" and isinstance(instance, dict) and path[-1:] == ("client",):
        yield Schema.signature_choice.at(path, about=_about(schema))
    else:
        yield Schema.wrong_form.at(path, name=name, value=quote(instance), about=_about(schema))


def _is_date_error(error: ValidationError) -> bool:
    """A text where a date belongs that is no date (or no day in the years allowed), and a
    target date that is neither a day nor one of the words, are date errors."""
    if not isinstance(error.instance, str):
        return False
    return error.schema.get("format") == "date" or (
        error.validator in ("anyOf", "oneOf") and bool(error.absolute_path)
        and str(error.absolute_path[-1]).endswith("date"))


def _type_violation(path: Path_, name: str, instance: Any, expected: str | list[str], about: str) -> Violation:
    wanted = " or ".join(_EXPECTED.get(e, e) for e in ([expected] if isinstance(expected, str) else expected))
    if instance is None or (isinstance(instance, str) and not instance.strip()):
        return Schema.empty.at(path, name=name, wanted=wanted, about=about)
    message: Message = Schema.wrong_type
    written = str(instance)
    if expected == "string" and isinstance(instance, int | bool):
        message, written = Schema.number_for_text, written.lower() if isinstance(instance, bool) else written
    return message.at(path, name=name, wanted=wanted, kind=_kind(instance), value=quote(instance), written=written,
                      about=about)
