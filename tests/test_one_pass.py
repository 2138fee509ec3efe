"""One pass: every rule runs on every well-formed part of a plan, so a case manager sees all
of a file's mistakes at once; and the messages that teach what went wrong."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import RunCli, build_site, make_project, valid_plan_text

from planportal.caseload import load_caseload
from planportal.check import check_loaded
from planportal.findings import Finding
from planportal.loader import load_bytes


def check_text(text: str, stem: str = "OK-valid") -> list[Finding]:
    return check_loaded(load_bytes(text.encode("utf-8"), f"{stem}.yaml"), f"{stem}.yaml", stem)


def variant(*edits: tuple[str, str], client_id: str = "OK-valid") -> str:
    text = valid_plan_text(client_id)
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def four_mistakes(client_id: str = "OK-valid") -> str:
    """A misspelt key, an undefined person, a bad date and a missing signature."""
    return variant(
        ("    measure: I work", "    mesure: I work"),                          # line 23
        ("responsible: [rosa, case_manager]", "responsible: [rosie, case_manager]"),  # line 30
        ("target_date: 2007-07-12", "target_date: July 12, 2007"),                # line 30
        ("  client: {name: Ada", "  supervisor: {name: Ann Lee, date: 2007-04-13}\n  client: {name: Ada"),
        (f"  client: {{name: Ada {client_id}, date: 2007-04-12}}\n", ""),         # no client signature
        client_id=client_id,
    )


FOUR = [("PP002", 23, 5), ("PP005", 29, 23), ("PP003", 30, 22), ("PP011", 34, 3)]


def test_four_mistakes_in_one_file_give_four_findings_in_one_run() -> None:
    assert sorted((f.code, f.line, f.column) for f in check_text(four_mistakes())) == sorted(FOUR)


def test_validate_reports_the_four_in_one_run(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "T-four.yaml").write_text(four_mistakes("T-four"), encoding="utf-8")
    result = run_cli("validate", "T-four.yaml", cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert lines[-1] == "Checked 1 plan file: 4 errors, 0 warnings."
    assert sorted(line.split(": ")[0] + " " + line.split()[2] for line in lines[:-1]) == sorted(
        f"T-four.yaml:{line}:{column} {code}" for code, line, column in FOUR)
    assert result.returncode == 1


def test_mkdocs_build_reports_the_four_in_one_run(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    (project / "plans" / "T-four.yaml").write_text(four_mistakes("T-four"), encoding="utf-8")
    (project / "plans" / "T-good.yaml").write_text(valid_plan_text("T-good"), encoding="utf-8")
    build = build_site(project)
    assert build.returncode == 1
    for code, line, column in FOUR:
        assert f"plans/T-four.yaml:{line}:{column}: error {code} " in build.output, build.output


@pytest.mark.parametrize(("edits", "expected"), [
    # a bad plan date: the rules that need it wait, the others run
    ([('date: "2007-04-12"', 'date: "April 12"'), ("responsible: client\n", "responsible: [client, nobody]\n")],
     [("PP003", 9), ("PP005", 26)]),
    # a goal left empty hides neither the missing measure of the same issue nor an ongoing target
    ([("    goal: I want to enjoy my hobbies again.\n", "    goal:\n"), ("    measure: I work in the garden two "
      "times a week by July.\n", ""), ("target_date: 2007-05-01", "target_date: ongoing")],
     [("PP002", 22), ("PP006", 26), ("PP101", 22)]),
    # a strategy missing its target date still has its people checked
    ([("        target_date: 2007-05-01\n", ""), ("responsible: client\n", "responsible: [client, nobody]\n")],
     [("PP002", 25), ("PP005", 26)]),
    # an unknown top-level field hides no rule
    ([("sharing:\n", "sharin:\n")], [("PP002", 31)]),
], ids=["bad-plan-date", "empty-goal", "missing-target", "misspelt-top-level"])
def test_a_schema_error_hides_no_finding_of_another_part(edits: list[tuple[str, str]],
                                                         expected: list[tuple[str, int]]) -> None:
    assert sorted((f.code, f.line) for f in check_text(variant(*edits))) == expected


@pytest.mark.parametrize("edits", [
    [("    measure: I work", "    mesure: I work")],  # a misspelt measure is no missing measure
    [("    measure: I work in the garden two times a week by July.", "    measure:")],  # an empty one neither
    [("  client: {name: Ada", "  clent: {name: Ada")],  # a misspelt signature is no missing one
    [("  client: {name: Ada OK-valid, date: 2007-04-12}", "  client: {name: Ada OK-valid, date: 12/4/2007}")],
    [("target_date: 2007-07-12", "target_date: soon")],  # one bad target: the date rules judge the others
    [("  review_date: 2008-04-12", "  review_date: next spring")],  # no review date to judge targets by
    [("responsible: [rosa, case_manager]", "responsible: [Rosa Pike, case_manager]")],
], ids=["misspelt-measure", "empty-measure", "misspelt-signature", "bad-signature-date", "bad-target",
        "bad-review-date", "name-for-key"])
def test_a_broken_part_gives_the_schema_finding_alone(edits: list[tuple[str, str]]) -> None:
    """A rule never reports what the schema already said, nor trips over a part it cannot read."""
    assert {f.code for f in check_text(variant(*edits))} <= {"PP002", "PP003"}


# --- messages that teach ------------------------------------------------------------------------

def test_a_value_emptied_by_a_comment_says_so_and_shows_the_quoted_form() -> None:
    (finding,) = check_text(variant(("action: I will call the clinic to set up a visit.",
                                     "action: #1 priority - get grab bars")))
    assert (finding.code, finding.line, finding.column) == ("PP002", 25, 16)
    assert "a # after a space starts a comment" in finding.message
    assert finding.hint == 'To keep it as text, put it in quotes: action: "#1 priority - get grab bars"'


def test_a_list_item_emptied_by_a_comment_shows_the_quoted_item() -> None:
    (finding,) = check_text(variant(("sharing:\n  - rosa\n", "sharing:\n  - rosa\n  - #2 the pharmacy\n")))
    assert finding.hint == 'To keep it as text, put it in quotes: - "#2 the pharmacy"'


def test_a_section_emptied_by_a_comment_is_not_told_to_be_quoted() -> None:
    text = valid_plan_text() + "supervisor: # Ann Lee signs later\n"
    findings = [f for f in check_text(text) if "supervisor" in f.message]
    assert findings and not any("quotes" in f.hint for f in findings)


def test_an_empty_value_without_a_comment_is_plain_empty() -> None:
    (finding,) = check_text(variant(("    goal: I want to enjoy my hobbies again.\n", "    goal:\n")))
    assert "comment" not in finding.sentence and "goal is empty" in finding.message


@pytest.mark.parametrize(("written", "key"), [
    ("Rosa Pike", "rosa"), ("rosa  pike", "rosa"), ("Rosa", "rosa"), ("Ada OK-valid", "client"),
    ("Marie Dubois", "case_manager"),
])
def test_a_name_where_a_key_belongs_suggests_the_key(written: str, key: str) -> None:
    findings = check_text(variant(("responsible: [rosa, case_manager]", f"responsible: [{written}, case_manager]")))
    (finding,) = findings
    assert (finding.code, finding.line, finding.column) == ("PP002", 29, 23)
    assert finding.hint.startswith(f"Write {key} ("), finding.text()


def test_paul_pelletier_suggests_paul() -> None:
    text = variant(("  rosa: {name", "  paul: {name: Paul Pelletier, role: friend}\n  rosa: {name"),
                   ("responsible: client\n", "responsible: Paul Pelletier\n"))
    (finding,) = check_text(text)
    assert finding.text().endswith("is 'Paul Pelletier', a name; a short name (key) belongs here. "
                                   "Write paul (people.paul is Paul Pelletier).")


def test_an_unknown_name_in_sharing_says_how_to_add_the_person() -> None:
    (finding,) = check_text(variant(("  - rosa\n", "  - Tom Hale\n")))
    assert "Add the person under people with a key, e.g. tom: {name: Tom Hale}, and write tom here." in finding.hint


def test_pp011_points_at_the_status_that_makes_the_plan_active() -> None:
    text = variant(("signatures:\n  client: {name: Ada OK-valid, date: 2007-04-12}\n"
                    "  case_manager: {name: Marie Dubois, date: 2007-04-12}\n", ""))
    findings = check_text(text)
    assert [(f.code, f.line, f.column) for f in findings] == [("PP011", 13, 11)] * 2
    assert all("active (plan.status)" in f.message and "plan.status: draft" in f.hint for f in findings)


def test_pp105_names_the_hardest_sentences_and_the_abbreviations() -> None:
    text = variant(("action: Rosa will drive me to the clinic.",
                    "action: ECC to coordinate comprehensive psychogeriatric evaluation with PCP documentation."))
    text = text.replace("goal: I want to enjoy my hobbies again.",
                        "goal: Reestablishment of consistent engagement in individually preferred activities.")
    (finding,) = check_text(text)
    assert (finding.code, finding.line, finding.column) == ("PP105", 22, 11)  # the hardest sentence
    assert "hardest: 'Reestablishment of consistent engagement in individually preferred activities.' " \
           "(grade 21.5) and 'ECC to coordinate comprehensive" in finding.message
    assert finding.hint.endswith("spell out abbreviations such as ECC, PCP.")


def test_every_message_is_one_line() -> None:
    text = four_mistakes() + "strengths:\n  - " + "Comprehensive multidisciplinary reassessment. " * 3 + "\n"
    for finding in check_text(text):
        assert "\n" not in finding.text()


def test_the_rules_that_compare_plans_run_on_a_plan_with_a_schema_error(tmp_path: Path) -> None:
    """A broken part elsewhere hides neither a shared client id nor the same name twice."""
    plans = tmp_path / "plans"
    (plans / "a").mkdir(parents=True)
    (plans / "b").mkdir()
    (plans / "a" / "T-1.yaml").write_text(valid_plan_text("T-1").replace("type: initial", "type: intial"),
                                          encoding="utf-8")
    (plans / "b" / "T-1.yaml").write_text(valid_plan_text("T-1"), encoding="utf-8")
    findings = load_caseload([plans], tmp_path).findings
    assert {(f.path, f.code) for f in findings if f.code in ("PP004", "PP104")} == {
        ("plans/a/T-1.yaml", "PP004"), ("plans/b/T-1.yaml", "PP004"),
        ("plans/a/T-1.yaml", "PP104"), ("plans/b/T-1.yaml", "PP104")}


@pytest.mark.parametrize(("old", "new", "hint"), [
    ("responsible: [rosa, case_manager]", "responsible: [rosie, case_manager]",
     "Did you mean 'rosa'? If not, add 'rosie' under people."),
    ("responsible: client\n", "responsible: [client, zed]\n",
     "Add 'zed' under people, or use one of: case_manager, client, rosa."),
    ("  - rosa\n", "  - case_manger\n", "Did you mean 'case_manager'? If not, add 'case_manger' under people."),
])
def test_an_undefined_key_like_a_defined_one_asks_if_that_was_meant(old: str, new: str, hint: str) -> None:
    (finding,) = check_text(variant((old, new)))
    assert (finding.code, finding.hint) == ("PP005", hint)


def test_many_undefined_keys_among_many_people_are_reported_in_linear_time_and_output() -> None:
    """Every undefined key is reported, but a file of a few kilobytes with a thousand people and
    two thousand names no one defined is no slip: comparing each name with each person took
    seconds per thousand, and listing every person in each finding made megabytes. Only the
    first names get a "Did you mean", and each finding lists a few people and counts the rest."""
    people = "".join(f"  p{n:05}: {{name: Person {n}}}\n" for n in range(1200))
    undefined = [f"q{n:05}" for n in range(2300)]
    text = variant(("people:\n", "people:\n" + people),
                   ("responsible: [rosa, case_manager]", f"responsible: [rosa, case_manager, {', '.join(undefined)}]"))
    findings = check_text(text)
    assert [f.code for f in findings] == ["PP005"] * len(undefined)
    assert [f.text().split("'")[1] for f in findings] == undefined
    assert 0 < sum("Did you mean" in f.hint for f in findings) <= 50
    assert max(len(f.text()) for f in findings) < 500
    assert findings[-1].hint.endswith("p00017 and 1183 more."), findings[-1].hint


def test_a_text_of_placeholder_starts_without_an_end_is_checked_in_one_pass() -> None:
    """PP012 looks for `[fill in: ...]`: a text of 100,000 starts and no `]` (a file just
    under 1 MiB) was searched once from each start, for minutes. The same plan with an ended
    placeholder in it still has its PP012."""
    starts = "[fill in:" * 100_000
    text = variant(("  - rosa\n", f'  - rosa\nstrengths:\n  - "{starts}"\n'))
    began = time.perf_counter()
    findings = check_text(text)
    assert time.perf_counter() - began < 10  # about 0.1 s; a search from each start takes over a minute
    assert "PP012" not in {f.code for f in findings}
    ended = check_text(variant(("  - rosa\n", f'  - rosa\nstrengths:\n  - "{starts} a]"\n')))
    assert [(f.code, f.text().split("'")[-2][-12:]) for f in ended if f.code == "PP012"] == [
        ("PP012", "[fill in: a]")]
