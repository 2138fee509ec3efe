"""The installed `planportal` script, run as a user or CI runs it: output, formats, exit codes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPOSITORY, RULE_FIXTURES, RunCli, valid_plan_text

from planportal.findings import Finding

FINDING_LINE = re.compile(r"^\S+:\d+:\d+: (error|warning) PP\d{3} .+")
SUMMARY_LINE = re.compile(r"^Checked \d+ plan files?: \d+ errors?, \d+ warnings?\.$")
GITHUB_LINE = re.compile(r"^::(error|warning) file=[^,]+,line=\d+,col=\d+,title=PP\d{3}::.+")
FIXTURES = RULE_FIXTURES.relative_to(REPOSITORY).as_posix()


def fixture(name: str) -> str:
    return f"{FIXTURES}/{name}"


def quick_plan(client_id: str) -> str:
    """A valid plan in Norwegian: PP105 skips it, which spares a run the fifth of a second the
    syllable table takes to load. Runs on English plans are kept to a few."""
    return valid_plan_text(client_id).replace("language: en", "language: no")


def without_measure(text: str) -> str:
    """The plan with a PP101 warning and nothing else."""
    return text.replace("    measure: I work in the garden two times a week by July.\n", "")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with the schema, as a repository clone has it, and an empty plans/."""
    (tmp_path / "schema").mkdir()
    shutil.copy(REPOSITORY / "schema" / "plan.schema.json", tmp_path / "schema")
    (tmp_path / "plans").mkdir()
    return tmp_path


# --- text ---------------------------------------------------------------------------------------

def test_text_output_is_one_finding_a_line_then_a_summary(run_cli: RunCli) -> None:
    result = run_cli("validate", FIXTURES)
    lines = result.stdout.splitlines()
    assert result.returncode == 1
    assert len(lines) > 40
    assert all(FINDING_LINE.match(line) for line in lines[:-1]), result.stdout
    assert SUMMARY_LINE.match(lines[-1]), lines[-1]
    assert lines[-1].startswith("Checked 48 plan files:")


def test_a_finding_line_names_path_line_column_level_code_and_says_what_to_do(run_cli: RunCli) -> None:
    result = run_cli("validate", fixture("PP002-unknown-field.yaml"))
    assert result.stdout.splitlines() == [
        f"{FIXTURES}/PP002-unknown-field.yaml:23:5: error PP002 'mesure' is not a field of issues > 1. "
        "Did you mean 'measure'?",
        "Checked 1 plan file: 1 error, 0 warnings.",
    ]
    assert result.returncode == 1


def test_paths_are_shown_as_given_relative_to_the_working_folder(run_cli: RunCli, project: Path) -> None:
    (project / "plans" / "north").mkdir()
    (project / "plans" / "north" / "T-1.yaml").write_text(quick_plan("T-2"), encoding="utf-8")
    result = run_cli("validate", cwd=project)
    assert result.stdout.startswith("plans/north/T-1.yaml:5:7: error PP004 "), result.stdout


# --- exit codes -----------------------------------------------------------------------------------

def test_valid_plans_exit_0_even_under_strict(run_cli: RunCli) -> None:
    result = run_cli("validate", "--strict", fixture("OK-language-no.yaml"))
    assert (result.returncode, result.stdout) == (0, "Checked 1 plan file: 0 errors, 0 warnings.\n")


def test_an_error_exits_1(run_cli: RunCli) -> None:
    assert run_cli("validate", fixture("OK-language-no.yaml"), fixture("PP002-bad-enum.yaml")).returncode == 1


def test_the_default_path_is_plans(run_cli: RunCli, project: Path) -> None:
    (project / "plans" / "T-1.yaml").write_text(quick_plan("T-1"), encoding="utf-8")
    result = run_cli("validate", cwd=project)
    assert (result.returncode, result.stdout) == (0, "Checked 1 plan file: 0 errors, 0 warnings.\n")
    (project / "plans" / "T-2.yaml").write_text(quick_plan("T-1"), encoding="utf-8")
    assert run_cli("validate", cwd=project).returncode == 1


@pytest.mark.parametrize("args", [
    ("validate", "--bogus"),
    ("validate", "--format", "xml"),
    ("frobnicate",),
    (),
    ("validate", "no-such-folder"),
    ("validate", fixture("OK-valid.yaml"), "no-such-file.yaml"),
])
def test_bad_usage_exits_2(run_cli: RunCli, args: tuple[str, ...]) -> None:
    result = run_cli(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "usage: planportal" in result.stderr


def test_a_missing_path_is_named(run_cli: RunCli) -> None:
    assert "no such file or folder: no-such-file.yaml" in run_cli("validate", "no-such-file.yaml").stderr


def test_without_plans_folder_the_default_is_bad_usage(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("validate", cwd=tmp_path).returncode == 2


def test_strict_turns_a_warning_only_file_into_exit_1(run_cli: RunCli, project: Path) -> None:
    (project / "plans" / "T-1.yaml").write_text(without_measure(quick_plan("T-1")), encoding="utf-8")
    relaxed = run_cli("validate", cwd=project)
    strict = run_cli("validate", "--strict", cwd=project)
    assert relaxed.returncode == 0 and strict.returncode == 1
    assert relaxed.stdout.startswith("plans/T-1.yaml:22:11: warning PP101 ")
    assert relaxed.stdout == strict.stdout


# --- other formats -----------------------------------------------------------------------------------

def test_github_format_gives_workflow_annotations(run_cli: RunCli) -> None:
    result = run_cli("validate", "--format", "github", fixture("PP006-ongoing-change.yaml"),
                     fixture("PP101-no-measure.yaml"))
    *annotations, last = result.stdout.splitlines()
    assert annotations == [
        f"::error file={FIXTURES}/PP006-ongoing-change.yaml,line=27,col=22,title=PP006::'ongoing' is a "
        "target only for a goal that maintains something. Give a specific date, or set the issue's kind: "
        "maintain if the goal is to keep a skill.",
        f"::warning file={FIXTURES}/PP101-no-measure.yaml,line=22,col=11,title=PP101::This goal has no "
        "measure. Add measure: how you and the person will know the goal is met.",
    ]
    assert all(GITHUB_LINE.match(line) for line in annotations)
    assert SUMMARY_LINE.match(last)
    assert result.returncode == 1


def test_github_annotations_escape_what_would_end_them() -> None:
    finding = Finding("plans/a b.yaml", 3, 4, "PP002", "100% wrong\r\nsecond line", "")
    assert finding.github() == "::error file=plans/a b.yaml,line=3,col=4,title=PP002::100%25 wrong%0D%0Asecond line"


def test_json_format_is_a_list_of_findings_with_the_summary_apart(run_cli: RunCli) -> None:
    result = run_cli("validate", "--format", "json", fixture("PP001-tab-indent.yaml"),
                     fixture("PP002-unknown-field.yaml"), fixture("PP003-written-date.yaml"))
    findings = json.loads(result.stdout)
    assert isinstance(findings, list) and len(findings) == 3
    for item in findings:
        assert set(item) == {"path", "line", "column", "level", "code", "message", "hint"}
        assert isinstance(item["line"], int) and isinstance(item["column"], int)
        assert item["level"] == ("warning" if item["code"].startswith("PP1") else "error")
    assert {"path": f"{FIXTURES}/PP003-written-date.yaml", "line": 30, "column": 22, "level": "error",
            "code": "PP003", "hint": "Write it as 2007-07-12.",
            "message": "issues > 1 > strategies > 2 > target_date: 'July 12, 2007' is not a date written "
                       "YYYY-MM-DD."} in findings
    assert SUMMARY_LINE.match(result.stderr.strip())
    assert result.returncode == 1


def test_json_format_of_a_clean_plan_is_an_empty_list(run_cli: RunCli) -> None:
    result = run_cli("validate", "--format", "json", fixture("OK-language-no.yaml"))
    assert (result.returncode, json.loads(result.stdout)) == (0, [])


def test_json_keeps_non_ascii_text(run_cli: RunCli, project: Path) -> None:
    (project / "plans" / "T-1.yaml").write_text(
        quick_plan("T-1").replace("    measure:", "    mesüre:"), encoding="utf-8")
    result = run_cli("validate", "--format", "json", cwd=project)
    (finding,) = json.loads(result.stdout)
    assert (finding["code"], finding["message"]) == ("PP002", "'mesüre' is not a field of issues > 1.")
    assert "'mesüre'" in result.stdout  # written as itself, not as a \\u escape


# --- what discovery reports ----------------------------------------------------------------------------

def test_a_file_that_is_not_named_yaml_is_reported_not_skipped(run_cli: RunCli, project: Path) -> None:
    (project / "plans" / "T-1.yml").write_text(quick_plan("T-1"), encoding="utf-8")
    (project / "plans" / "notes.txt").write_text("call Rosa\n", encoding="utf-8")
    result = run_cli("validate", cwd=project)
    assert result.returncode == 1
    assert [line.split(" ")[:3] for line in result.stdout.splitlines()[:-1]] == [
        ["plans/T-1.yml:1:1:", "error", "PP004"], ["plans/notes.txt:1:1:", "error", "PP004"]]


def test_a_link_out_of_the_repository_is_reported(run_cli: RunCli, project: Path, tmp_path_factory:
                                                   pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "T-1.yaml"
    outside.write_text(quick_plan("T-1"), encoding="utf-8")
    (project / "plans" / "T-1.yaml").symlink_to(outside)
    result = run_cli("validate", cwd=project)
    assert result.stdout.startswith("plans/T-1.yaml:1:1: error PP001 This is a link to a file outside")
    assert result.returncode == 1


# --- planportal new ---------------------------------------------------------------------------------------

def test_new_writes_a_draft_that_validates_cleanly(run_cli: RunCli, project: Path) -> None:
    made = run_cli("new", "X-1", "--dir", project / "plans", cwd=project)
    assert made.returncode == 0, made.stderr
    written = project / "plans" / "X-1.yaml"
    first = written.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/plan.schema.json"
    assert (written.parent / first.split("=", 1)[1]).resolve() == (project / "schema" / "plan.schema.json")
    checked = run_cli("validate", "--strict", "plans/X-1.yaml", cwd=project)
    assert (checked.returncode, checked.stdout) == (0, "Checked 1 plan file: 0 errors, 0 warnings.\n")


def test_a_new_plan_made_active_untouched_is_pp012_at_each_placeholder(run_cli: RunCli, project: Path) -> None:
    assert run_cli("new", "X-1", cwd=project).returncode == 0
    written = project / "plans" / "X-1.yaml"
    text = written.read_text(encoding="utf-8")
    placeholders = text.count('"[fill in:')
    assert placeholders == 8  # the names, your name, the issue, goal, measure and two first steps
    written.write_text(text.replace("status: draft", "status: active"), encoding="utf-8")
    lines = run_cli("validate", "plans/X-1.yaml", cwd=project).stdout.splitlines()
    assert sum(" error PP012 " in line for line in lines) == placeholders, lines
    assert "client > name > first still holds the template's placeholder '[fill in: first name]'" in lines[0]


def test_pp012_recognises_the_placeholders_and_nothing_else(run_cli: RunCli, project: Path) -> None:
    """Filled in, the plan has no PP012, even with words like the placeholder's in it."""
    assert run_cli("new", "X-1", cwd=project).returncode == 0
    written = project / "plans" / "X-1.yaml"
    text = written.read_text(encoding="utf-8").replace("status: draft", "status: active")
    filled = re.sub(r'"\[fill in: ([^\]]*)\]"', lambda m: f'"Fill in the form [{m[1]}]: done"', text)
    written.write_text(filled, encoding="utf-8")
    result = run_cli("validate", "plans/X-1.yaml", cwd=project)
    assert "PP012" not in result.stdout and "PP011" in result.stdout  # still to sign, as it says


def test_new_finds_the_schema_from_a_nested_folder(run_cli: RunCli, project: Path) -> None:
    assert run_cli("new", "X-2", "--dir", "plans/north", cwd=project).returncode == 0
    first = (project / "plans" / "north" / "X-2.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schema/plan.schema.json"


def test_new_never_overwrites_a_plan(run_cli: RunCli, project: Path) -> None:
    assert run_cli("new", "X-1", cwd=project).returncode == 0
    (project / "plans" / "X-1.yaml").write_text("kept\n", encoding="utf-8")
    again = run_cli("new", "X-1", cwd=project)
    assert again.returncode == 2 and "exists already" in again.stderr
    assert (project / "plans" / "X-1.yaml").read_text(encoding="utf-8") == "kept\n"


@pytest.mark.parametrize("client_id", ["-X", "X_1", "../X", "X" * 65])
def test_new_refuses_what_is_not_a_client_id(run_cli: RunCli, project: Path, client_id: str) -> None:
    result = run_cli("new", "--dir", "plans", "--", client_id, cwd=project)
    assert result.returncode == 2 and "is not a client id" in result.stderr
    assert list((project / "plans").iterdir()) == []


def test_new_refuses_an_id_shaped_like_a_social_security_number(run_cli: RunCli, project: Path) -> None:
    result = run_cli("new", "078-05-1120", cwd=project)
    assert result.returncode == 2
    assert "looks like a Social Security number" in result.stderr
    assert "078-05-1120" not in result.stderr  # not echoed into logs
    assert list((project / "plans").iterdir()) == []


def test_validate_piped_into_a_reader_that_stops_ends_quietly(tmp_path: Path) -> None:
    """`planportal validate | head -c 1`: the reader closes the pipe while more than a pipe's
    buffer of findings is still to come; no traceback follows."""
    plans = tmp_path / "plans"
    plans.mkdir()
    broken = valid_plan_text("PIPE-0").replace("target_date: 2007-05-01", "target_date: ongoing", 1)
    for number in range(800):
        (plans / f"PIPE-{number}.yaml").write_text(broken.replace("PIPE-0", f"PIPE-{number}"), encoding="utf-8")
    planportal = Path(sys.executable).with_name("planportal")
    result = subprocess.run(f"'{planportal}' validate plans | head -c 1", shell=True, cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert len(result.stdout) == 1
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr


def test_a_plan_under_two_paths_given_is_read_once(run_cli: RunCli, project: Path) -> None:
    """A folder and its sub-folder, or one folder twice: each plan is one file, with no
    PP004 naming itself as another file with its id."""
    (project / "plans" / "north").mkdir()
    (project / "plans" / "north" / "T-1.yaml").write_text(without_measure(quick_plan("T-1")), encoding="utf-8")
    once = run_cli("validate", "plans", cwd=project)
    for paths in (["plans", "plans/north"], ["plans", "plans"], ["plans/north/T-1.yaml", "plans"]):
        again = run_cli("validate", *paths, cwd=project)
        assert (again.returncode, again.stdout) == (once.returncode, once.stdout), paths
    assert once.stdout.count("PP101") == 1 and "PP004" not in once.stdout and "1 plan file" in once.stdout
