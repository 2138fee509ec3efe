"""The strict loader: what becomes a value, what is refused (PP001), and where things stand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import valid_plan_text

from planportal.check import check_loaded
from planportal.findings import Finding
from planportal.loader import MAX_BYTES, Loaded, Mark, load_bytes, load_file, load_values


def load(text: str | bytes) -> Loaded:
    return load_bytes(text.encode("utf-8") if isinstance(text, str) else text, "plan.yaml")


def value(scalar: str) -> Any:
    loaded = load(f"key: {scalar}\n")
    assert loaded.findings == [] and loaded.document is not None
    return loaded.document.data["key"]


def refusal(text: str | bytes) -> Finding:
    """The one PP001 finding for `text`."""
    loaded = load(text)
    assert loaded.document is None
    (finding,) = loaded.findings
    assert finding.code == "PP001" and finding.path == "plan.yaml"
    return finding


# --- scalars ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("scalar", "expected"), [
    ("true", True), ("false", False),
    ("12", 12), ("0", 0), ("-3", -3), ("+7", 7),
    ("~", None), ("null", None), ("", None),
])
def test_only_plain_booleans_integers_and_nulls_are_not_text(scalar: str, expected: Any) -> None:
    loaded = value(scalar)
    assert loaded == expected and type(loaded) is type(expected)


@pytest.mark.parametrize("scalar", [
    "no", "yes", "on", "off", "y", "n", "True", "FALSE", "Yes", "NULL", "Null",
    "010", "0o17", "0x1F", "0b101", "1_000", "1:30", "190:20:30", "1.5", "1e3", ".inf", "-.inf", ".nan",
    "2007-04-12", "2007-04-12T10:00:00", "2001-12-14 21:59:43.10 -5",
])
def test_everything_else_stays_the_text_as_written(scalar: str) -> None:
    assert value(scalar) == scalar


@pytest.mark.parametrize("scalar", ["'true'", '"12"', "'~'", '"no"', "''"])
def test_quoted_scalars_are_always_text(scalar: str) -> None:
    assert value(scalar) == scalar[1:-1]


def test_block_scalars_are_text() -> None:
    assert value("|\n  12\n  no\n") == "12\nno\n"
    assert value(">-\n  true\n") == "true"


def test_keys_stay_text() -> None:
    loaded = load("1: a\ntrue: b\nno: c\n")
    assert loaded.document is not None
    assert loaded.document.data == {"1": "a", "true": "b", "no": "c"}


def test_language_no_is_the_text_no() -> None:
    loaded = load(valid_plan_text().replace("language: en", "language: no"))
    assert loaded.document is not None
    assert loaded.document.data["client"]["language"] == "no"


def test_huge_integers_stay_text() -> None:
    assert value("1" * 19) == "1" * 19
    assert value("9" * 18) == int("9" * 18)


# --- refusals (PP001) -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "line", "column"), [
    ("a: 1\na: 2\n", 2, 1),
    ("a:\n  b: 1\n  b: 2\n", 3, 3),
    ("a:\n  b:\n    c: 1\n    d: 2\n    c: 3\n", 5, 5),
    ("a:\n  - {x: 1, y: 2, x: 3}\n", 2, 18),
    ("a: [{b: {c: 1, c: 2}}]\n", 1, 16),
])
def test_a_repeated_key_at_any_depth_is_refused_at_the_second_key(text: str, line: int, column: int) -> None:
    finding = refusal(text)
    assert (finding.line, finding.column) == (line, column)
    assert "appears twice" in finding.message


def test_the_same_key_in_different_mappings_is_fine() -> None:
    assert load("a: {x: 1}\nb: {x: 2}\nc: [{x: 1}, {x: 2}]\n").findings == []


@pytest.mark.parametrize(("text", "line", "column", "says"), [
    ("a: &x 1\n", 1, 4, "Anchors (&x)"),
    ("a: &x {b: 1}\n", 1, 4, "Anchors (&x)"),
    ("a: &x [1]\n", 1, 4, "Anchors (&x)"),
    ("a: &x 1\nb: *x\n", 1, 4, "Anchors"),
    ("a: 1\nb: *x\n", 2, 4, "Aliases"),
    ("a:\n  <<: {b: 1}\n", 2, 3, "Merge keys"),
    ("a: {<<: *base, b: 1}\n", 1, 5, "Merge keys"),
    ("a: !!python/object/apply:os.system [ls]\n", 1, 4, "Tags"),
    ("a: !!python/name:os.system\n", 1, 4, "Tags"),
    ("a: !!str 12\n", 1, 4, "Tags"),
    ("a: !!binary aGVsbG8=\n", 1, 4, "Tags"),
    ("a: !custom {b: 1}\n", 1, 4, "Tags"),
    ("!!map\na: 1\n", 1, 1, "Tags"),
    ("a: 1\n---\nb: 2\n", 2, 1, "more than one YAML document"),
    ("---\na: 1\n---\n", 3, 1, "more than one YAML document"),
    ("? [a]\n: 1\n", 1, 3, "A key must be a plain word"),
    ("a: b: c\n", 1, 5, "not valid YAML"),
    ("a:\n\t- b\n", 2, 1, "not valid YAML"),
    ("a: 'open\n", 2, 1, "not valid YAML"),
    ("a: b\x00c\n", 1, 5, "control character"),
])
def test_yaml_features_a_plan_does_not_use_are_refused(text: str, line: int, column: int, says: str) -> None:
    finding = refusal(text)
    assert (finding.line, finding.column) == (line, column), finding.text()
    assert says in finding.message
    assert finding.hint


def test_a_tab_gets_the_tab_hint() -> None:
    assert refusal("a:\n\tb: 1\n").hint == "Indent with spaces, not tabs."


def test_one_document_with_its_markers_is_fine() -> None:
    loaded = load("---\na: 1\n...\n")
    assert loaded.findings == [] and loaded.document is not None and loaded.document.data == {"a": 1}


def test_nesting_far_deeper_than_a_plan_is_refused() -> None:
    assert "nested far deeper" in refusal("a: " + "[" * 200 + "]" * 200 + "\n").message
    assert load("a: " + "[" * 20 + "]" * 20 + "\n").findings == []


def _sized(size: int) -> bytes:
    """Valid YAML of exactly `size` bytes: one field and a long comment."""
    head = b"a: 1\n#"
    return head + b"x" * (size - len(head) - 1) + b"\n"


def test_over_one_mebibyte_is_refused_before_parsing() -> None:
    finding = refusal(_sized(MAX_BYTES + 1))
    assert (finding.line, finding.column) == (1, 1)
    assert finding.message.startswith("The file is over 1 MiB")
    assert refusal(b"a: [" * MAX_BYTES).message.startswith("The file is over 1 MiB")


def test_exactly_one_mebibyte_is_allowed() -> None:
    raw = _sized(MAX_BYTES)
    assert len(raw) == MAX_BYTES
    assert load(raw).findings == []


@pytest.mark.parametrize(("raw", "line", "column"), [
    (b"a: caf\xe9\n", 1, 7),
    (b"a: 1\nb: \xff\xfe\n", 2, 4),
    ("a: 1\n".encode("utf-16"), 1, 1),
    ("a: 1\nb: Ren\u00e9e\n".encode("cp1252"), 2, 7),
])
def test_text_that_is_not_utf8_is_refused_where_it_stops_being_utf8(raw: bytes, line: int, column: int) -> None:
    finding = refusal(raw)
    assert (finding.line, finding.column) == (line, column)
    assert finding.message == "The file is not UTF-8 text."
    assert load(raw).text is None


def test_a_utf8_byte_order_mark_is_fine_and_moves_nothing() -> None:
    plain = load(valid_plan_text())
    with_bom = load(b"\xef\xbb\xbf" + valid_plan_text().encode("utf-8"))
    assert with_bom.findings == []
    assert with_bom.document is not None and plain.document is not None
    assert with_bom.document.data == plain.document.data
    assert with_bom.document.marks == plain.document.marks


def test_non_ascii_text_is_fine() -> None:
    assert value("Lucía Muñoz — 日本") == "Lucía Muñoz — 日本"


# --- marks --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def plan() -> Loaded:
    return load(valid_plan_text())


@pytest.mark.parametrize(("path", "line", "column"), [
    ((), 3, 1),
    (("schema_version",), 3, 17),
    (("client",), 5, 3),
    (("client", "id"), 5, 7),
    (("client", "name"), 6, 9),
    (("client", "name", "last"), 6, 28),
    (("plan", "date"), 9, 9),
    (("people", "rosa", "phone"), 19, 72),
    (("issues",), 21, 3),
    (("issues", 0), 21, 5),
    (("issues", 0, "goal"), 22, 11),
    (("issues", 0, "strategies", 1, "responsible"), 29, 22),
    (("issues", 0, "strategies", 1, "responsible", 0), 29, 23),
    (("issues", 0, "strategies", 1, "responsible", 1), 29, 29),
    (("issues", 0, "strategies", 1, "target_date"), 30, 22),
    (("sharing", 0), 32, 5),
    (("signatures", "case_manager", "date"), 35, 44),
])
def test_marks_are_the_line_and_column_of_each_value(plan: Loaded, path: tuple[Any, ...], line: int,
                                                     column: int) -> None:
    assert plan.document is not None
    assert plan.document.marks[path] == Mark(line, column)


def test_key_marks_are_where_each_key_is_written(plan: Loaded) -> None:
    assert plan.document is not None
    assert plan.document.key_marks[("client", "id")] == Mark(5, 3)
    assert plan.document.key_marks[("issues", 0, "strategies", 1, "target_date")] == Mark(30, 9)


def test_mark_of_an_absent_value_is_that_of_its_nearest_ancestor(plan: Loaded) -> None:
    assert plan.document is not None
    assert plan.document.mark(("issues", 0, "measure", "nothing")) == Mark(23, 14)
    assert plan.document.mark(("client", "preferred_name")) == Mark(5, 3)
    assert plan.document.mark(("nothing",)) == Mark(3, 1)


def test_marks_count_characters_not_bytes() -> None:
    loaded = load("a: {b: é, c: 日本, d: x}\n")
    assert loaded.document is not None
    assert loaded.document.marks[("a", "d")] == Mark(1, 21)


# --- files and what the checks make of loading ---------------------------------------------------

def test_a_file_that_cannot_be_read_is_a_finding(tmp_path: Path) -> None:
    (finding,) = load_file(tmp_path / "missing.yaml", "plans/missing.yaml").findings
    assert (finding.code, finding.path, finding.line, finding.column) == ("PP001", "plans/missing.yaml", 1, 1)
    assert "cannot be read" in finding.message


def test_load_file_reads_what_load_bytes_reads(tmp_path: Path) -> None:
    path = tmp_path / "OK-valid.yaml"
    path.write_text(valid_plan_text(), encoding="utf-8")
    loaded = load_file(path, "OK-valid.yaml")
    assert loaded.findings == [] and loaded.document is not None
    assert loaded.document.data == load(valid_plan_text()).document.data  # type: ignore[union-attr]


@pytest.mark.parametrize("raw", [
    valid_plan_text().encode("utf-8"), b"\xef\xbb\xbfkey: no\nother: 12\n", b"key: 1\nkey: 2\n", b"a: &x 1\nb: *x\n",
    b"a: 1\n---\nb: 2\n", b"a: [1\n", b"key: caf\xe9\n", b"a: 1\n" + b"#" * MAX_BYTES, b"", b"- a\n- b\n",
])
def test_load_values_reads_the_values_and_the_text_that_load_bytes_reads(raw: bytes) -> None:
    """The history reads earlier versions without findings or the list of texts, as the checks
    would read them: the same values (None where they find a problem) and the same text."""
    loaded = load_bytes(raw, "plan.yaml")
    values, text = load_values(raw)
    assert values == (loaded.document.data if loaded.document is not None else None)
    assert text == (loaded.text if loaded.text is not None else raw.decode("utf-8", "replace"))


@pytest.mark.parametrize(("text", "says"), [
    ("", "The file is empty."),
    ("# only a comment\n", "The file is empty."),
    ("- a\n- b\n", "holds a list"),
    ("just words\n", "holds a text"),
    ("12\n", "holds a number"),
])
def test_a_file_that_is_not_a_mapping_is_a_schema_finding(text: str, says: str) -> None:
    loaded = load(text)
    assert loaded.findings == []
    (finding,) = check_loaded(loaded, "plan.yaml", "plan")
    assert (finding.code, finding.line, finding.column) == ("PP002", 1, 1)
    assert says in finding.message


def test_an_ssn_is_found_even_when_the_yaml_is_broken() -> None:
    loaded = load("a: b: c\nnote: 078-05-1120\n")
    codes = [(f.code, f.line, f.column) for f in check_loaded(loaded, "plan.yaml", "plan")]
    assert codes == [("PP001", 1, 5), ("PP010", 2, 7)]
