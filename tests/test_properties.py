"""Whatever a file holds, checking it gives findings, never an exception.

A plan file is typed by hand, pasted from other documents and merged in git, so the loader
and the checks get bytes that are not YAML, YAML that is not a plan, and plans broken in
every small way. Each property feeds such input to `load_bytes` + `check_loaded`.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import yaml
from conftest import valid_plan_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planportal import rules
from planportal.check import check_loaded
from planportal.findings import RULE_LEVELS, Finding
from planportal.loader import load_bytes

SHOWN = "plans/T-1.yaml"
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VALID = valid_plan_text("T-1")


def check(raw: bytes) -> list[Finding]:
    """Load and check `raw`; assert every finding is well formed and points into the file."""
    findings = check_loaded(load_bytes(raw, SHOWN), SHOWN, "T-1")
    assert isinstance(findings, list)
    # YAML also breaks lines at CR, NEL and the Unicode separators; the end may be one line on.
    lines = len(raw.decode("utf-8", "replace").splitlines()) + 2
    for finding in findings:
        assert isinstance(finding, Finding)
        assert finding.code in RULE_LEVELS
        assert finding.path == SHOWN
        assert 1 <= finding.line <= lines and finding.column >= 1, finding
        assert finding.message.strip()
        assert finding.text().startswith(f"{SHOWN}:{finding.line}:{finding.column}: ")
        assert finding.github().startswith(f"::{finding.level} file={SHOWN},")
    return findings


# --- building blocks ----------------------------------------------------------------------------

WORDS = ["no", "yes", "on", "010", "0o17", "1:30", "2007-04-12", "2007-02-30", "July 12, 2007",
         "ongoing", "annual-review", "client", "case_manager", "078-05-1120", " ", "~", "<<"]
FIELDS = ["schema_version", "client", "id", "name", "first", "last", "plan", "date", "type", "issues", "goal",
          "strategies", "responsible", "target_date", "signatures", "people", "sharing", "status", "kind"]


def trees_of(text: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """Nested lists and mappings of scalars, with words and field names a plan uses."""
    scalars = st.none() | st.booleans() | st.integers(-(10**17), 10**17) | text | st.sampled_from(WORDS)
    keys = text | st.sampled_from(FIELDS)
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(keys, inner, max_size=4), max_leaves=20)


trees = trees_of(st.text(max_size=20))
#: PyYAML's emitter turns a NEL (U+0085) in a quoted key into a space; that is its bug, not ours.
dumpable = trees_of(st.text(st.characters(codec="utf-8", exclude_characters="\x85"), max_size=20))


def dump(data: Any, flow: bool | None) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow, sort_keys=False).encode("utf-8")


# --- properties -----------------------------------------------------------------------------------

@SETTINGS
@given(st.binary(max_size=3000))
def test_random_bytes_give_findings_only(raw: bytes) -> None:
    check(raw)


@SETTINGS
@given(st.text(max_size=500))
def test_random_text_gives_findings_only(text: str) -> None:
    check(text.encode("utf-8"))


@SETTINGS
@given(trees, st.sampled_from([None, True, False]))
def test_random_yaml_gives_findings_only(data: Any, flow: bool | None) -> None:
    check(dump(data, flow))


@SETTINGS
@given(dumpable.filter(lambda data: "<<" not in str(data)))
def test_plain_data_loads_as_it_was_dumped(data: Any) -> None:
    """Text stays text, true/false and whole numbers keep their type: nothing is guessed."""
    loaded = load_bytes(dump(data, None), SHOWN)
    assert loaded.findings == [] and loaded.document is not None
    assert loaded.document.data == data


def _paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value in the plan, containers included."""
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*path, index))
    return found


def _holds(container: Any, step: str | int) -> bool:
    return (isinstance(container, dict) and step in container) or (
        isinstance(container, list) and isinstance(step, int) and step < len(container))


def replace(data: Any, path: tuple[Any, ...], value: Any) -> None:
    """Put `value` at `path` in `data`, if an earlier change has not taken the path away."""
    for step in path[:-1]:
        if not _holds(data, step):
            return
        data = data[step]
    if _holds(data, path[-1]):
        data[path[-1]] = value


PLAN = yaml.safe_load(VALID)
PLAN_PATHS = _paths(PLAN)[1:]


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(PLAN_PATHS), trees), min_size=1, max_size=3),
       st.sampled_from([None, False]))
def test_a_plan_with_values_replaced_gives_findings_only(changes: list[tuple[tuple[Any, ...], Any]],
                                                          flow: bool | None) -> None:
    plan = yaml.safe_load(VALID)
    for path, value in changes:
        replace(plan, path, value)
    check(dump(plan, flow))


LINES = VALID.splitlines(keepends=True)
line_numbers = st.integers(0, len(LINES) - 1)
mutations = st.one_of(
    st.tuples(st.just("delete"), line_numbers, st.just(0), st.just("")),
    st.tuples(st.just("duplicate"), line_numbers, st.just(0), st.just("")),
    st.tuples(st.just("swap"), line_numbers, line_numbers, st.just("")),
    st.tuples(st.just("insert"), line_numbers, st.integers(0, 80),
              st.text(st.characters(codec="utf-8") | st.sampled_from(list(":-#{}[]&*!|>'\"\t\n ,?%@`")),
                      min_size=1, max_size=8)),
)


def mutate(lines: list[str], mutation: tuple[str, int, int, str]) -> list[str]:
    """`lines` after one edit; line numbers wrap, as earlier edits may have removed lines."""
    kind, at, other, text = mutation
    lines = list(lines)
    at %= len(lines)
    if kind == "delete":
        del lines[at]
    elif kind == "duplicate":
        lines.insert(at, lines[at])
    elif kind == "swap":
        other %= len(lines)
        lines[at], lines[other] = lines[other], lines[at]
    else:
        column = min(other, len(lines[at]))
        lines[at] = lines[at][:column] + text + lines[at][column:]
    return lines


@SETTINGS
@given(st.lists(mutations, min_size=1, max_size=4))
def test_a_plan_broken_by_editing_gives_findings_only(edits: list[tuple[str, int, int, str]]) -> None:
    lines = LINES
    for edit in edits:
        if lines:
            lines = mutate(lines, edit)
    check("".join(lines).encode("utf-8"))


def test_the_unmutated_plan_gives_no_finding() -> None:
    assert check(VALID.encode("utf-8")) == []


def test_a_duplicated_key_line_is_pp001() -> None:
    """The mutations can reach the loader's refusals: one of them, pinned."""
    at = next(n for n, line in enumerate(LINES) if line.startswith("  language:"))
    findings = check("".join(mutate(LINES, ("duplicate", at, 0, ""))).encode("utf-8"))
    assert [(f.code, f.line) for f in findings] == [("PP001", at + 2)]


# --- text from every Unicode category -------------------------------------------------------------

def _value_at(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


TEXT_PATHS = [path for path in PLAN_PATHS if isinstance(_value_at(PLAN, path), str)]
#: What the contract singles out, drawn often; any other character (every category but the
#: surrogates, which a YAML file cannot hold) drawn too.
SINGLED_OUT = list("\x00\x07\t\n\r\x1b\x7f\x85\xa0\xad\u0301\u0903\u20dd\u061c\u115f\u1160\u200b\u200d\u200e"
                   "\u200f\u2028\u2029\u202a\u202e\u2066\u2069\u2800\u3164\ufeff\uffa0\ue000\U000e0041 a.1")
characters = st.characters(exclude_categories=["Cs"]) | st.sampled_from(SINGLED_OUT)


def refused(text: str) -> bool:
    """What the contract refuses in a text: nothing visible, or a control other than a line
    break or tab, or a bidirectional embedding, override or isolate."""
    controls = [c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t"]
    bidi = [c for c in text if "\u202a" <= c <= "\u202e" or "\u2066" <= c <= "\u2069"]
    return bool(controls or bidi or not any(rules.is_visible(c) for c in text))


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(TEXT_PATHS), st.text(characters, min_size=1, max_size=12)),
                min_size=1, max_size=4, unique_by=lambda change: change[0]))
def test_text_from_every_category_in_every_text_field(changes: list[tuple[tuple[Any, ...], str]]) -> None:
    plan = yaml.safe_load(VALID)
    for path, text in changes:
        replace(plan, path, text)
    raw = yaml.safe_dump(plan, allow_unicode=False, sort_keys=False, width=10**6).encode("ascii")
    loaded = load_bytes(raw, SHOWN)
    assert loaded.document is not None, loaded.findings
    assert [_value_at(loaded.document.data, path) for path, _ in changes] == [text for _, text in changes]
    findings = check(raw)
    if any(refused(text) for _, text in changes):
        assert "PP002" in {f.code for f in findings}, (changes, [f.text() for f in findings])
