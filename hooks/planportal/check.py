"""Check one loaded plan: the JSON Schema (`Schema`, `Dates`), then the rules on every part
the schema found sound.

The schema is compiled once and reused. Its errors are rewritten as sentences that name
the field and say what to write; the schema's own descriptions supply the hints, so the
editor's hover text and the validator's advice never drift apart.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any, NamedTuple

from jsonschema import Draft202012Validator, ValidationError

from . import rules
from .fastschema import compile_schema
from .findings import WARNING_CODES, Finding, Message, Schema, Violation, quote
from .loader import Document, Loaded, Mark, Path_, line_starts
from .plan import SCHEMA_PATH
from .rules import field_name


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
        findings += [_finding(shown_as, _violation_mark(document, v), v) for v in plan_violations(document, stem)]
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


def plan_violations(document: Document, stem: str) -> Iterator[Violation]:
    """The schema's findings and the rules', in one pass: the rules read every part of the
    plan that the schema found sound, so a mistake in one part never hides another's."""
    data = document.data
    if data is None:
        yield Schema.empty_file.at(())
        return
    if not isinstance(data, dict):
        yield Schema.not_a_mapping.at((), kind=_kind(data))
        return
    faults = _Faults(set(), set())
    yield from schema_violations(document, faults)
    parts = rules.Parts(data, faults.paths, faults.stray, document)
    yield from rules.pp004_id_matches_file(parts, stem)
    for rule in rules.PER_PLAN_RULES:
        yield from rule(parts)


# --- schema errors as sentences -------------------------------------------------------------

class _Faults(NamedTuple):
    """What the schema found at fault, for the rules to leave alone."""

    #: The path of each value at fault; of a missing field, the path it would have.
    paths: set[Path_]
    #: The mappings holding a key the schema does not know.
    stray: set[Path_]


def schema_violations(document: Document, faults: _Faults) -> Iterator[Violation]:
    """The schema's findings for a plan that is a mapping; `faults` gathers where they are."""
    data = document.data
    # What a text holds is said first and most plainly: a control character in a key makes
    # it an unknown field too, but retyping the key is the fix.
    said: set[tuple[Path_, bool]] = set()
    for violation in rules.text_violations(document.texts, document.escaped_breaks):
        said.add((violation.path, violation.at_key))
        faults.paths.add(violation.path)
        yield violation
    if schema_accepts()(data):
        return
    seen: set[tuple[Path_, str]] = set()
    for error in sorted(validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        _gather_faults(error, faults)
        for violation in _describe(error, document):
            if (violation.path, violation.message) not in seen and (violation.path, violation.at_key) not in said:
                seen.add((violation.path, violation.message))
                yield violation


def _gather_faults(error: ValidationError, faults: _Faults) -> None:
    path: Path_ = tuple(error.absolute_path)
    instance = error.instance
    if "propertyNames" in error.schema_path and isinstance(instance, str):
        faults.paths.add((*path, instance))
    elif error.validator == "required" and isinstance(instance, dict):
        faults.paths.update((*path, field) for field in error.validator_value if field not in instance)
    elif error.validator == "additionalProperties" and isinstance(instance, dict):
        allowed = error.schema.get("properties", {})
        faults.paths.update((*path, field) for field in instance if field not in allowed)
        faults.stray.add(path)
    else:
        faults.paths.add(path)


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


def _describe(error: ValidationError, document: Document) -> Iterator[Violation]:
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
    elif instance is None and schema.get("type") in (None, "string") \
            and (comment := _emptied_by_comment(document, path)) is not None:
        written = f"{path[-1]}:" if isinstance(path[-1], str) else "-"
        yield Schema.emptied_by_comment.at(path, name=name, comment=quote(comment),
                                           quoted=f"{written} {json.dumps(quote(comment), ensure_ascii=False)}")
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
    elif names := list(_names_for_keys(path, instance, document.data)):
        yield from names
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


#: A value that YAML read as empty because the text after `key:` or `-` starts with `#`.
_COMMENT_AFTER = re.compile(r"[ \t]+(#.*?)[ \t]*")


def _emptied_by_comment(document: Document, path: Path_) -> str | None:
    """The comment that took the place of the value at `path`, if it did: `action: #1 priority`
    is an empty action and a comment, since a `#` after a space starts one."""
    mark = document.marks.get(path)
    if mark is None or not path:
        return None
    starts = line_starts(document.text)
    line = document.text[starts[mark.line - 1]: starts[mark.line] if mark.line < len(starts) else None]
    found = _COMMENT_AFTER.fullmatch(line.rstrip("\r\n\x85\u2028\u2029")[mark.column - 1:])
    return found.group(1) if found else None


#: What a key looks like (the schema's `key`): a person's name where one belongs is no key.
_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")


def _names_for_keys(path: Path_, instance: Any, data: dict[str, Any]) -> Iterator[Violation]:
    """A name written where a key belongs (`responsible: Paul Pelletier`), with the key that
    names that person (`paul`, when people.paul is Paul Pelletier) or how to make one."""
    if path[-1:] == ("responsible",) and isinstance(instance, list):
        written = [((*path, n), value) for n, value in enumerate(instance)]
    elif path[-1:] == ("responsible",) or (len(path) == 2 and path[0] == "sharing"):
        written = [(path, instance)]
    else:
        return
    for where, value in written:
        if isinstance(value, str) and value.strip() and not _KEY.fullmatch(value):
            name = field_name(where)
            found = _key_for_name(value, data)
            if found:
                yield Schema.name_for_key.at(where, name=name, value=quote(value), key=found[0], who=found[1])
            else:
                slug = re.sub(r"[^a-z0-9]+", "-", value.split()[0].casefold()).strip("-")[:32] or "short-name"
                yield Schema.name_not_a_key.at(where, name=name, value=quote(value), slug=slug)


def _key_for_name(value: str, data: dict[str, Any]) -> tuple[str, str] | None:
    """The key that names the person called `value`, and who that is, in words: a person of
    `people` by full name (or by first name, when only one has it), else a reserved key."""
    wanted = " ".join(value.split()).casefold()
    named: list[tuple[str, str, str]] = []  # key, how the plan names them, in words
    people = data.get("people")
    for key, person in (people.items() if isinstance(people, dict) else []):
        if isinstance(person, dict) and isinstance(person.get("name"), str):
            named.append((key, person["name"], f"people.{key} is {quote(person['name'])}"))
    client = data.get("client") if isinstance(data.get("client"), dict) else {}
    parts = client.get("name") if isinstance(client.get("name"), dict) else {}
    for written in (" ".join(str(parts[p]) for p in ("first", "middle", "last") if p in parts),
                    " ".join(str(parts[p]) for p in ("first", "last") if p in parts), client.get("preferred_name")):
        if isinstance(written, str) and written:
            named.append(("client", written, "the client is the person the plan is for"))
    representative = client.get("representative")
    if isinstance(representative, dict) and isinstance(representative.get("name"), str):
        named.append(("representative", representative["name"], "client.representative names them"))
    manager = data.get("case_manager")
    if isinstance(manager, dict) and isinstance(manager.get("name"), str):
        named.append(("case_manager", manager["name"], "case_manager names you"))
    for key, written, who in named:
        if " ".join(written.split()).casefold() == wanted:
            return key, who
    by_first = [(key, who) for key, written, who in named if [w.casefold() for w in written.split()[:1]] == [wanted]]
    return by_first[0] if len({key for key, _ in by_first}) == 1 else None
