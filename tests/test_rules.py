"""Every rule of the plan format, run by the real validator on fixture plans.

Each fixture under tests/fixtures/rules/ is a complete plan with one defect, marked by a
comment on the defect's line. The table says which finding it must give, exactly where;
a fixture must give no other code, so a rule that stops firing, fires elsewhere or drags
other rules in fails here.
"""

from __future__ import annotations

import json
import re
import sys
import time
import unicodedata
from datetime import date
from functools import cache
from pathlib import Path

import pytest
import yaml
from conftest import REPOSITORY, RULE_FIXTURES, valid_plan_text
from hypothesis import given, settings
from hypothesis import strategies as st

from planportal import rules, ssn
from planportal.caseload import Caseload, load_caseload
from planportal.check import check_loaded
from planportal.findings import RULE_LEVELS, Finding, OneFilePerClient, PlainWords
from planportal.loader import load_bytes
from planportal.plan import Plan

# fixture (under tests/fixtures/rules/), code, line, column, text the message or hint must hold
TABLE: list[tuple[str, str, int, int, str]] = [
    ("PP001-duplicate-key.yaml", "PP001", 9, 5, "'first' appears twice"),
    ("PP001-anchor-alias.yaml", "PP001", 15, 9, "Anchors (&cm)"),
    ("PP001-python-tag.yaml", "PP001", 8, 10, "python/object/apply:os.system"),
    ("PP001-merge-key.yaml", "PP001", 20, 5, "Merge keys"),
    ("PP001-not-utf8.yaml", "PP001", 6, 20, "not UTF-8"),
    ("PP001-second-document.yaml", "PP001", 36, 1, "more than one YAML document"),
    ("PP001-tab-indent.yaml", "PP001", 7, 1, "Indent with spaces, not tabs."),
    ("PP002-missing-field.yaml", "PP002", 15, 3, "case_manager is missing the field 'name'"),
    ("PP002-missing-last-name.yaml", "PP002", 6, 9, "missing the field 'last'"),
    ("PP002-unknown-field.yaml", "PP002", 23, 5, "Did you mean 'measure'?"),
    ("PP002-empty-text.yaml", "PP002", 22, 11, "goal is empty; it should be a text."),
    ("PP002-bad-enum.yaml", "PP002", 10, 9, "Use one of: initial, reassessment, revision."),
    ("PP002-wrong-type.yaml", "PP002", 17, 10, "should be a text, not a number"),
    ("PP003-written-date.yaml", "PP003", 30, 22, "Write it as 2007-07-12."),
    ("PP003-short-date.yaml", "PP003", 30, 22, "Write it as 2007-07-12."),
    ("PP003-not-a-day.yaml", "PP003", 11, 20, "not on the calendar"),
    ("PP003-range.yaml", "PP003", 30, 22, "YYYY-MM-DD"),
    ("PP004-id-differs.yaml", "PP004", 5, 7, "Rename the file to PP004-id-differ.yaml"),
    ("PP004-shared/a/PP004-twin.yaml", "PP004", 5, 7, "tests/fixtures/rules/PP004-shared/b/PP004-twin.yaml"),
    ("PP004-shared/b/PP004-twin.yaml", "PP004", 5, 7, "tests/fixtures/rules/PP004-shared/a/PP004-twin.yaml"),
    ("PP004-suffix/PP004-suffix.yml", "PP004", 1, 1, "Rename it to PP004-suffix.yaml"),
    ("PP005-undefined-responsible.yaml", "PP005", 29, 23, "'rosie' is named as responsible"),
    ("PP005-undefined-sharing.yaml", "PP005", 33, 5, "'jennifer' may receive a copy"),
    ("PP005-representative.yaml", "PP005", 29, 23, "Add client.representative first"),
    ("PP006-ongoing-change.yaml", "PP006", 27, 22, "kind: maintain"),
    ("PP007-before-plan.yaml", "PP007", 27, 22, "before the plan date 2007-04-12"),
    ("PP007-after-review.yaml", "PP007", 30, 22, "after the next review on 2008-04-12"),
    ("PP008-review-too-late.yaml", "PP008", 12, 16, "by 2008-04-12 at the latest"),
    ("PP008-assessment-after-plan.yaml", "PP008", 11, 20, "assessment date 2007-04-20"),
    ("PP009-signature-before-plan.yaml", "PP009", 35, 44, "signature date 2007-04-02"),
    ("PP009-completed-not-done.yaml", "PP009", 28, 20, "status is not done"),
    ("PP009-progress-before-plan.yaml", "PP009", 29, 20, "progress note date 2007-03-30"),
    ("PP010-ssn-dashes.yaml", "PP010", 19, 72, "Social Security number"),
    ("PP010-ssn-spaces.yaml", "PP010", 25, 17, "Social Security number"),
    ("PP010-ssn-labelled.yaml", "PP010", 8, 22, "Social Security number"),
    ("PP010-ssn-in-comment.yaml", "PP010", 5, 49, "Social Security number"),
    ("PP011-no-client-signature.yaml", "PP011", 34, 3, "no client signature"),
    ("PP011-no-signatures.yaml", "PP011", 13, 11, "active (plan.status) but has no case manager signature"),
    ("PP012-template-text.yaml", "PP012", 23, 14, "[fill in: how you will both know"),
    ("PP101-no-measure.yaml", "PP101", 22, 11, "no measure"),
    ("PP102-client-not-responsible.yaml", "PP102", 21, 3, "add client"),
    ("PP103-defaulted-dates.yaml", "PP103", 21, 3, "2 of 2 target dates"),
    ("PP104-same-name/PP104-first.yaml", "PP104", 6, 9, "tests/fixtures/rules/PP104-same-name/PP104-second.yaml"),
    ("PP104-same-name/PP104-second.yaml", "PP104", 6, 9, "tests/fixtures/rules/PP104-same-name/PP104-first.yaml"),
    ("PP105-hard-words.yaml", "PP105", 21, 12, "hardest: 'Persistent depressive symptomatology"),
]
#: Complete plans that must give no finding at all.
VALID = ["OK-valid.yaml", "OK-language-no.yaml", "OK-phone-numbers.yaml"]


@cache
def _caseload(top: str) -> Caseload:
    """The caseload of one fixture file, or of the sub-folder that holds a pair of files."""
    return load_caseload([RULE_FIXTURES / top], REPOSITORY)


def findings_of(fixture: str) -> list[Finding]:
    shown = (RULE_FIXTURES / fixture).relative_to(REPOSITORY).as_posix()
    return [f for f in _caseload(Path(fixture).parts[0]).findings if f.path == shown]


def check_text(text: str, stem: str = "OK-valid") -> list[Finding]:
    """Findings for a plan held in memory, named as if it were `<stem>.yaml`."""
    return check_loaded(load_bytes(text.encode("utf-8"), f"{stem}.yaml"), f"{stem}.yaml", stem)


@pytest.mark.parametrize(("fixture", "code", "line", "column", "says"), TABLE, ids=[row[0] for row in TABLE])
def test_fixture_gives_its_finding_and_no_other(fixture: str, code: str, line: int, column: int, says: str) -> None:
    findings = findings_of(fixture)
    at = [(f.line, f.column) for f in findings if f.code == code]
    assert (line, column) in at, "\n".join(f.text() for f in findings)
    assert {f.code for f in findings} == {code}, "\n".join(f.text() for f in findings)
    assert any(says in f"{f.message} {f.hint}" for f in findings if f.code == code), \
        "\n".join(f.text() for f in findings)
    assert all(f.level == RULE_LEVELS[code] for f in findings)


@pytest.mark.parametrize("fixture", VALID)
def test_valid_fixture_gives_no_finding(fixture: str) -> None:
    assert findings_of(fixture) == []


#: The rules that read the git history: tests/test_history.py makes repositories for them.
HISTORY_RULES = {"PP106", "PP107"}


def test_every_rule_has_a_fixture() -> None:
    assert {row[1] for row in TABLE} == set(RULE_LEVELS) - HISTORY_RULES


def test_every_fixture_file_is_in_the_table() -> None:
    on_disk = {p.relative_to(RULE_FIXTURES).as_posix() for p in RULE_FIXTURES.rglob("*") if p.is_file()}
    assert on_disk == {row[0] for row in TABLE} | set(VALID)


def test_the_whole_fixture_folder_gives_exactly_the_table() -> None:
    """Checked together, the fixtures give the table's findings and nothing else: ids and
    names differ between fixtures except in the two pairs that are about that."""
    found = {(f.path, f.code, f.line, f.column) for f in load_caseload([RULE_FIXTURES], REPOSITORY).findings}
    expected = {((RULE_FIXTURES / fixture).relative_to(REPOSITORY).as_posix(), code, line, column)
                for fixture, code, line, column, _ in TABLE}
    assert found == expected


def _fixture_lines(fixture: str) -> list[str]:
    raw = (RULE_FIXTURES / fixture).read_bytes()
    try:
        return raw.decode("utf-8").splitlines()
    except UnicodeDecodeError:  # the PP001 fixture that is Latin-1 on purpose
        return raw.decode("latin-1").splitlines()


@pytest.mark.parametrize("fixture", [row[0] for row in TABLE] + VALID)
def test_fixture_starts_with_a_modeline_that_finds_the_schema(fixture: str) -> None:
    first = _fixture_lines(fixture)[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, first
    schema = ((RULE_FIXTURES / fixture).parent / match[1]).resolve()
    assert schema == (REPOSITORY / "schema" / "plan.schema.json").resolve()


@pytest.mark.parametrize(("fixture", "code", "line"), [(f, c, n) for f, c, n, _, _ in TABLE if n > 1])
def test_defect_line_carries_a_comment_naming_the_rule(fixture: str, code: str, line: int) -> None:
    text = _fixture_lines(fixture)[line - 1]
    assert "#" in text and code in text.split("#", 1)[1], text


@pytest.mark.parametrize("fixture", ["PP003-written-date.yaml", "PP003-short-date.yaml"])
def test_a_written_date_gets_its_iso_form_as_the_hint(fixture: str) -> None:
    (finding,) = findings_of(fixture)
    assert finding.hint == "Write it as 2007-07-12."
    assert "is not a date written YYYY-MM-DD" in finding.message


# --- the example plans ------------------------------------------------------------------------

EXAMPLES = REPOSITORY / "plans"
INTENDED = re.compile(r"#.*\bwarning\b.*", re.IGNORECASE)


def _intended_warnings(path: Path) -> set[str]:
    """Warning codes a comment in the plan says are intended (`# intended warning: PP101 ...`)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    return {code for comment in INTENDED.findall(text) for code in re.findall(r"PP1\d\d", comment)}


@cache
def _examples() -> Caseload:
    return load_caseload([EXAMPLES], REPOSITORY)


@pytest.mark.parametrize("path", sorted(p for p in EXAMPLES.rglob("*") if p.is_file()),
                         ids=lambda p: p.relative_to(EXAMPLES).as_posix())
def test_example_plan_is_clean_under_strict(path: Path) -> None:
    shown = path.relative_to(REPOSITORY).as_posix()
    findings = [f for f in _examples().findings if f.path == shown]
    unexpected = [f for f in findings if f.is_error or f.code not in _intended_warnings(path)]
    assert unexpected == [], "\n".join(f.text() for f in unexpected)


# --- rules in memory: the cases a rule must leave alone -----------------------------------------

def _variant(*edits: tuple[str, str]) -> str:
    text = valid_plan_text()
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def test_the_valid_plan_in_memory_gives_no_finding() -> None:
    assert check_text(valid_plan_text()) == []


@pytest.mark.parametrize("edits", [
    [("    measure:", "    kind: maintain\n    measure:"), ("target_date: 2007-05-01", "target_date: ongoing")],
    [("  status: active\n", "  status: draft\n"),
     ("signatures:\n  client: {name: Ada OK-valid, date: 2007-04-12}\n"
      "  case_manager: {name: Marie Dubois, date: 2007-04-12}\n", "")],
    [("client: {name: Ada OK-valid, date", "client: {declined: Prefers to think it over, date")],
    [("client: {name: Ada OK-valid, date", "client: {unable: In hospital, date")],
    [("  language: en\n", "  language: en\n  representative: {name: Rosa Pike, relationship: daughter}\n"),
     ("responsible: client\n", "responsible: [client, representative]\n")],
    [("target_date: 2007-07-12", "target_date: annual-review")],
], ids=["maintain-ongoing", "draft-unsigned", "declined", "unable", "representative-defined", "one-annual-review"])
def test_rules_leave_valid_variants_alone(edits: list[tuple[str, str]]) -> None:
    assert check_text(_variant(*edits)) == []


def test_review_date_defaults_to_one_year_after_the_plan_date() -> None:
    without_review = _variant(("  review_date: 2008-04-12\n", ""))
    assert check_text(without_review) == []
    late = without_review.replace("target_date: 2007-07-12", "target_date: 2008-04-13")
    assert [(f.code, f.line) for f in check_text(late)] == [("PP007", 29)]


def test_a_plan_made_on_29_february_may_be_reviewed_on_28_february() -> None:
    text = valid_plan_text().replace("2007-04-12", "2008-02-29").replace("2007-04-05", "2008-02-20")
    text = text.replace("2007-05-01", "2008-03-10").replace("2007-07-12", "2008-05-01")
    assert check_text(text.replace("review_date: 2008-04-12", "review_date: 2009-02-28")) == []
    assert [f.code for f in check_text(text.replace("review_date: 2008-04-12", "review_date: 2009-03-01"))] \
        == ["PP008"]


def test_rules_run_on_the_parts_the_schema_accepts() -> None:
    """A schema error elsewhere in the plan hides no rule's finding."""
    text = _variant(("  type: initial\n", "  type: intial\n"), ("target_date: 2007-05-01", "target_date: ongoing"))
    assert [(f.code, f.line) for f in check_text(text)] == [("PP002", 10), ("PP006", 27)]


# --- PP010 and date hints as functions -----------------------------------------------------------
# Only 078-05-1120 (voided long ago) and numbers with area 000, 666 or 900-999 (never issued).

@pytest.mark.parametrize("text", [
    "078-05-1120", "078 05 1120", "SSN 078051120", "ssn: 666123456", "SS# 900123456",
    "Social Security No. 000123456", "social security number 999-12-3456", "(078-05-1120)",
])
def test_pp010_finds_ssn_shapes(text: str) -> None:
    assert list(ssn.pp010_no_ssn(text)) != []


@pytest.mark.parametrize("text", [
    "802-555-0100", "(802) 555-0100", "802 555 0100", "078051120", "2007-04-12",
    "1078-05-11200", "id 900123456789", "CVCOA-0042", "classname 078051120", "9078-05-1120",
])
def test_pp010_leaves_other_numbers_alone(text: str) -> None:
    assert list(ssn.pp010_no_ssn(text)) == []


@pytest.mark.parametrize(("written", "iso"), [
    ("July 12, 2007", "2007-07-12"), ("7/12/07", "2007-07-12"), ("07/12/2007", "2007-07-12"),
    ("12 July 2007", "2007-07-12"), ("Jul 12 2007", "2007-07-12"), ("2007/07/12", "2007-07-12"),
])
def test_date_hint_shows_the_iso_form(written: str, iso: str) -> None:
    assert iso in rules.date_hint(written)


# --- issue 11: the format's additions ------------------------------------------------------------

def test_the_additions_are_valid() -> None:
    """client.phone, acknowledged warnings and a case manager with no agency."""
    text = _variant(("  language: en\n", "  language: en\n  phone: 802-555-0177 (daughter's cell)\n"),
                    ("  agency: Central VT Council on Aging\n", ""))
    text += "acknowledged:\n  - code: PP104\n    reason: Two different people named Ada; the other is T-0311.\n"
    assert check_text(text) == []


@pytest.mark.parametrize("code", ["PP001", "PP010", "PP100", "PP108", "pp104", "PP104\n"])
def test_only_warning_codes_can_be_acknowledged(code: str) -> None:
    text = valid_plan_text() + f"acknowledged:\n  - {{code: {code!r}, reason: Looked at it.}}\n".replace("'", '"')
    assert [(f.code, f.line, f.column) for f in check_text(text)] == [("PP002", 37, 12)]


def test_an_acknowledgement_needs_a_reason() -> None:
    findings = check_text(valid_plan_text() + "acknowledged:\n  - {code: PP101}\n")
    assert [(f.code, f.line) for f in findings] == [("PP002", 37)] and "'reason'" in findings[0].message


# --- issue 11: what a text may hold ----------------------------------------------------------------

GOAL = "goal: I want to enjoy my hobbies again."


@pytest.mark.parametrize("goal", [
    r"\u200b", r"\u200b\u200d\u2060\ufeff", r"\u3164", r"\u115f\u1160", r"\uffa0", r"\u2800\u2800",
    r"\u0301\u0301", r"\u0903", r"\u20dd", r"\u00ad", r" \u200e ", r"\u2028", r"\ue000", r"\U000e0041",
], ids=["zwsp", "zero-widths", "hangul-filler", "choseong-jungseong-fillers", "halfwidth-filler",
        "braille-blank", "combining-only", "spacing-mark-only", "enclosing-mark-only", "soft-hyphen", "lrm",
        "line-separator", "private-use", "tag-character"])
def test_a_text_with_nothing_visible_is_pp002_at_the_value(goal: str) -> None:
    findings = check_text(_variant((GOAL, f'goal: "{goal}"')))
    assert [(f.code, f.line, f.column) for f in findings] == [("PP002", 22, 11)], findings
    assert any(words in findings[0].message for words in  # a line separator is a line break too
               ("no visible character", "is empty", "line break written as an escape"))


@pytest.mark.parametrize("goal", ["Café", "e\u0301", "\u05e9\u05dc\u05d5\u05dd \u200f!", "李明", "Иван", "😀",
                                  "line one\nline two"])
def test_visible_text_in_any_script_is_text(goal: str) -> None:
    assert check_text(_variant((GOAL, f"goal: {yaml.safe_dump(goal, allow_unicode=True).splitlines()[0]}"
                                if "\n" not in goal else "goal: |\n      line one\n      line two"))) == []


@pytest.mark.parametrize("written", [
    "goal: |\n      Line one.\n      Line two.", "goal: >\n      Line one.\n\n      Line two.",
    "goal: Line one.\n\n      Line two.", "goal: 'Line one.\n\n      Line two.'", 'goal: "Line one.\n\n      Line two."',
    'goal: "A \\\\n is no line break."',
])
def test_a_line_break_written_as_a_line_of_the_file_is_text(written: str) -> None:
    """Text written over several lines of the file holds line breaks: as a block (| or >), or a
    blank line in a plain or quoted text. A backslash written as an escape, then n, is no break."""
    assert check_text(_variant((GOAL, written))) == []


@pytest.mark.parametrize(("written", "words"), [
    ("goal: \"I want\\tto garden.\"", "a tab (U+0009)"), ("goal: \"I want\tto garden.\"", "a tab (U+0009)"),
    ("goal: |\n      I want\tto garden.", "a tab (U+0009)"),
    ("goal: \"I want\\nto garden.\"", "line break written as an escape"),
    ("goal: \"I want\\x0ato garden.\"", "line break written as an escape"),
    ("goal: \"I want\\Lto garden.\"", "line break written as an escape"),
    ("goal: \"I want\\u2029to garden.\"", "line break written as an escape"),
])
def test_a_tab_and_a_line_break_written_as_an_escape_are_pp002_at_the_value(written: str, words: str) -> None:
    """The plan format refuses control characters but line breaks inside block text, raw or
    written as YAML escapes: a tab anywhere, and a line break that an escape puts in one line."""
    findings = check_text(_variant((GOAL, written)))
    assert [(f.code, f.line, f.column) for f in findings] == [("PP002", 22, 11)], findings
    assert words in findings[0].message


@pytest.mark.parametrize("escape", [r"\0", r"\a", r"\e[2J", r"\x1b", r"\x7f", r"\x85", r"\N", r"\r", r"\v",
                                    r"\u202a", r"\u202b", r"\u202c", r"\u202d", r"\u202E",
                                    r"\u2066", r"\u2067", r"\u2068", r"\u2069"])
def test_a_control_or_bidi_override_in_a_value_is_pp002_however_written(escape: str) -> None:
    findings = check_text(_variant((GOAL, f'goal: "I want{escape} to paint."')))
    assert [(f.code, f.line, f.column) for f in findings] == [("PP002", 22, 11)], findings
    assert "U+" in findings[0].message


@pytest.mark.parametrize("escape", [r"\n", r"\t", r"\x1b", r"\u202e", r"\u2066"])
def test_a_control_or_bidi_override_in_a_key_is_pp002_at_the_key(escape: str) -> None:
    findings = check_text(_variant(("    goal:", f'    "goal{escape}":')))
    assert [(f.code, f.line, f.column) for f in findings if "The key 'goal" in f.message] == [("PP002", 22, 5)]
    assert not any("is not a field" in f.message for f in findings)  # said once, as what to retype


def test_a_raw_control_character_the_parser_lets_through_is_refused() -> None:
    """libyaml refuses most raw controls itself (PP001); the bidi override it lets in."""
    findings = check_text(_variant((GOAL, "goal: I want \u202eto paint.")))
    assert [(f.code, f.line, f.column) for f in findings] == [("PP002", 22, 11)]


def test_the_direction_marks_stay_in_text() -> None:
    """LRM, RLM and ALM only settle the direction of the text beside them (names in Hebrew
    or Arabic need them), unlike the overrides and isolates, which reorder it."""
    assert check_text(_variant((GOAL, 'goal: "\u05e9\u05dc\u05d5\u05dd 2 \u200e\u200f\u061c!"'))) == []


# --- issue 11: ids, keys, languages, e-mail addresses and dates matched whole -----------------------

@pytest.mark.parametrize(("old", "new", "line", "column"), [
    ("  id: OK-valid", '  id: "OK-valid\\n"', 5, 7),
    ("  id: OK-valid", "  id: |\n    OK-valid", 5, 7),
    ("  language: en", '  language: "en\\n"', 7, 13),
    ("responsible: client\n", 'responsible: "client\\n"\n', 26, 22),
    ("  rosa: {name", '  "rosa\\n": {name', 19, 3),
    ('date: "2007-04-12"', 'date: "2007-04-12\\n"', 9, 9),
    ("  phone: 802-555-0100\n", '  phone: 802-555-0100\n  email: "marie@example.org\\n"\n', 18, 10),
])
def test_a_trailing_line_break_never_passes_an_anchored_pattern(old: str, new: str, line: int, column: int) -> None:
    findings = check_text(_variant((old, new)))
    assert (line, column) in [(f.line, f.column) for f in findings if f.code in ("PP002", "PP003")], findings


@pytest.mark.parametrize("language", ["en-x-private", "de-DE-u-co-phonebk", "es-419-u-nu-latn", "qaa-x-local",
                                      "x-local", "ru-t-en-h0-hybrid", "en-a-bbb-x-a-ccc", "zh-Hant-TW", "sgn-BE-FR"])
def test_a_bcp_47_tag_with_extensions_or_private_use_passes(language: str) -> None:
    assert check_text(_variant(("  language: en\n", f"  language: {language}\n"))) == []


@pytest.mark.parametrize("language", ["en--us", "e", "toolongsubtag-x", "en-x", "en-", "-en", "x", "en-u",
                                      "en-u-x-a", "en-x-toolongsubtag", "en_US", "en-US ",
                                      "english"])  # well-formed, but no language has a 4-8 letter subtag
def test_a_malformed_language_tag_is_pp002(language: str) -> None:
    findings = check_text(_variant(("  language: en\n", f"  language: {json.dumps(language)}\n")))
    assert [(f.code, f.line, f.column) for f in findings] == [("PP002", 7, 13)], findings


@pytest.mark.parametrize("email", ["a@b.org?cc=x@y.org", "a@b.org&x", "a@b.org,c@d.org", "a@b.org;c@d.org",
                                   "a b@c.org", "<a@b.org>", "Ann <a@b.org>", '"a"@b.org', "mailto:a@b.org",
                                   "a@b", "a@-b.org", "a@b-.org", "a@b..org", "ann@bücher.de", "a@b.org\x1b",
                                   "m%40evil.example#@example.org", "a!#$%*/=^`{|}~@example.org", "a/b@c.org"])
def test_an_email_address_is_a_plain_address(email: str) -> None:
    findings = check_text(_variant(("  phone: 802-555-0100\n",
                                    f"  phone: 802-555-0100\n  email: {json.dumps(email)}\n")))
    assert [(f.code, f.line) for f in findings] == [("PP002", 18)], findings


@pytest.mark.parametrize("email", ["marie@example.org", "m.dubois+plans@cvcoa.example.org", "o'brien@x-y.example",
                                   "first_last-2@example.org", "m@xn--bcher-kva.example"])
def test_plain_email_addresses_pass(email: str) -> None:
    text = _variant(("  phone: 802-555-0100\n", f"  phone: 802-555-0100\n  email: {json.dumps(email)}\n"))
    assert check_text(text) == []


@pytest.mark.parametrize(("old", "new", "line", "column"), [
    ('date: "2007-04-12"', 'date: "9999-12-31"', 9, 9),
    ('date: "2007-04-12"', 'date: "0001-01-01"', 9, 9),
    ("review_date: 2008-04-12", "review_date: 9999-12-31", 12, 16),
    ("assessment_date: 2007-04-05", "assessment_date: 0001-01-01", 11, 20),
    ("target_date: 2007-05-01", "target_date: 9999-12-31", 27, 22),
    ("target_date: 2007-05-01", "target_date: 0001-01-01", 27, 22),
    ("client: {name: Ada OK-valid, date: 2007-04-12}", "client: {name: Ada OK-valid, date: 9999-12-31}", 34, 38),
])
def test_dates_at_the_ends_of_the_calendar_are_pp003(old: str, new: str, line: int, column: int) -> None:
    findings = check_text(_variant((old, new)))
    assert ("PP003", line, column) in [(f.code, f.line, f.column) for f in findings], findings
    assert any("outside the years" in f.message for f in findings)


def test_the_last_plan_date_with_no_review_date_is_pp003_not_an_overflow() -> None:
    text = _variant(('date: "2007-04-12"', 'date: "9999-12-31"'), ("  review_date: 2008-04-12\n", ""))
    findings = check_text(text)
    assert ("PP003", 9, 9) in [(f.code, f.line, f.column) for f in findings]
    assert {f.code for f in findings} == {"PP003"}


def test_the_edge_years_pass_and_leave_room_for_a_year_of_plan() -> None:
    """2199-12-31 plus the default year of review, and status's steps around it, stay on the calendar."""
    last = valid_plan_text().replace("2007-", "2199-").replace("2008-04-12", "2199-12-31")
    assert check_text(last) == []
    assert Plan({"plan": {"date": "2199-12-31"}}).review == date(2200, 12, 31)


# --- issue 11: PP010's wider net --------------------------------------------------------------------

@pytest.mark.parametrize(("path", "shown"), [
    ("plans/team 900-12-3456/A-1.yaml", f"plans/{ssn.WITHHELD}/A-1.yaml"),
    ("plans/900/12-3456.yaml", f"plans/{ssn.WITHHELD}/{ssn.WITHHELD}"),  # the slash is a separator
    ("plans/2007-04-12/A-1.yaml", "plans/2007-04-12/A-1.yaml"),
])
def test_a_path_is_shown_with_each_name_shaped_like_an_ssn_withheld(path: str, shown: str) -> None:
    assert ssn.withheld_path(path) == shown


def test_the_separators_hold_every_dash_and_space_of_this_python() -> None:
    every = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) in ("Pd", "Zs")}
    separator = re.compile(f"[{ssn.SSN_SEPARATORS}]")
    assert [f"U+{ord(c):04X}" for c in sorted(every) if not separator.fullmatch(c)] == []


@pytest.mark.parametrize("text", [
    "078\u201105\u20111120", "078\u221205\u22121120", "078\uff0d05\uff0d1120", "078\u201405\u20141120",
    "078.05.1120", "078/05/1120", "078\u00a005\u00a01120", "078\u202f05\u202f1120", "078\u200905\u20091120",
    "078\u300005\u30001120", "\uff10\uff17\uff18-\uff10\uff15-\uff11\uff11\uff12\uff10",
    "\u0660\u0667\u0668-\u0660\u0665-\u0661\u0661\u0662\u0660", "S.S.N. 078051120", "soc. sec. 078051120",
    "SOCIAL SECURITY 078051120", "ss# 078051120", "SSN078051120", "SS #900123456",
    # next to other numbers, mixed separators, labels glued to words
    "SSN 078-05-1120 2 kids", "078-05-1120 12 3456", "Born 1950 078-05-1120", "802 555 0100 078-05-1120",
    "078-05-1120/2024", "078-05-1120-1", "078-05 1120", "078-05.1120", "social-security 078051120",
    "client_ssn 078051120", "SSNs 078051120", "pt_ssn: 666123456",
])
def test_pp010_finds_ssn_shapes_written_every_way(text: str) -> None:
    assert len(list(ssn.pp010_no_ssn(text))) == 1


#: Unicode's default ignorable code points that are neither format characters nor marks (its
#: DerivedCoreProperties.txt): the Hangul fillers, the unassigned U+2065 and U+FFF0..U+FFF8,
#: and the tag block's unassigned rest.
DEFAULT_IGNORABLE_OTHERS = [(0x115F, 0x1160), (0x2065, 0x2065), (0x3164, 0x3164), (0xFFA0, 0xFFA0),
                            (0xFFF0, 0xFFF8), (0xE0000, 0xE0FFF)]


def test_the_hidden_characters_are_every_format_character_mark_and_ignorable_but_the_separators() -> None:
    separator = re.compile(f"[{ssn.SSN_SEPARATORS}]")
    hidden = re.compile(f"[{ssn.HIDDEN}]")
    every = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) in ("Cf", "Mn", "Me")}
    every |= {chr(c) for first, last in DEFAULT_IGNORABLE_OTHERS for c in range(first, last + 1)}
    assert [f"U+{ord(c):04X}" for c in sorted(every) if not (separator.fullmatch(c) or hidden.fullmatch(c))] == []
    assert [f"U+{ord(c):04X}" for c in sorted(every) if separator.fullmatch(c) and hidden.fullmatch(c)] == []
    assert [f"U+{c:04X}" for c in range(sys.maxunicode + 1) if hidden.fullmatch(chr(c)) and chr(c) not in every] == []


@pytest.mark.parametrize("text", [
    "900\u200d-12-3456", "900-\u200c12-3456", "900\u00ad-12-3456", "9\u200e00-12-34\ufeff56", "9\u200b00-12-3456",
    "90\u00ad0-12-3456", "900-12-34\u200b56", "SSN 900\u200b123456", "900. 12. 3456", "id 900-12- 3456",
    "900 - 12 - 3456", "900 -12 -3456", "900 / 12 / 3456", "900 - 12-3456", "900 \u2013 12 \u2013 3456",
    # marks on a digit, what else shows nothing, and digits and labels in a compatibility form
    "9\ufe0f\u20e30\ufe0f\u20e30\ufe0f\u20e3-1\ufe0f\u20e32\ufe0f\u20e3-3\ufe0f\u20e34\ufe0f\u20e35\ufe0f\u20e36\ufe0f\u20e3",
    "9\u03360\u03360\u0336-1\u03362\u0336-3\u03364\u03365\u03366\u0336", "9\u034f00-12-3456", "90\ufe0f0-12-3456",
    "9\u316400-12-3456", "900-12-345\U000e00416", "9\u030100-12-3456", "Caf\u00e9 900-12-3456",
    "\u2468\u24ea\u24ea-\u2460\u2461-\u2462\u2463\u2464\u2465", "\u2079\u2070\u2070-\u00b9\u00b2-\u00b3\u2074\u2075\u2076",
    "\uff33\uff33\uff2e 900123456", "S\u0332S\u0332N\u0332 900123456", "\u2468\u24ea\u24ea123456 SSN",
])
def test_pp010_reads_a_number_as_it_shows(text: str) -> None:
    """Invisible characters and marks count for nothing, wherever they stand, digits and letters
    count in their compatibility form (circled, superscript, fullwidth), and a separator may have
    a space after it (a line ending with a dash, folded): each of these reads as 900-12-3456."""
    assert [ssn.ssn_digits(found) for _, found in ssn.pp010_no_ssn(text)] == ["900123456"]
    assert ssn.holds_ssn(text)


@pytest.mark.parametrize("text", [
    "900 -  - 12-3456", "9001-12-3456", "2007-04-12\n2008-04-12", "802-555-0100", "900\u200d12\u200d3456",
    "900-12\x003456", "2007-05-01 BP 130/85\n2007-05-02 BP 128/80", "Paid rent 850.00\n2007-05-01 receipt",
    "I will pay rent of 850.00 - 2007 lease.", "Spend at most 450.00 / 1200 a month on food.", "900-12\n3456",
    "Caf\u00e9 n\u00ba 900 \u00bd 3456", "900-12 - 3456 is a reading", "900 - - 12 - 3456", "\u2468\u24ea\u24ea\u2460\u2461\u2462\u2463\u2464\u2465 caf\u00e9",
])
def test_pp010_reads_no_number_where_none_shows(text: str) -> None:
    """More separators than a number holds (a reading at the end of a line and a date on the
    next, an amount and a year), other shapes, and nine digits with no label: none."""
    assert list(ssn.pp010_no_ssn(text)) == [] and not ssn.holds_ssn(text)


@pytest.mark.parametrize("strength", ["id 900-12-\n      3456", '"id 900\u200d-12-3456"', '"id 9\u200b00-12-3456"'])
def test_pp010_finds_numbers_folded_over_lines_or_with_invisible_characters(strength: str) -> None:
    text = _variant(("sharing:\n", f"strengths:\n  - {strength}\nsharing:\n"))
    assert [f.code for f in check_text(text)] == ["PP010"]


@pytest.mark.parametrize(("edit", "code"), [
    (("type: initial", "type: 900-12-3456"), "PP002"), (("type: initial", 'type: "900 12 3456"'), "PP002"),
    (('date: "2007-04-12"', "date: 900-12-3456"), "PP003"), (("  language: en", "  900-12-3456: x"), "PP002"),
    (("status: active", "status: 900/12/3456"), "PP002"),
])
def test_other_findings_never_show_the_number_pp010_withholds(edit: tuple[str, str], code: str) -> None:
    findings = check_text(_variant(edit))
    assert {f.code for f in findings} >= {code, "PP010"}
    said = "\n".join(f.text() for f in findings)
    assert not ssn.holds_ssn(said) and ssn.WITHHELD in said, said


def test_a_client_id_shaped_like_an_ssn_is_never_shown() -> None:
    findings = check_text(valid_plan_text("900-12-3456"), stem="OK-valid")
    assert {f.code for f in findings} >= {"PP004", "PP010"}
    said = "\n".join(f.text() for f in findings)
    assert not ssn.holds_ssn(said), said


def test_values_quoted_one_by_one_never_make_an_ssn_together() -> None:
    """A folder named ssn and one named t900123456 hold none alone; named side by side in one
    message they do: the values with digits are withheld."""
    others = "2 other files, plans/ssn/b.yaml, plans/t900123456/c.yaml, have"
    finding = OneFilePerClient.shared_id.finding("a.yaml", others=others)
    assert not ssn.holds_ssn(f"{finding.message} {finding.hint}") and ssn.WITHHELD in finding.message, finding
    assert ssn.withheld_together(["SSN card seen", "ID 900123456", "no digits"]) == ["SSN card seen", ssn.WITHHELD,
                                                                                       "no digits"]
    assert ssn.withheld_together(["Card 1", "ID 900123456"]) == ["Card 1", "ID 900123456"]


def test_a_message_made_again_without_its_digits_keeps_its_own_figures() -> None:
    """PP105 quotes sentences one by one beside its grade, a number it formats: withholding the
    quotes that make an SSN together must leave the grade a number, not stop the check."""
    hardest = "'SSN kept.' (grade 9.1) and 'ID 900123456.' (grade 9.0)"
    finding = PlainWords.above_grade_8.finding("a.yaml", grade=9.05, hardest=hardest)
    assert finding.message == f"The plan's text reads at grade 9.1, above grade 8; hardest: {ssn.WITHHELD}.", finding


def test_a_file_name_shaped_like_an_ssn_is_never_quoted(tmp_path: Path) -> None:
    """Only the path that says where a finding is shows it; no message quotes it again."""
    (tmp_path / "900-12-3456.yml").write_text(valid_plan_text("900-12-3456"), encoding="utf-8")
    findings = load_caseload([tmp_path], tmp_path).findings
    assert [f.code for f in findings] == ["PP004"]
    assert not ssn.holds_ssn(f"{findings[0].message} {findings[0].hint}"), findings


@pytest.mark.parametrize(("goal", "column"), [
    (r'"\x30\x37\x38-05-1120"', 11), (r'"078\u201105\u20111120"', 11), (r'"SSN \x30\x37\x38051120"', 11),
    (r'"078-05-1120"', 12), ("078-05-1120", 11),
])
def test_pp010_reads_the_values_as_yaml_decodes_them_and_reports_once(goal: str, column: int) -> None:
    findings = check_text(_variant((GOAL, f"goal: {goal}")))
    assert [(f.code, f.line, f.column) for f in findings] == [("PP010", 22, column)], findings


def test_pp010_reads_keys_as_decoded_too() -> None:
    findings = check_text(_variant(("  rosa: {name", r'  "\x30\x37\x38-05-1120": {name')))
    assert ("PP010", 19, 3) in [(f.code, f.line, f.column) for f in findings]


def test_pp010_counts_each_occurrence_once() -> None:
    """The same number written plainly and as escapes, in one value: two occurrences."""
    findings = check_text(_variant((GOAL, r'goal: "078-05-1120 or \x30\x37\x38-05-1120"')))
    assert sorted((f.code, f.line, f.column) for f in findings) == [("PP010", 22, 11), ("PP010", 22, 12)]


@pytest.mark.parametrize("payload", ["1" * 500_000, "1-" * 250_000, "-" * 500_000, "\u2011" * 500_000,
                                     "1 " * 250_000, "12-34-" * 80_000, "SSN " + "900123456 " * 50_000,
                                     "ssn " * 125_000])
def test_pp010_takes_time_in_proportion_to_the_text(payload: str) -> None:
    started = time.perf_counter()
    list(ssn.pp010_no_ssn(payload))
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize("text", [
    "078-05-1120", "078 05 1120", "SSN 078051120", "802-555-0100", "2007-04-12", "078051120", "id 900123456789",
    "078\u201105\u20111120", "\uff10\uff17\uff18-\uff10\uff15-\uff11\uff11\uff12\uff10", "classname 078051120",
    "078.05/1120", "078\t05 1120", "1078-05-11200", "S.S.N. 078051120", "target_date: '2026-09-01'\n  - 123456789",
])
def test_holds_ssn_says_what_pp010_finds(text: str) -> None:
    """The quick answer for ASCII text (its shape searched first) is PP010's own, in a plan too."""
    for whole in (text, f"{valid_plan_text()}# {text}\n"):
        assert ssn.holds_ssn(whole) == bool(list(ssn.pp010_no_ssn(whole)))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789-./ \t\nSsNn#x", max_size=40))
def test_holds_ssn_says_what_pp010_finds_of_any_ascii_text(text: str) -> None:
    assert ssn.holds_ssn(text) == bool(list(ssn.pp010_no_ssn(text)))
