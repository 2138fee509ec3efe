"""Check one loaded plan: the JSON Schema first (PP002, PP003), then the rules.

The schema is compiled once and reused. Its errors are rewritten as sentences that name
the field and say what to write; the schema's own descriptions supply the hints, so the
editor's hover text and the validator's advice never drift apart.
"""

from __future__ import annotations

import bisect
import difflib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from . import rules
from .fastschema import compile_schema
from .findings import Finding, quote
from .loader import Document, Loaded, Mark, Path_, line_starts, offset_mark
from .rules import Violation, field_name

#: A link to schema/plan.schema.json, so that a wheel (as pre-commit installs it) carries the schema.
SCHEMA_PATH = Path(__file__).parent / "plan.schema.json"


@cache
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def validator() -> Draft202012Validator:
    return Draft202012Validator(_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def schema_accepts() -> Callable[[Any], bool]:
    """The schema compiled to plain checks: a quick yes for correct plans (see fastschema)."""
    return compile_schema(_schema()) or (lambda data: False)


def check_loaded(loaded: Loaded, shown_as: str, stem: str) -> list[Finding]:
    """All findings for one file: loading, schema, rules, and PP010 on the raw text and on
    every value and key as YAML decodes it."""
    findings = list(loaded.findings)
    document = loaded.document
    if document is not None:
        violations = list(schema_violations(document.data))
        if not violations:
            violations = list(rule_violations(document.data, stem))
        findings += [_finding(shown_as, _violation_mark(document, v), v) for v in violations]
    if loaded.text is not None:
        findings += ssn_findings(loaded.text, document, shown_as)
    return findings


def _finding(shown_as: str, mark: Mark, violation: Violation) -> Finding:
    return Finding(shown_as, mark.line, mark.column, violation.code, violation.message, violation.hint)


def _violation_mark(document: Document, violation: Violation) -> Mark:
    """Unknown fields point at their key; everything else at the value."""
    if violation.at_key and violation.path in document.key_marks:
        return document.key_marks[violation.path]
    return document.mark(violation.path)


def rule_violations(plan: dict[str, Any], stem: str) -> Iterator[Violation]:
    yield from rules.pp004_id_matches_file(plan, stem)
    for rule in rules.PER_PLAN_RULES:
        yield from rule(plan)


def ssn_findings(text: str, document: Document | None, shown_as: str) -> list[Finding]:
    """PP010 for each number shaped like an SSN, once: where the raw text holds it (comments
    included), and where only YAML's decoding makes one (`"\\x30\\x37\\x38-05-1120"`), at the
    value or key that holds it."""
    starts: list[int] = []  # found when first needed: almost every plan has no finding
    raw: list[tuple[Mark, str]] = []
    for offset, found in rules.pp010_no_ssn(text):
        starts = starts or line_starts(text)
        raw.append((offset_mark(starts, offset), rules.ssn_digits(found)))
    marks = [mark for mark, _ in raw]
    if document is not None:
        marks += _decoded_ssn_marks(document, raw)
    return [Finding(shown_as, mark.line, mark.column, "PP010",
                    "This looks like a Social Security number; plans must never hold one.",
                    "Remove it. Identify the person by the agency's client id only.") for mark in marks]


def _decoded_ssn_marks(document: Document, raw: list[tuple[Mark, str]]) -> list[Mark]:
    """Where a decoded value or key holds an SSN that the raw text does not show in it.
    The texts are searched in one go, joined by line breaks, which no SSN pattern crosses."""
    parts = list(rules.texts(document.data))
    hits = list(rules.pp010_no_ssn("\n".join(text for _, _, text in parts)))
    if not hits:
        return []
    starts = [0]
    for _, _, text in parts[:-1]:
        starts.append(starts[-1] + len(text) + 1)
    shown_raw: dict[tuple[Path_, bool], Counter[str]] = {}
    marks: list[Mark] = []
    for offset, found in sorted(hits):
        path, is_key, _ = parts[bisect.bisect_right(starts, offset) - 1]
        begin, end = document.spans[(path, is_key)]
        if (path, is_key) not in shown_raw:
            shown_raw[(path, is_key)] = Counter(digits for mark, digits in raw if begin <= mark < end)
        digits = rules.ssn_digits(found)
        if shown_raw[(path, is_key)][digits]:
            shown_raw[(path, is_key)][digits] -= 1  # the number the raw text shows: reported there
        else:
            marks.append(begin)
    return marks


# --- schema errors as sentences -------------------------------------------------------------

def schema_violations(data: Any) -> Iterator[Violation]:
    if data is None:
        yield Violation((), "PP002", "The file is empty.",
                        "Start a plan with `planportal new CLIENT-ID`, or copy an example from plans/.")
        return
    if not isinstance(data, dict):
        yield Violation((), "PP002", f"A plan is a set of fields (a mapping), but this file holds {_kind(data)}.",
                        "Start from `planportal new CLIENT-ID`: the first line is schema_version: 1.")
        return
    # What a text holds is said first and most plainly: a control character in a key makes
    # it an unknown field too, but retyping the key is the fix.
    said: set[tuple[Path_, bool]] = set()
    for violation in rules.text_violations(data):
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
        yield Violation((*path, instance), "PP002", f"'{quote(instance)}' cannot be a key of {name}.",
                        "Keys are short lowercase words (letters, digits, - or _); client, representative "
                        "and case_manager are built in and need no entry.", at_key=True)
    elif kind == "required":
        properties = schema.get("properties", {})
        for field in error.validator_value:
            if isinstance(instance, dict) and field not in instance:
                about = _about(properties.get(field, {}))
                yield Violation(path, "PP002", f"{name} is missing the field '{quote(field)}'.",
                                f"Add {field}: {about}".rstrip())
    elif kind == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        for field in instance:
            if field not in allowed:
                close = difflib.get_close_matches(field, allowed, n=1)
                hint = f"Did you mean '{close[0]}'?" if close else f"The fields here are: {', '.join(allowed)}."
                yield Violation((*path, field), "PP002", f"'{quote(field)}' is not a field of {name}.", hint,
                                at_key=True)
    elif kind == "format" or _is_date_error(error):
        yield Violation(path, "PP003", rules.date_message(name, instance), rules.date_hint(instance))
    elif kind == "type" or (isinstance(instance, str) and not instance.strip()):
        # A blank text fails minLength or pattern, whose value is no type name: it wants text.
        expected = error.validator_value if kind == "type" else "string"
        if expected == "string" and isinstance(instance, int | bool):
            written = str(instance).lower() if isinstance(instance, bool) else str(instance)
            hint = f'Put it in quotes, "{written}", so it stays text.'
        else:
            hint = _about(schema)
        yield Violation(path, "PP002", _type_message(name, instance, expected), hint)
    elif kind in ("enum", "const"):
        allowed = error.validator_value if kind == "enum" else [error.validator_value]
        yield Violation(path, "PP002",
                        f"{name} is '{quote(instance)}', which is not allowed here.",
                        f"Use one of: {', '.join(str(a) for a in allowed)}.")
    elif kind == "minItems":
        yield Violation(path, "PP002", f"{name} needs at least one entry.", _about(schema))
    elif kind == "uniqueItems":
        yield Violation(path, "PP002", f"{name} lists the same entry twice.", "Keep each entry once.")
    elif kind == "oneOf" and isinstance(instance, dict) and path[-1:] == ("client",):
        yield Violation(path, "PP002", "The client's signature must give exactly one of name, declined or unable.",
                        _about(schema))
    else:
        yield Violation(path, "PP002", f"{name} has a value of the wrong form: '{quote(instance)}'.",
                        _about(schema))


def _is_date_error(error: ValidationError) -> bool:
    """A text where a date belongs that is no date (or no day in the years allowed), and a
    target date that is neither a day nor one of the words, are date errors."""
    if not isinstance(error.instance, str):
        return False
    return error.schema.get("format") == "date" or (
        error.validator in ("anyOf", "oneOf") and bool(error.absolute_path)
        and str(error.absolute_path[-1]).endswith("date"))


def _type_message(name: str, instance: Any, expected: str | list[str]) -> str:
    wanted = " or ".join(_EXPECTED.get(e, e) for e in ([expected] if isinstance(expected, str) else expected))
    if instance is None or (isinstance(instance, str) and not instance.strip()):
        return f"{name} is empty; it should be {wanted}."
    return f"{name} should be {wanted}, not {_kind(instance)} ({quote(instance)})."
